import Foundation

/// Which notification mail a member wants (`/settings/email`, field `mail_notifications`): none,
/// each notification still unread after `CABILDO_MAIL_DELAY_SECONDS`, or a daily digest.
public enum MailNotifications: String, Sendable, CaseIterable, Codable {
    case none, each, daily
}

/// What a mail in the outbox is, so the delivery worker knows how to write it. A kind of mail is
/// a case here, a line where its cause writes it (`AppDatabase.enqueueMail`, in that cause's
/// transaction) and a case of `MailComposer`.
public enum MailKind: String, Sendable, CaseIterable {
    /// A link confirming a new address; payload: the token.
    case confirmEmail = "confirm"
    /// A password reset link; payload: the token.
    case passwordReset = "reset"
    /// One notification still unread after the delay; payload: its id.
    case notification
    /// The day's unread notifications; payload: the id of the first one it tells of.
    case digest
}

/// When notification mail leaves: a notification still unread `delay` after it was written
/// (`CABILDO_MAIL_DELAY_SECONDS`: read on the site, it is never mailed), and a digest at
/// `digestHour` o'clock in the forum's time zone, at least `delay` after its first notification.
public struct NotificationMailSchedule: Sendable, Equatable {
    public var delay: TimeInterval
    public var timeZone: TimeZone
    public var digestHour: Int

    public init(delay: TimeInterval, timeZone: TimeZone, digestHour: Int = 7) {
        self.delay = delay
        self.timeZone = timeZone
        self.digestHour = digestHour
    }

    /// The first `digestHour`:00 at or after `date` plus the delay.
    public func digestDue(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let earliest = date.addingTimeInterval(delay)
        let sameDay = calendar.date(bySettingHour: digestHour, minute: 0, second: 0, of: earliest) ?? earliest
        if sameDay >= earliest { return sameDay }
        let nextDay = calendar.date(byAdding: .day, value: 1, to: earliest) ?? earliest.addingTimeInterval(86400)
        return calendar.date(bySettingHour: digestHour, minute: 0, second: 0, of: nextDay) ?? nextDay
    }
}

/// How long the links sent by mail work.
public enum MailLinks {
    /// A confirmation link: long enough to read the mail the next day.
    public static let confirmationLifetime: TimeInterval = 24 * 3600
    /// A password reset link: anyone who reads the mailbox later can use it, so not for long.
    public static let resetLifetime: TimeInterval = 3600
}
