import Foundation

/// Which notification mail a member wants (`/settings/email`, field `mail_notifications`): none,
/// each notification still unread after `CABILDO_MAIL_DELAY_SECONDS`, or a daily digest.
public enum MailNotifications: String, Sendable, CaseIterable, Codable {
    case none, each, daily
}

/// What a mail in the outbox is, so the delivery worker knows how to write it. A kind of mail is
/// a case here, a line where its cause writes it (`AppDatabase.enqueueMail`, in that cause's
/// transaction) and a case of `MailComposer`. The database's CHECK also knows `notification`
/// and `digest`, for notification mail.
public enum MailKind: String, Sendable, CaseIterable {
    /// A link confirming a new address; payload: the token.
    case confirmEmail = "confirm"
    /// A password reset link; payload: the token.
    case passwordReset = "reset"
}

/// How long the links sent by mail work.
public enum MailLinks {
    /// A confirmation link: long enough to read the mail the next day.
    public static let confirmationLifetime: TimeInterval = 24 * 3600
    /// A password reset link: anyone who reads the mailbox later can use it, so not for long.
    public static let resetLifetime: TimeInterval = 3600
}
