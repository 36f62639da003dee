import CabildoCore
import Foundation
import PostgresNIO

/// A member's settings and profile, as `AppDatabase+Users` and `+Watches` keep them. Each is one
/// UPDATE of the member's own row: a concurrent write of the same row waits for it, and nothing
/// is read first that could be stale.
extension PostgresStore {
    public func setPasswordHash(userId: Int64, hash: String) async throws {
        try await write(changes: .memberState) { connection in
            guard try await connection.count("""
                UPDATE users SET password_hash = \(hash) WHERE id = \(userId) AND closed_at IS NULL RETURNING id
                """, logger: logger) == 1 else { throw StoreError.notFound }
        }
    }

    public func updateSettings(userId: Int64, language: Language?, stakeholder: Stakeholder) async throws {
        try await write { connection in
            try await connection.run("""
                UPDATE users SET language = \(language?.rawValue), stakeholder = \(stakeholder.rawValue) WHERE id = \(userId)
                """, logger: logger)
        }
    }

    /// A closed account keeps none: `closeAccount` clears it, and this changes nothing there.
    public func setDepartment(userId: Int64, _ department: Department?, shown: Bool) async throws {
        try await write { connection in
            let harvest = try await PostgresHarvestDepartmentChange(self, connection, user: userId)
            try await connection.run("""
                UPDATE users SET department = \(department?.rawValue), show_department = \(shown)
                WHERE id = \(userId) AND closed_at IS NULL
                """, logger: logger)
            try await harvest.commit(self, connection)
        }
    }

    public func setWatchesParticipation(userId: Int64, _ on: Bool) async throws {
        try await write(changes: .memberState) { connection in
            try await connection.run("UPDATE users SET watch_participation = \(on) WHERE id = \(userId)", logger: logger)
        }
    }

    public func openAccounts(usernameKeys: [String]) async throws -> [String: String] {
        guard !usernameKeys.isEmpty else { return [:] }
        return try await read { connection in
            let rows = try await connection.all("""
                SELECT username_key, username FROM users WHERE username_key = ANY(\(usernameKeys)) AND closed_at IS NULL
                """, logger: logger) { (try $0.string("username_key"), try $0.string("username")) }
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }

    /// A closed account's profile is its row alone: its posts are not listed under a page that
    /// names it.
    public func profile(usernameKey: String, recentLimit: Int) async throws -> UserProfile? {
        try await read { connection in
            guard let user = try await connection.one("SELECT * FROM users WHERE username_key = \(usernameKey)", logger: logger,
                                                      User.init(columns:)) else { return nil }
            guard !user.isClosed else { return UserProfile(user: user, postCount: 0, recentPosts: []) }
            let count = try await connection.one("""
                SELECT COUNT(*) AS posts FROM posts WHERE author_id = \(user.id) AND deleted_at IS NULL AND NOT held AND hidden_at IS NULL
                """, logger: logger) { try $0.int("posts") } ?? 0
            let recent = try await connection.all("""
                SELECT p.id, p.thread_id, t.title, p.body_html, p.created_at
                FROM posts p JOIN threads t ON t.id = p.thread_id
                WHERE p.author_id = \(user.id) AND p.deleted_at IS NULL AND NOT p.held AND p.hidden_at IS NULL AND t.listed
                ORDER BY p.id DESC LIMIT \(recentLimit)
                """, logger: logger) {
                FeedEntry(postId: try $0.int64("id"), threadId: try $0.int64("thread_id"), threadTitle: try $0.string("title"),
                          authorName: user.username, html: try $0.string("body_html"), createdAt: try $0.date("created_at"))
            }
            return UserProfile(user: user, postCount: count, recentPosts: recent)
        }
    }
}
