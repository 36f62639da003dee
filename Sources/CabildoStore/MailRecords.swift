import CabildoCore
import Foundation

/// A mail for the outbox, written by `AppDatabase.enqueueMail` inside its cause's transaction.
public struct NewMail: Sendable {
    public enum Recipient: Sendable {
        /// This address (a confirmation goes to the address being confirmed).
        case address(String)
        /// The member's confirmed address when the mail is written; no mail when there is none.
        case confirmedAddress
    }

    public var kind: MailKind
    public var userId: Int64
    public var recipient: Recipient
    public var language: Language
    /// What the composer needs besides the member (a link's token).
    public var payload: String
    /// Not sent before (notification mail waits to see whether it is read on the site).
    public var due: Date

    public init(kind: MailKind, userId: Int64, recipient: Recipient, language: Language, payload: String, due: Date) {
        self.kind = kind
        self.userId = userId
        self.recipient = recipient
        self.language = language
        self.payload = payload
        self.due = due
    }
}

/// A mail the delivery worker has claimed, with what it needs to write and address it.
public struct OutboxMail: Sendable, Equatable {
    public var id: Int64
    public var kind: MailKind
    public var userId: Int64
    public var username: String
    /// False once the member closed the account: nothing is sent to a closed account.
    public var accountOpen: Bool
    public var recipient: String
    public var language: Language
    public var payload: String
    public var createdAt: Date
    /// Tries so far, this one included.
    public var attempts: Int
}

/// How a claimed mail ended, for `ForumStore.finishMail`.
public enum MailOutcome: String, Sendable {
    case sent
    /// Given up: refused for good, or still failing after the last try.
    case failed
    /// Nothing to send any more: the link it carried was used or ran out, or the account closed.
    case skipped
}

/// `/settings/email` as the member sees it. The addresses are theirs alone: never on another page.
public struct EmailSettings: Sendable, Equatable {
    public var confirmedAddress: String?
    /// The newest address waiting for its confirmation link, if that link still works.
    public var pendingAddress: String?
    public var mailNotifications: MailNotifications

    public init(confirmedAddress: String?, pendingAddress: String?, mailNotifications: MailNotifications) {
        self.confirmedAddress = confirmedAddress
        self.pendingAddress = pendingAddress
        self.mailNotifications = mailNotifications
    }
}

/// What following a confirmation link did.
public enum EmailConfirmation: Sendable, Equatable {
    case confirmed(userId: Int64)
    /// Another account confirmed this address first: one account per mailbox.
    case addressTaken
    /// Used, replaced, run out, or never issued.
    case invalid
}

/// The unread notifications a notification mail or a digest is about, read when it is sent, and
/// the member's choice then: a mail whose notifications were read on the site, or whose member
/// chose otherwise since, is not sent.
public struct NotificationsToMail: Sendable {
    public var choice: MailNotifications
    /// Oldest first: one for a notification mail, up to the limit for a digest.
    public var items: [ForumNotification]
    /// Unread ones beyond the limit.
    public var more: Int

    public init(choice: MailNotifications, items: [ForumNotification], more: Int) {
        self.choice = choice
        self.items = items
        self.more = more
    }
}
