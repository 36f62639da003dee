import CabildoCore
import Foundation

/// Every limit, with defaults informed by Discourse, Lobsters and NodeBB. Each can be set
/// by an environment variable holding "COUNT/SECONDS" (AppConfig+Environment.swift).
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
    /// Password reset requests (`/password/forgot`) per address, whatever name or address they give.
    public var passwordResetRequests = RateLimit(5, per: 3600)
    /// Reset mails one account is sent; more requests are answered the same and send nothing.
    public var passwordResetsPerAccount = RateLimit(3, per: 3600)
    /// Confirmation mails a member has sent to new addresses (`/settings/email`).
    public var emailConfirmations = RateLimit(5, per: 86400)
    /// An IPv6 client's /48 gets this many times each per-address limit (its /64 gets one).
    public var networkFactor = 8
    /// The same body from the same account within this many seconds is refused.
    public var duplicateWindow: TimeInterval = 300
    /// Accounts younger than this get the stricter new-account limits.
    public var newAccountAge: TimeInterval = 86400
    /// Peers whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
    public var trustedProxies = AddressRanges([])
    /// Address buckets kept in memory at most, whatever arrives (usernames, accounts and
    /// devices a quarter of it each, in stores of their own). The soak (`bench/soak.sh`), whose
    /// every request comes from a new address, measured about 150 bytes a bucket: 200,000 took
    /// the server past its 100 MB budget.
    public var maxKeys = 50_000

    public init() {}
}
