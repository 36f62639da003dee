import CabildoCore
import Foundation

/// Notifications, watching, e-mail addresses, mailed links and the outbox: part of `ForumStore`.
public protocol MailAndNotificationStore: ForumStoreCore {
    // Notifications, watching and requests for review: notifications are written by the
    // writes that cause them (posts, `apply`, `flag`, endorsements, syntheses), never here
    /// The member's notifications, newest first; `before` is the id of the last of the previous page.
    func notifications(userId: Int64, before: Int64?, limit: Int) async throws -> [ForumNotification]
    func markNotificationsRead(userId: Int64, at date: Date) async throws
    /// Marks read what the thread's posts told the member; how many there were.
    func markThreadNotificationsRead(userId: Int64, threadId: Int64, at date: Date) async throws -> Int
    func setWatch(userId: Int64, threadId: Int64, level: WatchLevel, at date: Date) async throws
    func setWatch(userId: Int64, boardId: Int64, level: WatchLevel, at date: Date) async throws

    // E-mail: addresses, single-use links (only their SHA-256 stored), the outbox
    /// `/settings/email`: the confirmed address, a pending one, the choice of notification mail.
    func emailSettings(userId: Int64, at date: Date) async throws -> EmailSettings
    func saveMailNotifications(userId: Int64, _ choice: MailNotifications) async throws
    /// Issues a confirmation link (`token`, stored hashed) for `address` and writes its mail, in one transaction.
    func requestEmailConfirmation(userId: Int64, address: String, token: String, language: Language, at date: Date) async throws
    /// Drops the pending address; with `confirmedToo`, the confirmed one as well.
    func forgetEmail(userId: Int64, confirmedToo: Bool) async throws
    func confirmEmail(tokenHash: Data, at date: Date) async throws -> EmailConfirmation
    /// Writes a reset link and its mail for the open account named by either key, if it has a
    /// confirmed address and `allow` agrees; the member's id when it did.
    func requestPasswordReset(usernameKey: String, addressKey: String, token: String, language: Language, at date: Date,
                              allow: @Sendable @escaping (Int64) async throws -> Bool) async throws -> Int64?
    func mailLinkWorks(tokenHash: Data, kind: MailKind, at date: Date) async throws -> Bool
    /// New password through a reset link; every session, sign-in challenge and reset link of the member ends.
    func resetPassword(tokenHash: Data, passwordHash: String, at date: Date) async throws -> Int64?
    func unsubscribe(userId: Int64) async throws -> Bool
    /// The next due mail, held for `lease` seconds by the caller (a conditional UPDATE: one worker per mail).
    func claimMail(at date: Date, lease: TimeInterval) async throws -> OutboxMail?
    func nextMailDue() async throws -> Date?
    func finishMail(id: Int64, outcome: MailOutcome, error: String?, at date: Date) async throws
    func retryMail(id: Int64, due: Date, error: String) async throws
    /// Expired links, and finished mails past their week; how many rows went.
    func deleteExpiredMailRecords(at date: Date) async throws -> Int
    /// What a notification mail or digest tells, read as it is sent (`NotificationsToMail`).
    func notificationsToMail(mailId: Int64, userId: Int64, kind: MailKind, limit: Int) async throws -> NotificationsToMail
}
