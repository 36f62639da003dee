import Foundation

/// Where mail goes and how it is protected on the way, from one URL (`CABILDO_SMTP_URL`):
/// - `smtp://USER:PASSWORD@HOST[:PORT]`: port 587 by default; STARTTLS is required, so a
///   server that does not offer it (or a man in the middle who strips it) gets no mail.
/// - `smtps://USER:PASSWORD@HOST[:PORT]`: TLS from the first byte, port 465 by default.
/// - `smtp://127.0.0.1:PORT?tls=off`: no TLS, only for a relay on this machine (loopback), where
///   nobody else is on the wire.
/// The user and password are optional (a relay that knows this machine needs none) and
/// percent-decoded (`%40` for an `@` in a password). Certificates are checked against the
/// system's trust store and the host name.
public struct SMTPServer: Sendable, Equatable, CustomStringConvertible {
    public enum Security: Sendable, Equatable {
        case startTLS
        case implicitTLS
        /// Loopback only: `parse` refuses it for any other host.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// Why a URL is refused, in words for the operator; never repeats the password.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws(Refusal) -> SMTPServer {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw Refusal(description: "not a URL such as smtp://USER:PASSWORD@HOST:587")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw Refusal(description: "the scheme must be smtp:// (STARTTLS) or smtps:// (TLS)")
        }
        guard var host = url.host, !host.isEmpty else { throw Refusal(description: "no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard url.path.isEmpty || url.path == "/", url.fragment == nil else {
            throw Refusal(description: "a path or fragment means nothing here")
        }
        var tlsOff = false
        for item in url.queryItems ?? [] {
            guard item.name == "tls", item.value == "off" else {
                throw Refusal(description: "the only option is ?tls=off (a relay on this machine)")
            }
            tlsOff = true
        }
        let security: Security
        switch (scheme, tlsOff) {
        case ("smtps", true): throw Refusal(description: "smtps:// is TLS from the start: drop ?tls=off")
        case ("smtps", false): security = .implicitTLS
        case (_, true):
            guard isLoopback(host) else {
                throw Refusal(description: "?tls=off is only for a relay on this machine (127.0.0.1, ::1 or localhost); "
                              + "\(host) would get the password and every mail in clear: use smtp:// (STARTTLS) or smtps://")
            }
            security = .none
        default: security = .startTLS
        }
        let port = url.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw Refusal(description: "the port must be 1 to 65535") }
        if url.password != nil, (url.user ?? "").isEmpty { throw Refusal(description: "a password needs a user") }
        return SMTPServer(host: host, port: port, security: security,
                          username: url.user.flatMap { $0.isEmpty ? nil : $0 }, password: url.password)
    }

    /// 127.0.0.0/8, ::1 and the name `localhost`: a relay on this machine.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The URL as logs and error messages may show it: never the password.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(user)\(shownHost):\(port)" + (security == .none ? "?tls=off" : "")
    }
}
