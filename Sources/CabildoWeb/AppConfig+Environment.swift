import CabildoCore
import CabildoMail
import Foundation
import Logging

/// The one place settings are read: every `CABILDO_*` variable, what it accepts and where it lands
/// in `AppConfig`. A value that does not parse or is out of range stops the start with the
/// variable's name and what it accepts, never a quiet fall back to the default. Flags on the
/// command line (`cabildo serve --port`) are applied by the CLI over the value read here.
///
/// Hand-written rather than on swift-configuration: its readers hand back nil or the default for a
/// value they cannot convert (only the `required…` forms throw, and those also throw when the
/// variable is unset), its error type is not public, and it knows no ranges, addresses or
/// "COUNT/SECONDS"; each variable would still need the parsing below.
extension AppConfig {
    public enum ConfigError: Error, CustomStringConvertible {
        case invalid(name: String, value: String, accepted: String)
        /// A value refused for a reason of its own (`CABILDO_SMTP_URL`: `?tls=off` for a remote host).
        case refused(name: String, value: String, reason: String)
        /// Settings that are fine alone but not together.
        case conflict(String)
        public var description: String {
            switch self {
            case .invalid(let name, let value, let accepted): "invalid value for \(name): \(value) (accepted: \(accepted))"
            case .refused(let name, let value, let reason): "invalid value for \(name): \(value) (\(reason))"
            case .conflict(let reason): reason
            }
        }
    }

