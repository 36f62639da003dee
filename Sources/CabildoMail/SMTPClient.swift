import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one mail per connection to the configured server (RFC 5321): EHLO, STARTTLS when the URL
/// asks for it (required, never skipped), AUTH PLAIN or LOGIN when it names a user, then MAIL,
/// RCPT and DATA with dot-stuffing, and QUIT. One command at a time, each reply awaited within a
/// timeout. Every failure is an `SMTPFailure` saying whether trying later may help.
public struct SMTPClient: Sendable {
    public struct Timeouts: Sendable {
        public var connect: TimeAmount = .seconds(30)
        /// For each reply; RFC 5321 allows servers minutes, but a server that slow is better tried again later.
        public var reply: TimeAmount = .seconds(60)
        /// For the reply to the end of the message, when servers scan it.
        public var endOfData: TimeAmount = .seconds(180)
        public init() {}
    }

    public let server: SMTPServer
    /// The name this machine gives in EHLO: the forum's host name.
    public let heloName: String
    public let timeouts: Timeouts
    private let tls: NIOSSLContext?

    /// `trustedCertificates`: PEM file of the only certificates to trust instead of the system's
    /// (tests, with a certificate they made); nil in production.
    public init(server: SMTPServer, heloName: String, trustedCertificates: String? = nil, timeouts: Timeouts = Timeouts()) throws {
        self.server = server
        self.heloName = Self.ehloDomain(heloName)
        self.timeouts = timeouts
        if server.security == .none {
            tls = nil
        } else {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let trustedCertificates {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustedCertificates))
            }
            tls = try NIOSSLContext(configuration: configuration)
        }
    }

    /// Delivers `message` to its one recipient; throws `SMTPFailure`.
    public func send(_ message: MailMessage) async throws {
        let connection = try await connect()
        do {
            try await converse(connection, message)
            connection.close()
        } catch {
            connection.close()
            throw error as? SMTPFailure ?? SMTPFailure(.transient, "\(error)")
        }
    }

    private func converse(_ connection: Connection, _ message: MailMessage) async throws {
        let greeting = try await connection.exchange(nil, timeouts.reply)
        guard greeting.code == 220 else { throw SMTPFailure(step: "greeting", reply: greeting) }
        var extensions = try await hello(connection)
        if server.security == .startTLS {
            // Refusing to go on in clear is the point of STARTTLS being required: a man in the
            // middle who strips the offer gets nothing. Transient: the server may be fixed.
            guard extensions.contains("STARTTLS") else { throw SMTPFailure(.transient, "the server does not offer STARTTLS") }
            let ready = try await connection.exchange("STARTTLS", timeouts.reply)
            guard ready.code == 220 else { throw SMTPFailure(step: "STARTTLS", reply: ready) }
            try await connection.startTLS(tls!, serverHostname: sniName)
            extensions = try await hello(connection)
        }
        if let username = server.username {
            try await authenticate(connection, username: username, password: server.password ?? "", extensions: extensions)
        }
        try await expect(connection, "MAIL FROM:<\(message.from.address)>", step: "MAIL", codes: [250])
        try await expect(connection, "RCPT TO:<\(message.to)>", step: "RCPT", codes: [250, 251])
        try await expect(connection, "DATA", step: "DATA", codes: [354])
        let sent = try await connection.exchange(bytes: ByteBuffer(string: Self.dotStuffed(message.encoded()) + ".\r\n"), timeouts.endOfData)
        guard sent.code == 250 else { throw SMTPFailure(step: "message", reply: sent) }
        // The mail is accepted; a QUIT that fails changes nothing.
        _ = try? await connection.exchange("QUIT", timeouts.reply)
    }

    /// EHLO, and the extensions the server names (`STARTTLS`, `AUTH PLAIN LOGIN`…), upper-cased.
    private func hello(_ connection: Connection) async throws -> [String] {
        let reply = try await connection.exchange("EHLO \(heloName)", timeouts.reply)
        guard reply.code == 250 else { throw SMTPFailure(step: "EHLO", reply: reply) }
        return reply.lines.dropFirst().map { $0.uppercased() }
    }

    /// PLAIN when offered, else LOGIN. A refused password is transient: it is the operator's to
    /// fix, and the mail should still go once it is.
    private func authenticate(_ connection: Connection, username: String, password: String, extensions: [String]) async throws {
        let offered = Set(extensions.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }
            .flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) })
        let reply: SMTPReply
        if offered.contains("PLAIN") {
            reply = try await connection.exchange("AUTH PLAIN " + Self.base64("\0\(username)\0\(password)"), timeouts.reply)
        } else if offered.contains("LOGIN") {
            let user = try await connection.exchange("AUTH LOGIN", timeouts.reply)
            guard user.code == 334 else { throw SMTPFailure(.transient, "AUTH LOGIN refused: \(user.code)") }
            let pass = try await connection.exchange(Self.base64(username), timeouts.reply)
            guard pass.code == 334 else { throw SMTPFailure(.transient, "AUTH LOGIN refused: \(pass.code)") }
            reply = try await connection.exchange(Self.base64(password), timeouts.reply)
        } else {
            throw SMTPFailure(.transient, "the server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
        guard reply.code == 235 else { throw SMTPFailure(.transient, "AUTH refused: \(reply.code)") }
    }

    private func expect(_ connection: Connection, _ command: String, step: String, codes: Set<Int>) async throws {
        let reply = try await connection.exchange(command, timeouts.reply)
        guard codes.contains(reply.code) else { throw SMTPFailure(step: step, reply: reply) }
    }

    /// A host name as EHLO wants it: an IP address as a literal (`[127.0.0.1]`), and nothing
    /// but the characters a domain may hold.
    static func ehloDomain(_ name: String) -> String {
        if (try? SocketAddress(ipAddress: name, port: 0)) != nil { return name.contains(":") ? "[IPv6:\(name)]" : "[\(name)]" }
        let kept = String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") })
        return kept.isEmpty ? "localhost" : kept
    }

    /// A line of the message that starts with `.` gets another (RFC 5321 §4.5.2), so no line
    /// reads as the end of the data.
    static func dotStuffed(_ message: String) -> String {
        (message.hasPrefix(".") ? "." : "") + message.replacingOccurrences(of: "\r\n.", with: "\r\n..")
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// SNI and the name the certificate must carry; an IP address is checked against the
    /// certificate's IP entries instead (NIOSSL refuses it in SNI).
    private var sniName: String? {
        (try? SocketAddress(ipAddress: server.host, port: 0)) == nil ? server.host : nil
    }

    private func connect() async throws -> Connection {
        let tls = server.security == .implicitTLS ? self.tls : nil
        let sni = sniName
        do {
            let (channel, handler) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeouts.connect)
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sni))
                        }
                        let handler = SMTPReplyHandler()
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return (channel, NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    }
                }
            return Connection(channel: channel, handler: handler)
        } catch {
            throw SMTPFailure(.transient, "cannot connect to \(server.host):\(server.port): \(error)")
        }
    }

    /// One open connection, and the handler that pairs its replies with commands.
    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<SMTPReplyHandler>

        /// Sends one command line (none: waits for the greeting) and returns the reply. A command
        /// can hold no line break, whatever reached it, so it can never become two commands.
        func exchange(_ command: String?, _ timeout: TimeAmount) async throws -> SMTPReply {
            if let command, command.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
                throw SMTPFailure(.permanent, "a command held a line break")
            }
            return try await exchange(bytes: command.map { ByteBuffer(string: $0 + "\r\n") }, timeout)
        }

        func exchange(bytes: ByteBuffer?, _ timeout: TimeAmount) async throws -> SMTPReply {
            let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
            channel.eventLoop.execute { handler.value.exchange(bytes, timeout: timeout, promise: promise) }
            return try await promise.futureResult.get()
        }

        /// TLS from here on, in front of everything else in the pipeline; the next command waits
        /// for the handshake, and a certificate that does not verify fails it.
        func startTLS(_ context: NIOSSLContext, serverHostname: String?) async throws {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverHostname),
                                                               position: .first)
            }.get()
        }

        func close() { channel.close(promise: nil) }
    }
}
