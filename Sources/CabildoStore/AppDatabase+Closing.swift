import CabildoCore
import Foundation
import GRDB

/// Closing an account (`/settings/delete`), and how every read names a closed account's author:
/// by no name at all.
extension AppDatabase {
    /// The name pages show for the user under `alias`: NULL once the account is closed, which
    /// the web layer shows as "account deleted", linked nowhere.
    static func shownName(_ alias: String) -> String {
        "CASE WHEN \(alias).closed_at IS NULL THEN \(alias).username END"
    }

    /// One transaction: the account is marked closed and loses its role, password hash,
    /// language and department; its sessions, quota counters, notifications, watches, e-mail address, mail links
    /// and mails go. What others rely on stays: the row (so the name stays taken), posts (unless
    /// `removingText`), endorsements, flags and requests for review (the harvest and the queue count
    /// them), syntheses and log lines. With `removingText` each post is deleted
    /// the way its author deletes it (`deletePost`). Refused with `lastAdmin` for the only admin.
    public func closeAccount(userId: Int64, removingText: Bool, at date: Date) async throws {
        try await write { db in
            let now = date.unixSeconds
            guard let role = try String.fetchOne(db.cached("SELECT role FROM users WHERE id = ? AND closed_at IS NULL"),
                                                 arguments: [userId]) else { throw StoreError.notFound }
            if role == Role.admin.rawValue,
               try Int.fetchOne(db.cached("SELECT COUNT(*) FROM users WHERE role = 'admin'")) ?? 0 <= 1 {
                throw StoreError.lastAdmin
            }
            if removingText {
                let posts = try Int64.fetchAll(db.cached("SELECT id FROM posts WHERE author_id = ? AND deleted_at IS NULL"),
                                               arguments: [userId])
                for id in posts { try Self.removeText(db, postId: id, at: now) }
            }
            // A PHC string no password verifies against (the CHECK wants the prefix): the hash
            // of a password that signs nothing in is not worth keeping for anyone who steals the file.
            try db.cached("""
                UPDATE users SET closed_at = ?, role = 'member', language = NULL, password_hash = '$argon2id$closed' WHERE id = ?
                """).execute(arguments: [now, userId])
            try db.cached("DELETE FROM sessions WHERE user_id = ?").execute(arguments: [userId])
            // Nobody signs in any more: the second factor's key, codes and challenges go with the password.
            try db.cached("DELETE FROM two_factor WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM recovery_codes WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM sign_in_challenges WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM account_quotas WHERE user_id = ?").execute(arguments: [userId])
            // Nobody is there to reach: the notifications and what the member watched go. Their
            // requests for review stay, like their flags, for the moderators who decide them.
            try db.cached("DELETE FROM notifications WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM thread_watches WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM board_watches WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("UPDATE users SET watch_participation = 1 WHERE id = ?").execute(arguments: [userId])
            // Where the member lived says who they were: it goes, and the harvest counts them as "not said".
            let harvest = try HarvestDepartmentChange(db, user: userId)
            try db.cached("UPDATE users SET department = NULL, show_department = 0 WHERE id = ?").execute(arguments: [userId])
            try harvest.commit(db)
            // Nothing reaches the member any more: the address, its links and every mail, sent or not.
            try db.cached("DELETE FROM member_email WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM email_tokens WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM mail_outbox WHERE user_id = ?").execute(arguments: [userId])
        }
    }
}
