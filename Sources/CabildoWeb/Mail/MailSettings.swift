import CabildoMail
import Foundation

/// How the forum sends mail (`CABILDO_SMTP_URL`, `CABILDO_MAIL_FROM`). Without both, `AppConfig.mail`
/// is nil: the forum runs without e-mail and its e-mail pages say so.
public struct MailSettings: Sendable {
    public var server: SMTPServer
    public var sender: MailSender
    /// Test-only, never from the environment: a PEM file of the certificates to trust instead of the
    /// system's, for a test server's self-signed certificate.
    public var trustedCertificates: String?
    public var timeouts = SMTPClient.Timeouts()

    public init(server: SMTPServer, sender: MailSender) {
        self.server = server
        self.sender = sender
    }
}

/// When the delivery worker tries a mail again: after `base`, then twice as long each time up to
/// `cap`, and gives up after `attempts` tries. The defaults keep trying for about six hours (1, 2,
/// 4 … 32 minutes, then hourly), so a mail server down for an hour, or a night's restart, loses
/// nothing. Tests shorten `base` and `cap`; they are not settings.
public struct MailRetryPolicy: Sendable {
    public var base: TimeInterval = 60
    public var cap: TimeInterval = 3600
    public var attempts = 12
    /// How long a worker holds a mail it is sending before another may take it (a worker that died
    /// mid-send): longer than the SMTP client's timeouts added up.
    public var lease: TimeInterval = 15 * 60
    /// The longest the worker sleeps between looks at the outbox when nothing wakes it.
    public var idlePoll: TimeInterval = 60

    public init() {}

    /// The wait after the `attempt`-th failed try (1 for the first).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(cap, base * pow(2, Double(max(0, attempt - 1))))
    }
}
