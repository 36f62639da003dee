import CabildoCore
import Foundation
import GRDB

/// Notification mail: written to the outbox by `notify`, in the transaction of the notification,
/// for members with a confirmed address who chose `each` or `daily` (`/settings/email`). What it
/// tells is read again when it leaves, so a notification read on the site meanwhile, or removed
/// because its post stopped being visible, is never mailed.
extension AppDatabase {
    public func useNotificationMail(_ schedule: NotificationMailSchedule?) {
        notificationMail.set(schedule)
    }

    /// Queues what `notificationId` calls for: a mail `delay` later (`each`), or the next digest
    /// (`daily`). A batch that grew (`replacing` the unread notification it was) is mailed once
    /// until it is read: its waiting mail now points at the new row, and once that mail went no
    /// other follows, so a busy thread is one mail until the member comes back, not one per post.
    /// One digest a day holds everything.
    func queueNotificationMail(_ db: Database, userId: Int64, notificationId: Int64, replacing: Int64?, at now: Int64) throws {
        guard let schedule = notificationMail.value,
              let row = try Row.fetchOne(db.cached("""
                  SELECT m.mail_notifications, u.language FROM member_email m JOIN users u ON u.id = m.user_id
                  WHERE m.user_id = ? AND m.address IS NOT NULL
                  """), arguments: [userId]),
              let choice = MailNotifications(rawValue: row["mail_notifications"]), choice != .none
        else { return }
        // A digest already due may be leaving now without this one: only a later one counts as waiting.
        let pending = try Int64.fetchOne(db.cached("""
            SELECT id FROM mail_outbox WHERE user_id = ? AND outcome IS NULL
              AND CASE kind WHEN 'digest' THEN ?2 = 'daily' AND due_at > ?3 WHEN 'notification' THEN ?2 = 'each' AND payload = ?4 END
            """), arguments: [userId, choice.rawValue, now, replacing.map(String.init) ?? ""])
        if let pending {
            // A digest already waiting will list this one; a waiting mail of the batch now points at the batch.
            if choice == .each {
                try db.cached("UPDATE mail_outbox SET payload = ? WHERE id = ?").execute(arguments: [String(notificationId), pending])
            }
            return
        }
        // The batch was mailed already (or began before the member chose mail): it waits to be read.
        if choice == .each, replacing != nil { return }
        let date = Date(unixSeconds: now)
        let due = choice == .daily ? schedule.digestDue(after: date) : date.addingTimeInterval(schedule.delay)
        let language = (row["language"] as String?).flatMap(Language.init(rawValue:)) ?? .es
        try Self.enqueueMail(db, NewMail(kind: choice == .daily ? .digest : .notification, userId: userId, recipient: .confirmedAddress,
                                         language: language, payload: String(notificationId), due: due), at: date)
    }

    /// The mail's payload is read here again, not taken from the claim: a batch that grew while
    /// the worker held the mail moved it to the batch's new row, and the old one is gone.
    public func notificationsToMail(mailId: Int64, userId: Int64, kind: MailKind, limit: Int) async throws -> NotificationsToMail {
        try await read { db in
            let firstId = try String.fetchOne(db.cached("SELECT payload FROM mail_outbox WHERE id = ?"), arguments: [mailId])
                .flatMap { Int64($0) } ?? 0
            let choice = try String.fetchOne(db.cached("SELECT mail_notifications FROM member_email WHERE user_id = ?"),
                                             arguments: [userId]).flatMap(MailNotifications.init(rawValue:)) ?? .none
            let (filter, arguments): (String, StatementArguments) = kind == .digest
                ? ("n.id >= ?", [firstId]) : ("n.id = ?", [firstId])
            let unread = try Self.fetchNotifications(db, userId: userId, where: filter + " AND n.read_at IS NULL", arguments,
                                                     order: "n.id", limit: limit + 1)
            return NotificationsToMail(choice: choice, items: Array(unread.prefix(limit)),
                                       more: kind == .digest ? try Int.fetchOne(db.cached("""
                                           SELECT COUNT(*) FROM notifications n WHERE n.user_id = ? AND n.id >= ? AND n.read_at IS NULL
                                           """), arguments: [userId, firstId]).map { max(0, $0 - limit) } ?? 0 : 0)
        }
    }
}
