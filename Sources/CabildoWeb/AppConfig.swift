import CabildoCore
import CabildoStore
import Foundation
import Logging

/// Every setting of the server, read once at start from flags and `CABILDO_*` variables.
public struct AppConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var databasePath = "cabildo.sqlite"
    /// Where `*.mustache` and the message catalogs live.
    public var templatesDirectory = "Templates"
    /// Where the CSS file and favicon live, served under `/static/`.
    public var publicDirectory = "Public"
    /// The address people use, e.g. `https://foro.example.gt`. When it is HTTPS, cookies get
    /// `Secure` and responses carry HSTS; its host is accepted as a POST `Origin`.
    public var baseURL: String?
    public var passwordHasher = PasswordHasher()
    /// Threads doing argon2 at once; the rest wait in line, so logins never starve page serving.
    public var hashingThreads = 2
    public var formBodyLimit = 64 * 1024
    public var sessionIdleLimit: TimeInterval = 14 * 24 * 3600
    public var sessionAbsoluteLimit: TimeInterval = 60 * 24 * 3600
    public var threadsPerPage = 30
    public var maxReplyDepth = 6
    /// When flags hide a post pending review: how many, from which accounts.
    public var autoHide = AutoHideRule()
    /// A new account's first posts wait for a moderator's approval; 0 turns this off.
    public var holdFirstPosts = 0
    /// Bytes of pages kept for visitors who are not signed in (`PublicPageCache`); 0 keeps none.
    public var publicPageCacheBytes = 8 << 20
    public var rateLimits = RateLimitSettings()
    /// Timeouts and caps on connections, which no rate limit sees when no request completes.
    public var connections = ConnectionLimits()
    /// What one search may cost (terms, time, searches at once).
    public var searchLimits = SearchLimits()
    /// Who may read `/metrics`: addresses or CIDR ranges, loopback by default.
    public var metricsAllowed = AddressRanges(parsing: ["127.0.0.1", "::1"])!
    /// `text` (default) or `json`: one JSON object per log line.
    public var logFormat = LogFormat.text
    public var logLevel = Logger.Level.info

    public enum LogFormat: String, Sendable { case text, json }
    /// The time, injectable so tests can let a suspension run out without sleeping.
    public var clock: @Sendable () -> Date = { Date() }
    /// Tests only, never from the environment: records template keys no view model answers.
    var templateKeyAudit: TemplateKeyAudit?

    public init() {}

    public var isHTTPS: Bool { baseURL?.lowercased().hasPrefix("https://") ?? false }

    public enum ConfigError: Error, CustomStringConvertible {
        case invalid(name: String, value: String)
        public var description: String {
            switch self {
            case .invalid(let name, let value): "invalid value for \(name): \(value)"
            }
        }
    }

    /// Applies `CABILDO_*` environment variables over the defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = environment[name] else { return nil }
            guard let value = Int(raw), range.contains(value) else { throw ConfigError.invalid(name: name, value: raw) }
            return value
        }
        if let value = environment["CABILDO_HOST"] { config.host = value }
        if let value = try integer("CABILDO_PORT", 0...65535) { config.port = value }
        if let value = environment["CABILDO_DATABASE"] { config.databasePath = value }
        if let value = environment["CABILDO_TEMPLATES"] { config.templatesDirectory = value }
        if let value = environment["CABILDO_PUBLIC"] { config.publicDirectory = value }
        if let value = environment["CABILDO_BASE_URL"] { config.baseURL = value }
        if let value = try integer("CABILDO_ARGON2_MEMORY_KIB", 8...4_194_304) { config.passwordHasher.memoryKiB = UInt32(value) }
        if let value = try integer("CABILDO_ARGON2_ITERATIONS", 1...64) { config.passwordHasher.iterations = UInt32(value) }
        if let value = try integer("CABILDO_ARGON2_PARALLELISM", 1...64) { config.passwordHasher.parallelism = UInt32(value) }
        if let value = try integer("CABILDO_HASHING_THREADS", 1...64) { config.hashingThreads = value }
        if let value = try integer("CABILDO_FORM_BODY_LIMIT", 1024...10_485_760) { config.formBodyLimit = value }
        if let value = try integer("CABILDO_SESSION_IDLE_DAYS", 1...365) { config.sessionIdleLimit = TimeInterval(value * 86400) }
        if let value = try integer("CABILDO_SESSION_MAX_DAYS", 1...3650) { config.sessionAbsoluteLimit = TimeInterval(value * 86400) }
        if let value = try integer("CABILDO_FLAG_HIDE_THRESHOLD", 1...100) { config.autoHide.threshold = value }
        if let value = try integer("CABILDO_FLAG_MIN_ACCOUNT_HOURS", 0...8760) { config.autoHide.minimumAccountAge = TimeInterval(value * 3600) }
        if let value = try integer("CABILDO_FLAG_MIN_POSTS", 0...1000) { config.autoHide.minimumPublishedPosts = value }
        if let value = try integer("CABILDO_HOLD_FIRST_POSTS", 0...100) { config.holdFirstPosts = value }
        if let value = try integer("CABILDO_PAGE_CACHE_MB", 0...1024) { config.publicPageCacheBytes = value << 20 }
        config.rateLimits = try RateLimitSettings.fromEnvironment(environment)
        if let value = try integer("CABILDO_IDLE_TIMEOUT_SECONDS", 1...3600) { config.connections.idleTimeout = value }
        if let value = try integer("CABILDO_HEADER_TIMEOUT_SECONDS", 1...600) { config.connections.headerTimeout = value }
        if let value = try integer("CABILDO_BODY_TIMEOUT_SECONDS", 1...3600) { config.connections.bodyTimeout = value }
        if let value = try integer("CABILDO_MAX_CONNECTIONS_PER_ADDRESS", 1...1_000_000) { config.connections.perAddress = value }
        if let value = try integer("CABILDO_MAX_CONNECTIONS", 16...1_000_000) { config.connections.total = value }
        if let value = try integer("CABILDO_SEARCH_TIME_MS", 10...60_000) { config.searchLimits.timeLimit = TimeInterval(value) / 1000 }
        if let value = try integer("CABILDO_SEARCH_CONCURRENCY", 1...64) { config.searchLimits.concurrent = value }
        if let raw = environment["CABILDO_METRICS_ALLOW"] {
            let entries = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let ranges = AddressRanges(parsing: entries) else { throw ConfigError.invalid(name: "CABILDO_METRICS_ALLOW", value: raw) }
            config.metricsAllowed = ranges
        }
        if let raw = environment["CABILDO_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: raw) else { throw ConfigError.invalid(name: "CABILDO_LOG_LEVEL", value: raw) }
            config.logLevel = level
        }
        if let raw = environment["CABILDO_LOG_FORMAT"] {
            guard let format = LogFormat(rawValue: raw) else { throw ConfigError.invalid(name: "CABILDO_LOG_FORMAT", value: raw) }
            config.logFormat = format
        }
        return config
    }
}
