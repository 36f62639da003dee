import CabildoCore
import Foundation
import PostgresNIO

/// Closing an account (`/settings/delete`), as `AppDatabase+Closing`: the same rows go, the
/// same rows stay, and pages name the author nowhere (`AppDatabase.shownName`).
extension PostgresStore {
    /// The PHC string a closed account keeps: the CHECK wants the prefix, and no password verifies against it.
    private static let closedPasswordHash = "$argon2id$closed"

    /// One transaction, as `AppDatabase.closeAccount` says. Refused with `lastAdmin` for the only
    /// admin. The member's row and every admin's are locked first, in one statement and in id
    /// order (so two closings cannot deadlock): two admins closing at once on two servers cannot
    /// both count the other, and a demotion that commits meanwhile is seen. NO KEY UPDATE, the
    /// lock an UPDATE of the role takes: rows that merely reference these accounts still go in.
    public func closeAccount(userId: Int64, removingText: Bool, at date: Date) async throws {
        let now = date.unixSeconds
        try await writeRetryingMoves { connection in
            let locked = try await connection.all("""
                SELECT id, role, closed_at IS NULL AS open FROM users WHERE id = \(userId) OR role = 'admin' ORDER BY id
                FOR NO KEY UPDATE
                """, logger: logger) { (id: try $0.int64("id"), role: try $0.string("role"), open: try $0.bool("open")) }
            guard let member = locked.first(where: { $0.id == userId }), member.open else { throw StoreError.notFound }
            if member.role == Role.admin.rawValue, locked.filter({ $0.role == Role.admin.rawValue }).count <= 1 {
                throw StoreError.lastAdmin
            }
            if removingText {
                let posts = try await connection.all("""
                    SELECT id FROM posts WHERE author_id = \(userId) AND deleted_at IS NULL ORDER BY id
                    """, logger: logger) { try $0.int64("id") }
                for id in posts {
                    do {
                        try await removeText(connection, postId: id, at: now)
                    } catch StoreError.notFound {
                        // The member deleted it from another server meanwhile: it is gone, as wanted.
                    }
                }
            }
            // Marked closed, signed out everywhere: the role, language and password hash go, the
            // participation setting returns to its default, and where the member lived (it says who
            // they were: the harvest counts them as "not said").
            let harvest = try await PostgresHarvestDepartmentChange(self, connection, user: userId)
            try await connection.run("""
                UPDATE users SET closed_at = \(now), role = 'member', language = NULL, password_hash = \(Self.closedPasswordHash),
                    watch_participation = true, department = NULL, show_department = false
                WHERE id = \(userId)
                """, logger: logger)
            try await harvest.commit(self, connection)
            try await connection.run("DELETE FROM sessions WHERE user_id = \(userId)", logger: logger)
            // Nobody signs in any more: the second factor's key, codes and challenges go with the password.
            try await connection.run("DELETE FROM two_factor WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM recovery_codes WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM sign_in_challenges WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM account_quotas WHERE user_id = \(userId)", logger: logger)
            // Nobody is there to reach: the notifications and what the member watched go. Their
            // requests for review stay, like their flags, for the moderators who decide them.
            try await connection.run("DELETE FROM notifications WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM thread_watches WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM board_watches WHERE user_id = \(userId)", logger: logger)
            // Nothing reaches the member any more: the address, its links and every mail, sent or not.
            try await connection.run("DELETE FROM member_email WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM email_tokens WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM mail_outbox WHERE user_id = \(userId)", logger: logger)
        }
    }
}