    /// The defaults with each `CABILDO_*` variable that is set applied over them.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        for variable in variables {
            guard let raw = environment[variable.name] else { continue }
            guard variable.apply(raw, &config) else {
                let value = variable.shown?(raw) ?? raw
                if let reason = variable.explain?(raw) { throw ConfigError.refused(name: variable.name, value: value, reason: reason) }
                throw ConfigError.invalid(name: variable.name, value: value, accepted: variable.accepted)
            }
        }
        try config.combineMailParts()
        return config
    }

    /// E-mail needs a server, a sender and the public address its links point to (never built
    /// from a request's `Host` header, which a visitor chooses: a reset link must not lead elsewhere).
    private mutating func combineMailParts() throws {
        switch (mailParts.server, mailParts.sender) {
        case (nil, nil):
            mail = nil
        case (let server?, let sender?):
            guard let baseURL, let url = URL(string: baseURL), url.scheme != nil, url.host != nil else {
                throw ConfigError.conflict("e-mail needs CABILDO_BASE_URL (e.g. https://foro.example.gt): links in mails must be absolute")
            }
            mail = MailSettings(server: server, sender: sender)
        default:
            throw ConfigError.conflict("CABILDO_SMTP_URL and CABILDO_MAIL_FROM go together: set both to send mail, or neither")
        }
    }

    /// The database alone, which no value makes invalid: for commands that need nothing else, so
    /// that a mistake in another setting never stops a backup or a restore.
    public static func databasePath(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment[databaseVariable] ?? AppConfig().databasePath
    }

    static let databaseVariable = "CABILDO_DATABASE"

    /// Every setting, in the order it is checked. README.md and `Deploy/cabildo.env.example`
    /// document each name (DocumentationTests).
    static let variables: [Variable] = [
        .text("CABILDO_HOST") { $0.host = $1 },
        .integer("CABILDO_PORT", 0...65535) { $0.port = $1 },
        .text(databaseVariable) { $0.databasePath = $1 },
        .integer("CABILDO_DATABASE_CONNECTIONS", 1...1000) { $0.databaseConnections = $1 },
        .text("CABILDO_TEMPLATES") { $0.templatesDirectory = $1 },
        .text("CABILDO_PUBLIC") { $0.publicDirectory = $1 },
        .text("CABILDO_BASE_URL") { $0.baseURL = $1 },
        .integer("CABILDO_ARGON2_MEMORY_KIB", 8...4_194_304) { $0.passwordHasher.memoryKiB = UInt32($1) },
        .integer("CABILDO_ARGON2_ITERATIONS", 1...64) { $0.passwordHasher.iterations = UInt32($1) },
        .integer("CABILDO_ARGON2_PARALLELISM", 1...64) { $0.passwordHasher.parallelism = UInt32($1) },
        .integer("CABILDO_HASHING_THREADS", 1...64) { $0.hashingThreads = $1 },
        .integer("CABILDO_FORM_BODY_LIMIT", 1024...10_485_760) { $0.formBodyLimit = $1 },
        .integer("CABILDO_SESSION_IDLE_DAYS", 1...365) { $0.sessionIdleLimit = TimeInterval($1 * 86400) },
        .integer("CABILDO_SESSION_MAX_DAYS", 1...3650) { $0.sessionAbsoluteLimit = TimeInterval($1 * 86400) },
        .choice("CABILDO_REQUIRE_2FA", TwoFactorRule.self) { $0.requireTwoFactor = $1 },
        .integer("CABILDO_FLAG_HIDE_THRESHOLD", 1...100) { $0.autoHide.threshold = $1 },
        .integer("CABILDO_FLAG_MIN_ACCOUNT_HOURS", 0...8760) { $0.autoHide.minimumAccountAge = TimeInterval($1 * 3600) },
        .integer("CABILDO_FLAG_MIN_POSTS", 0...1000) { $0.autoHide.minimumPublishedPosts = $1 },
        .integer("CABILDO_HOLD_FIRST_POSTS", 0...100) { $0.holdFirstPosts = $1 },
        .integer("CABILDO_PAGE_CACHE_MB", 0...1024) { $0.pageCacheBytes = $1 << 20 },

        .parsed("CABILDO_RATE_LIMITS", accepted: "on or off", { ["on": true, "off": false][$0.lowercased()] }) {
            $0.rateLimits.enabled = $1
        },
        .rate("CABILDO_RATE_REQUESTS_BURST") { $0.rateLimits.requestsBurst = $1 },
        .rate("CABILDO_RATE_REQUESTS") { $0.rateLimits.requests = $1 },
        .rate("CABILDO_RATE_LOGIN") { $0.rateLimits.login = $1 },
        .rate("CABILDO_RATE_LOGIN_HOURLY") { $0.rateLimits.loginHourly = $1 },
        .rate("CABILDO_RATE_LOGIN_USERNAME") { $0.rateLimits.loginPerUsername = $1 },
        .rate("CABILDO_RATE_LOGIN_DEVICE") { $0.rateLimits.loginPerDevice = $1 },
        .rate("CABILDO_RATE_REGISTER") { $0.rateLimits.registration = $1 },
        .rate("CABILDO_RATE_THREAD") { $0.rateLimits.thread = $1 },
        .rate("CABILDO_RATE_THREAD_NEW") { $0.rateLimits.threadNewAccount = $1 },
        .rate("CABILDO_RATE_THREADS_DAILY") { $0.rateLimits.threadsDaily = $1 },
        .rate("CABILDO_RATE_THREADS_DAILY_NEW") { $0.rateLimits.threadsDailyNewAccount = $1 },
        .rate("CABILDO_RATE_REPLY") { $0.rateLimits.reply = $1 },
        .rate("CABILDO_RATE_REPLY_NEW") { $0.rateLimits.replyNewAccount = $1 },
        .rate("CABILDO_RATE_FLAGS") { $0.rateLimits.flagsDaily = $1 },
        .rate("CABILDO_RATE_EDITS") { $0.rateLimits.editsDaily = $1 },
        .rate("CABILDO_RATE_SEARCH_ANONYMOUS") { $0.rateLimits.anonymousSearches = $1 },
        .rate("CABILDO_RATE_SEARCH") { $0.rateLimits.memberSearches = $1 },
        .integer("CABILDO_RATE_DUPLICATE_SECONDS", 0...86400) { $0.rateLimits.duplicateWindow = TimeInterval($1) },
        .integer("CABILDO_RATE_NETWORK_FACTOR", 1...1000) { $0.rateLimits.networkFactor = $1 },
        .integer("CABILDO_RATE_MAX_KEYS", 1000...10_000_000) { $0.rateLimits.maxKeys = $1 },
        .addresses("CABILDO_TRUSTED_PROXIES") { $0.rateLimits.trustedProxies = $1 },

        .integer("CABILDO_IDLE_TIMEOUT_SECONDS", 1...3600) { $0.connections.idleTimeout = $1 },
        .integer("CABILDO_HEADER_TIMEOUT_SECONDS", 1...600) { $0.connections.headerTimeout = $1 },
        .integer("CABILDO_BODY_TIMEOUT_SECONDS", 1...3600) { $0.connections.bodyTimeout = $1 },
        .integer("CABILDO_MAX_CONNECTIONS_PER_ADDRESS", 1...1_000_000) { $0.connections.perAddress = $1 },
        .integer("CABILDO_MAX_CONNECTIONS", 16...1_000_000) { $0.connections.total = $1 },
        .integer("CABILDO_SEARCH_TIME_MS", 10...60_000) { $0.searchLimits.timeLimit = TimeInterval($1) / 1000 },
        .integer("CABILDO_SEARCH_CONCURRENCY", 1...64) { $0.searchLimits.concurrent = $1 },
        .addresses("CABILDO_METRICS_ALLOW") { $0.metricsAllowed = $1 },
        .smtpURL("CABILDO_SMTP_URL") { $0.mailParts.server = $1 },
        .parsed("CABILDO_MAIL_FROM", accepted: "an address, e.g. foro@example.gt or Foro Cabildo <foro@example.gt>",
                MailSender.init(parsing:)) { $0.mailParts.sender = $1 },
        .integer("CABILDO_MAIL_DELAY_SECONDS", 0...604_800) { $0.mailDelay = TimeInterval($1) },
        .rate("CABILDO_RATE_PASSWORD_RESET") { $0.rateLimits.passwordResetRequests = $1 },
        .rate("CABILDO_RATE_PASSWORD_RESET_ACCOUNT") { $0.rateLimits.passwordResetsPerAccount = $1 },
        .rate("CABILDO_RATE_EMAIL_CONFIRM") { $0.rateLimits.emailConfirmations = $1 },
        // `TimeZone(identifier:)` knows the IANA names; anything else stops the start.
        .parsed("CABILDO_TIME_ZONE", accepted: "an IANA time zone name, e.g. America/Guatemala or UTC",
                { TimeZone(identifier: $0) }) { $0.timeZone = $1 },
        .choice("CABILDO_LOG_LEVEL", Logger.Level.self) { $0.logLevel = $1 },
        .choice("CABILDO_LOG_FORMAT", LogFormat.self) { $0.logFormat = $1 },
    ]

    /// One variable: its name, what it accepts (said when it refuses a value), and how a value
    /// lands in the settings (false: refused).
    struct Variable: Sendable {
        let name: String
        let accepted: String
        let apply: @Sendable (String, inout AppConfig) -> Bool
        /// The refused value as the message repeats it, when it may hold a secret.
        var shown: (@Sendable (String) -> String)?
        /// Why this value in particular is refused, when that says more than `accepted`.
        var explain: (@Sendable (String) -> String?)?

        static func parsed<Value>(_ name: String, accepted: String, _ parse: @escaping @Sendable (String) -> Value?,
                                  _ set: @escaping @Sendable (inout AppConfig, Value) -> Void) -> Variable {
            Variable(name: name, accepted: accepted) { raw, config in
                guard let value = parse(raw) else { return false }
                set(&config, value)
                return true
            }
        }

        static func text(_ name: String, _ set: @escaping @Sendable (inout AppConfig, String) -> Void) -> Variable {
            parsed(name, accepted: "any text", { $0 }, set)
        }

        static func integer(_ name: String, _ range: ClosedRange<Int>,
                            _ set: @escaping @Sendable (inout AppConfig, Int) -> Void) -> Variable {
            parsed(name, accepted: "a whole number from \(range.lowerBound) to \(range.upperBound)",
                   { Int($0).flatMap { range.contains($0) ? $0 : nil } }, set)
        }

        static func rate(_ name: String, _ set: @escaping @Sendable (inout AppConfig, RateLimit) -> Void) -> Variable {
            parsed(name, accepted: "COUNT/SECONDS, e.g. 6/60", RateLimit.init(parsing:), set)
        }

        /// `smtp://…`, `smtps://…` or a loopback `smtp://…?tls=off` (`SMTPServer.parse` says which
        /// is which); the message for a refused one says what is wrong with it, never its password.
        static func smtpURL(_ name: String, _ set: @escaping @Sendable (inout AppConfig, SMTPServer) -> Void) -> Variable {
            var variable = parsed(name, accepted: "smtp://USER:PASSWORD@HOST:587 (STARTTLS), smtps://USER:PASSWORD@HOST:465, "
                                  + "or smtp://127.0.0.1:PORT?tls=off for a relay on this machine", { try? SMTPServer.parse($0) }, set)
            variable.shown = { raw in
                guard var url = URLComponents(string: raw) else { return "(not shown: it may hold a password)" }
                if url.password != nil { url.password = "***" }
                return url.string ?? "(not shown: it may hold a password)"
            }
            variable.explain = { raw in
                do { _ = try SMTPServer.parse(raw) } catch let refusal as SMTPServer.Refusal { return refusal.description } catch {}
                return nil
            }
            return variable
        }

        /// Addresses or CIDR ranges separated by commas; an empty value is an empty list.
        static func addresses(_ name: String, _ set: @escaping @Sendable (inout AppConfig, AddressRanges) -> Void) -> Variable {
            parsed(name, accepted: "addresses or CIDR ranges separated by commas, e.g. 10.0.0.0/8,::1", { raw in
                AddressRanges(parsing: raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }, set)
        }

        /// One of a fixed set of words, spelled exactly.
        static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
            _ name: String, _: Value.Type, _ set: @escaping @Sendable (inout AppConfig, Value) -> Void
        ) -> Variable where Value.RawValue == String {
            let words = Value.allCases.map(\.rawValue)
            return parsed(name, accepted: words.dropLast().joined(separator: ", ") + " or " + words.last!, Value.init(rawValue:), set)
        }
    }
}
