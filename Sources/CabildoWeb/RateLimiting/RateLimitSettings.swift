import CabildoCore
import Foundation

/// Every limit, with defaults informed by Discourse, Lobsters and NodeBB. Each can be set
/// by an environment variable holding "COUNT/SECONDS"; see `variables`.
public struct RateLimitSettings: Sendable {
    /// `CABILDO_RATE_LIMITS=off` turns every limit off (benchmarks, test servers).
    public var enabled = true
    public var requestsBurst = RateLimit(50, per: 10)
    public var requests = RateLimit(300, per: 60)
    public var login = RateLimit(6, per: 60)
    public var loginHourly = RateLimit(30, per: 3600)
    public var loginPerUsername = RateLimit(10, per: 3600)
    /// Sign-ins from a browser holding a device cookie for the name (instead of the username's bucket).
    public var loginPerDevice = RateLimit(10, per: 3600)
    public var registration = RateLimit(3, per: 3600)
    public var thread = RateLimit(1, per: 15)
    public var threadNewAccount = RateLimit(1, per: 120)
    public var threadsDaily = RateLimit(20, per: 86400)
    public var threadsDailyNewAccount = RateLimit(3, per: 86400)
    public var reply = RateLimit(1, per: 5)
    public var replyNewAccount = RateLimit(1, per: 30)
    public var flagsDaily = RateLimit(20, per: 86400)
    public var editsDaily = RateLimit(30, per: 86400)
    public var anonymousSearches = RateLimit(15, per: 60)
    public var memberSearches = RateLimit(60, per: 60)
    /// An IPv6 client's /48 gets this many times each per-address limit (its /64 gets one).
    public var networkFactor = 8
    /// The same body from the same account within this many seconds is refused.
    public var duplicateWindow: TimeInterval = 300
    /// Accounts younger than this get the stricter new-account limits.
    public var newAccountAge: TimeInterval = 86400
    /// Peers whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
    public var trustedProxies = AddressRanges([])
    /// Address buckets kept in memory at most, whatever arrives (usernames, accounts and
    /// devices a quarter of it each, in stores of their own).
    public var maxKeys = 200_000

    public init() {}

    /// Immutable, hence safe to share (key paths are not marked Sendable).
    /// The environment variable of each limit, as documented in the README and `Deploy/cabildo.env.example`.
    nonisolated(unsafe) static let variables: [(name: String, keyPath: WritableKeyPath<RateLimitSettings, RateLimit>)] = [
        ("CABILDO_RATE_REQUESTS_BURST", \.requestsBurst),
        ("CABILDO_RATE_REQUESTS", \.requests),
        ("CABILDO_RATE_LOGIN", \.login),
        ("CABILDO_RATE_LOGIN_HOURLY", \.loginHourly),
        ("CABILDO_RATE_LOGIN_USERNAME", \.loginPerUsername),
        ("CABILDO_RATE_LOGIN_DEVICE", \.loginPerDevice),
        ("CABILDO_RATE_REGISTER", \.registration),
        ("CABILDO_RATE_THREAD", \.thread),
        ("CABILDO_RATE_THREAD_NEW", \.threadNewAccount),
        ("CABILDO_RATE_THREADS_DAILY", \.threadsDaily),
        ("CABILDO_RATE_THREADS_DAILY_NEW", \.threadsDailyNewAccount),
        ("CABILDO_RATE_REPLY", \.reply),
        ("CABILDO_RATE_REPLY_NEW", \.replyNewAccount),
        ("CABILDO_RATE_FLAGS", \.flagsDaily),
        ("CABILDO_RATE_EDITS", \.editsDaily),
        ("CABILDO_RATE_SEARCH_ANONYMOUS", \.anonymousSearches),
        ("CABILDO_RATE_SEARCH", \.memberSearches),
    ]

    static func fromEnvironment(_ environment: [String: String]) throws -> RateLimitSettings {
        var settings = RateLimitSettings()
        if let value = environment["CABILDO_RATE_LIMITS"] {
            switch value.lowercased() {
            case "off": settings.enabled = false
            case "on": settings.enabled = true
            default: throw AppConfig.ConfigError.invalid(name: "CABILDO_RATE_LIMITS", value: value)
            }
        }
        for (name, keyPath) in variables {
            guard let raw = environment[name] else { continue }
            guard let limit = RateLimit(parsing: raw) else { throw AppConfig.ConfigError.invalid(name: name, value: raw) }
            settings[keyPath: keyPath] = limit
        }
        if let raw = environment["CABILDO_RATE_DUPLICATE_SECONDS"] {
            guard let seconds = Int(raw), (0...86400).contains(seconds) else {
                throw AppConfig.ConfigError.invalid(name: "CABILDO_RATE_DUPLICATE_SECONDS", value: raw)
            }
            settings.duplicateWindow = TimeInterval(seconds)
        }
        if let raw = environment["CABILDO_RATE_NETWORK_FACTOR"] {
            guard let factor = Int(raw), (1...1000).contains(factor) else {
                throw AppConfig.ConfigError.invalid(name: "CABILDO_RATE_NETWORK_FACTOR", value: raw)
            }
            settings.networkFactor = factor
        }
        if let raw = environment["CABILDO_RATE_MAX_KEYS"] {
            guard let keys = Int(raw), (1000...10_000_000).contains(keys) else {
                throw AppConfig.ConfigError.invalid(name: "CABILDO_RATE_MAX_KEYS", value: raw)
            }
            settings.maxKeys = keys
        }
        if let raw = environment["CABILDO_TRUSTED_PROXIES"] {
            let entries = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let proxies = AddressRanges(parsing: entries) else {
                throw AppConfig.ConfigError.invalid(name: "CABILDO_TRUSTED_PROXIES", value: raw)
            }
            settings.trustedProxies = proxies
        }
        return settings
    }
}
