import CabildoCore
import Foundation
import PostgresNIO

/// Members' flags, and the rule that hides a post by itself, as `AppDatabase.flag`.
extension PostgresStore {
    /// Records a flag, and hides the post when `rule` says the established members' open flags
    /// are enough. Flags from new accounts are recorded but do not count; a staff member's post
    /// is never hidden by flags, only queued. The post is locked first (`lockPost`): members
    /// flagging it at once, from any server, take turns, so the flag that reaches the threshold
    /// hides it once, with one log line and one notification, and later ones find it hidden.
    public func flag(postId: Int64, by userId: Int64, reason: FlagReason, note: String, rule: AutoHideRule,
                     at date: Date) async throws -> FlagOutcome {
        try await writeRetryingMoves(changing: { connection, _ in try await postChanged(connection, postId) }) { connection in
            let now = date.unixSeconds
            let post = try await lockPost(connection, id: postId)
            guard post.deletedAt == nil else { throw StoreError.notFound }
            guard try await connection.count("""
                INSERT INTO flags (post_id, user_id, reason, note, created_at)
                VALUES (\(postId), \(userId), \(reason.rawValue), \(note), \(now))
                ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id
                """, logger: logger) == 1 else { throw StoreError.alreadyFlagged }
            let minimumPosts = rule.minimumPublishedPosts
            let counted = try await connection.one("""
                SELECT COUNT(*) AS counted FROM flags f JOIN users u ON u.id = f.user_id
                WHERE f.post_id = \(postId) AND f.resolved_at IS NULL AND u.created_at <= \(now - Int64(rule.minimumAccountAge))
                  AND (SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE author_id = u.id AND NOT held AND deleted_at IS NULL
                                             LIMIT \(minimumPosts)) c) >= \(minimumPosts)
                """, logger: logger) { try $0.int("counted") } ?? 0
            let authorRole = try await connection.one("SELECT role FROM users WHERE id = \(post.authorId)", logger: logger) {
                try $0.string("role")
            }.flatMap(Role.init(rawValue:)) ?? .member
            guard post.hiddenAt == nil, rule.hides(countedFlags: counted, authorRole: authorRole) else { return .recorded }
            try await changePost(connection, id: postId, held: nil, hiddenAt: .some(now), at: now)
            try await connection.run("UPDATE posts SET hidden_automatically = true WHERE id = \(postId)", logger: logger)
            try await notifyAuthor(connection, postId: postId, .postHidden, actorId: nil, reason: "flags: \(counted)", at: now)
            try await log(connection, AppDatabase.LogLine(action: .autoHidePost, kind: .post, targetId: postId, detail: String(counted)),
                          actorId: nil, reason: "flags: \(counted)", at: now)
            return .hidden
        }
    }

    public func openFlags(postId: Int64) async throws -> [Flag] {
        try await read { connection in try await fetchOpenFlags(connection, postIds: [postId])[postId] ?? [] }
    }

    /// The open flags of these posts, by post, each post's in the order they were made.
    func fetchOpenFlags(_ connection: PostgresConnection, postIds: [Int64]) async throws -> [Int64: [Flag]] {
        let rows = try await connection.all("""
            SELECT f.post_id, \(unescaped: AppDatabase.shownName("u")) AS username, f.reason, f.note, f.created_at
            FROM flags f JOIN users u ON u.id = f.user_id
            WHERE f.post_id = ANY(\(postIds)) AND f.resolved_at IS NULL ORDER BY f.id
            """, logger: logger) { row in
            (try row.int64("post_id"),
             Flag(flaggerName: try row.optionalString("username"), reason: FlagReason(rawValue: try row.string("reason")) ?? .other,
                  note: try row.string("note"), createdAt: try row.date("created_at")))
        }
        return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
    }

    func resolveFlags(_ connection: PostgresConnection, postId: Int64, at now: Int64) async throws {
        try await connection.run("UPDATE flags SET resolved_at = \(now) WHERE post_id = \(postId) AND resolved_at IS NULL", logger: logger)
    }
}
