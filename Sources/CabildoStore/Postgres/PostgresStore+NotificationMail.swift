import CabildoCore
import Foundation
import PostgresNIO

/// What a notification mail or digest tells, read as it leaves, as `AppDatabase+NotificationMail`
/// (the mail itself is queued by `queueNotificationMail`, inside the write that notifies).
extension PostgresStore {
    /// The mail's payload is read here again, not taken from the claim: a batch that grew while
    /// the worker held the mail moved it to the batch's new row, and the old one is gone.
    public func notificationsToMail(mailId: Int64, userId: Int64, kind: MailKind, limit: Int) async throws -> NotificationsToMail {
        try await read { connection in
            let firstId = try await connection.one("SELECT payload FROM mail_outbox WHERE id = \(mailId)", logger: logger) {
                Int64(try $0.string("payload"))
            }.flatMap { $0 } ?? 0
            let choice = try await connection.one("SELECT mail_notifications FROM member_email WHERE user_id = \(userId)",
                                                  logger: logger) { MailNotifications(rawValue: try $0.string("mail_notifications")) }
                .flatMap { $0 } ?? .none
            let digest = kind == .digest
            let unread = try await fetchUnreadNotifications(connection, userId: userId, from: firstId, digest: digest, limit: limit + 1)
            var more = 0
            if digest, let count = try await connection.one("""
                SELECT COUNT(*) AS unread FROM notifications WHERE user_id = \(userId) AND id >= \(firstId) AND read_at IS NULL
                """, logger: logger, { try $0.int("unread") }) {
                more = max(0, count - limit)
            }
            return NotificationsToMail(choice: choice, items: Array(unread.prefix(limit)), more: more)
        }
    }
}
