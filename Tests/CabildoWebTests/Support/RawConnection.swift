import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client socket to a live test server, written to by hand: what a slow or silent client
/// sends. It never blocks: it polls and sleeps, because the server's handlers run on the same
/// small pool of Swift threads as the tests, and a blocked test thread would stall the server.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32
    private var received: [UInt8] = []
    private(set) var isClosedByServer = false
    private var isClosed = false

    init(port: Int) throws {
        socket = try connectToLocalhost(port: port)
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(socket)
    }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        // MSG_NOSIGNAL: writing to a closed connection must fail, not kill the test process.
        let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if count < 0, errno != EAGAIN { isClosedByServer = true }
        return count == bytes.count
    }

    /// Reads what has arrived, and notices the server closing.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !isClosedByServer {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 { received += buffer[0..<count]; continue }
            if count == 0 || errno != EAGAIN && errno != EWOULDBLOCK { isClosedByServer = true }
            return
        }
    }

    /// How long until the server closed the connection, or nil if it is still open after `limit`.
    func waitUntilClosed(within limit: Duration) async -> Duration? {
        let clock = ContinuousClock(), start = clock.now
        while clock.now - start < limit {
            drain()
            if isClosedByServer { return clock.now - start }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Sends `text` one byte every `interval` until the server closes the connection or `limit`
    /// passes; returns how long the server took to close it, or nil.
    func trickle(_ text: String, every interval: Duration, within limit: Duration) async -> Duration? {
        let clock = ContinuousClock(), start = clock.now
        var bytes = Array(text)[...]
        while clock.now - start < limit {
            drain()
            if isClosedByServer { return clock.now - start }
            if let next = bytes.popFirst() { send(String(next)) }
            try? await Task.sleep(for: interval)
        }
        return nil
    }

    /// The next whole response (head and a `Content-Length` body) within `limit`, or nil.
    func response(within limit: Duration = .seconds(5)) async -> String? {
        let clock = ContinuousClock(), start = clock.now
        while clock.now - start < limit {
            drain()
            if let (response, length) = Self.firstResponse(in: received) {
                received.removeFirst(length)
                return response
            }
            if isClosedByServer { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// A keep-alive GET and its answer's status line, or nil when none came.
    func get(_ path: String, within limit: Duration = .seconds(5)) async -> String? {
        send("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return await response(within: limit)?.components(separatedBy: "\r\n").first
    }

    private static func firstResponse(in bytes: [UInt8]) -> (String, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, bytes.count - 4)).first(where: { bytes.count >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let length = head.components(separatedBy: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = end + 4 + length
        guard bytes.count >= total else { return nil }
        return (String(decoding: bytes[..<total], as: UTF8.self), total)
    }
}
