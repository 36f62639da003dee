import CabildoTestSupport
import Foundation
import Glibc
@testable import CabildoMail
@testable import CabildoWeb

/// A real SMTP server for a test: Python's aiosmtpd through `Tests/E2E/smtp_sink.py`, on
/// 127.0.0.1, keeping each message it accepts as a file the test reads back. `Deploy/run-tests.sh`
/// installs aiosmtpd (pip); without it these tests fail saying so.
final class SMTPSink: @unchecked Sendable {
    enum Security { case none, startTLS, implicitTLS }

    let port: Int
    let directory: URL
    let security: Security
    let auth: (user: String, password: String)?
    private var process: (Process, exited: DispatchSemaphore)?

    /// A sink on `port` (a free one by default), not yet started.
    init(port: Int? = nil, security: Security = .none, auth: (user: String, password: String)? = nil) throws {
        self.port = try port ?? Self.freePort()
        self.security = security
        self.auth = auth
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A started sink; `remove()` it at the end (or let `withSMTPSink` do it).
    static func started(security: Security = .none, auth: (user: String, password: String)? = nil) async throws -> SMTPSink {
        // Another port on a second and third try: the free port found may be taken meanwhile by
        // another test's server, as the whole suite starts at once.
        var attempts = 1
        while true {
            let sink = try SMTPSink(security: security, auth: auth)
            do {
                try await sink.start()
                return sink
            } catch {
                await sink.remove()
                guard attempts < 3 else { throw error }
                attempts += 1
            }
        }
    }

    /// The PEM certificate the sink presents with TLS (made for 127.0.0.1 and localhost).
    var certificate: String { directory.appendingPathComponent("cert.pem").path }

    /// How the forum reaches it: `CABILDO_SMTP_URL` as a test sets it.
    var server: SMTPServer {
        SMTPServer(host: "127.0.0.1", port: port, security: security == .none ? .none : security == .startTLS ? .startTLS : .implicitTLS,
                   username: auth?.user, password: auth?.password)
    }

    /// Starts the server and returns once it listens. The waiting is done on a thread of its own:
    /// blocked there, it would hold one of the few threads every test shares.
    func start() async throws {
        try await Self.onOwnThread { try self.startBlocking() }
    }

    private func startBlocking() throws {
        var arguments = [repositoryRoot.appendingPathComponent("Tests/E2E/smtp_sink.py").path, "--port", "\(port)",
                         "--maildir", directory.appendingPathComponent("mail").path]
        if security != .none {
            try makeCertificate()
            arguments += [security == .startTLS ? "--starttls" : "--smtps", certificate, directory.appendingPathComponent("key.pem").path]
        }
        if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // Its complaints go to a file (a pipe nobody reads could fill up and stall it).
        let log = directory.appendingPathComponent("sink.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        let exited = try Self.launch(process)
        // "ready" once it listens; anything else (no aiosmtpd, a port taken) ends the process.
        // Waited for a minute at most: a sink that never answers fails its test, not the whole run.
        var readable = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&readable, 1, 60_000) == 1 else {
            Self.end(process, exited)
            throw TestFailure("the SMTP sink did not start listening within a minute")
        }
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("ready") else {
            Self.end(process, exited)
            let why = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestFailure("the SMTP sink did not start (is aiosmtpd installed? pip install aiosmtpd): \(why)")
        }
        self.process = (process, exited)
    }

    func stop() async {
        guard let (process, exited) = process else { return }
        self.process = nil
        try? await Self.onOwnThread { Self.end(process, exited) }
    }

    /// Runs `process`; the semaphore is signalled when it exits. Foundation's `waitUntilExit()`
    /// spins a run loop that is known to wait forever on Linux at times (swift-corelibs-foundation
    /// issues), so every wait here is on this, and bounded.
    private static func launch(_ process: Process) throws -> DispatchSemaphore {
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        return exited
    }

    /// Asks `process` to end, and kills it if it has not within 10 s; waits 5 s more at most.
    private static func end(_ process: Process, _ exited: DispatchSemaphore) {
        if process.isRunning { process.terminate() }
        guard exited.wait(timeout: .now() + 10) == .timedOut else { return }
        kill(process.processIdentifier, SIGKILL)
        _ = exited.wait(timeout: .now() + 5)
    }

    /// Stops it and deletes its messages.
    func remove() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func onOwnThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Every message accepted so far, oldest first.
    func messages() -> [ReceivedMail] {
        let folder = directory.appendingPathComponent("mail/new")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        return names.compactMap { try? Data(contentsOf: folder.appendingPathComponent($0)) }.map(ReceivedMail.init)
    }

    /// Waits until `count` messages arrived (the delivery worker runs on its own), or fails. It
    /// looks once more after the time is up: in a busy suite a sleeping task can be woken late,
    /// and a failure once read "expected 1 mails within 5.0 s, got 1".
    func waitForMessages(_ count: Int, within seconds: Double = 15) async throws -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let received = messages()
            if received.count >= count { return received }
            if Date() >= deadline { throw TestFailure("expected \(count) mails within \(seconds) s, got \(received.count)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func makeCertificate() throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", directory.appendingPathComponent("key.pem").path, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        let exited = try Self.launch(openssl)
        guard exited.wait(timeout: .now() + 60) == .success else {
            Self.end(openssl, exited)
            throw TestFailure("openssl did not make a test certificate within a minute")
        }
        guard openssl.terminationStatus == 0 else { throw TestFailure("openssl could not make a test certificate") }
    }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One message as the sink kept it: the envelope, the headers (unfolded) and the body decoded
/// from quoted-printable.
struct ReceivedMail: Sendable {
    let raw: String
    let envelopeTo: String
    let headers: [(name: String, value: String)]
    let text: String

    init(_ data: Data) {
        raw = String(decoding: data, as: UTF8.self)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        var headers: [(String, String)] = []
        for line in parts[0].components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + line))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        self.headers = headers
        envelopeTo = headers.first { $0.0 == "X-RcptTo" }?.1 ?? ""
        text = Self.quotedPrintableDecoded(parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    /// The first link in the text that starts with `prefix`.
    func link(startingWith prefix: String) -> String? {
        guard let start = text.range(of: prefix) else { return nil }
        return String(text[start.lowerBound...].prefix { !$0.isWhitespace })
    }

    static func quotedPrintableDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let byte = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
