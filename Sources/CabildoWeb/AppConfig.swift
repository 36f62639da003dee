import CabildoCore
import CabildoMail
import CabildoStore
import Foundation
import Logging

/// Every setting of the server, with its default: read once at start from `CABILDO_*` variables
/// (`fromEnvironment`, in AppConfig+Environment.swift), then the command line's flags over them.
public struct AppConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var databasePath = "cabildo.sqlite"
    /// PostgreSQL connections this server keeps at most (its pool); the listener for other
    /// servers' writes takes one more. Unused on SQLite.
    public var databaseConnections = 16
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
    /// Whose powers wait for two-factor sign-in: staff's by default (`CABILDO_REQUIRE_2FA`).
    public var requireTwoFactor = TwoFactorRule.staff
    public var threadsPerPage = 30
    public var maxReplyDepth = 6
    /// When flags hide a post pending review: how many, from which accounts.
    public var autoHide = AutoHideRule()
    /// A new account's first posts wait for a moderator's approval; 0 turns this off.
    public var holdFirstPosts = 0
    /// Bytes of whole pages kept for visitors and members (`PageCache`), and a quarter as much again
    /// for search result pages (`SearchController.pages`); 0 keeps none.
    public var pageCacheBytes = 8 << 20
    public var rateLimits = RateLimitSettings()
    /// Timeouts and caps on connections, which no rate limit sees when no request completes.
    public var connections = ConnectionLimits()
    /// What one search may cost (terms, time, searches at once).
    public var searchLimits = SearchLimits()
    /// Who may read `/metrics`: addresses or CIDR ranges, loopback by default.
    public var metricsAllowed = AddressRanges(parsing: ["127.0.0.1", "::1"])!
    /// E-mail (`CABILDO_SMTP_URL`, `CABILDO_MAIL_FROM`); nil: the forum runs without it.
    public var mail: MailSettings?
    /// How long a notification waits unread before it is mailed (`CABILDO_MAIL_DELAY_SECONDS`).
    public var mailDelay: TimeInterval = 600
    /// When the delivery worker tries a mail again; tests shorten it, no variable sets it.
    public var mailRetry = MailRetryPolicy()
    /// What the environment said about mail, combined into `mail` once every variable is read.
    var mailParts = MailParts()
    /// The forum's time zone (`CABILDO_TIME_ZONE`): dates on pages, the dates admins type for
    /// phases and panels, the hour digests leave.
    public var timeZone = TimeZone(identifier: "America/Guatemala") ?? .gmt
    /// `text` (default) or `json`: one JSON object per log line.
    public var logFormat = LogFormat.text
    public var logLevel = Logger.Level.info

    public enum LogFormat: String, Sendable, CaseIterable { case text, json }
    /// The time, injectable so tests can let a suspension run out without sleeping.
    public var clock: @Sendable () -> Date = { Date() }
    /// Tests only, never from the environment: records template keys no view model answers.
    var templateKeyAudit: TemplateKeyAudit?

    public init() {}

    struct MailParts: Sendable {
        var server: SMTPServer?
        var sender: MailSender?
    }

    public var isHTTPS: Bool { baseURL?.lowercased().hasPrefix("https://") ?? false }
}
