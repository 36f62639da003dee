import CabildoCore
import Foundation
import PostgresNIO

/// Requests for review of hidden posts, as `AppDatabase+Appeals`: one per post, by its author,
/// decided by a moderator through `apply` (restore upholds it, `dismissAppeal` keeps it hidden).
extension PostgresStore {
    /// Refused with `notFound` for a post that is not the member's (or is deleted), `notHidden`
    /// for one that is not hidden, `alreadyAppealed` for a second request. The post's row is
    /// share-locked while the request is written, so a restore landing at the same moment
    /// either comes first (the request finds the post visible) or decides the request.
    public func appeal(postId: Int64, by userId: Int64, text: String, at date: Date) async throws {
        try await write { connection in
            guard let hiddenAt = try await connection.one("""
                SELECT hidden_at FROM posts WHERE id = \(postId) AND author_id = \(userId) AND deleted_at IS NULL FOR SHARE
                """, logger: logger, { try $0.optionalInt64("hidden_at") }) else { throw StoreError.notFound }
            guard hiddenAt != nil else { throw StoreError.notHidden }
            guard try await connection.count("""
                INSERT INTO appeals (post_id, user_id, text, created_at) VALUES (\(postId), \(userId), \(text), \(date.unixSeconds))
                ON CONFLICT (post_id) DO NOTHING RETURNING post_id
                """, logger: logger) == 1 else { throw StoreError.alreadyAppealed }
        }
    }

    public func openAppeal(postId: Int64) async throws -> Appeal? {
        try await read { connection in try await fetchOpenAppeals(connection, postIds: [postId])[postId] }
    }

    /// The undecided requests for these posts, by post.
    func fetchOpenAppeals(_ connection: PostgresConnection, postIds: [Int64]) async throws -> [Int64: Appeal] {
        let appeals = try await connection.all("""
            SELECT * FROM appeals WHERE post_id = ANY(\(postIds)) AND resolved_at IS NULL
            """, logger: logger, Appeal.init(columns:))
        return Dictionary(appeals.map { ($0.postId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Decides the post's open request, if it has one; whether it had. A conditional UPDATE: of
    /// a restore and a dismissal landing together, the second finds the request decided.
    func resolveAppeal(_ connection: PostgresConnection, postId: Int64, _ outcome: Appeal.Outcome, at now: Int64) async throws -> Bool {
        try await connection.count("""
            UPDATE appeals SET outcome = \(outcome.rawValue), resolved_at = \(now) WHERE post_id = \(postId) AND resolved_at IS NULL
            RETURNING post_id
            """, logger: logger) == 1
    }
}

extension Appeal {
    /// A row of `appeals`.
    init(columns row: Columns) throws {
        self.init(postId: try row.int64("post_id"), text: try row.string("text"), createdAt: try row.date("created_at"),
                  outcome: try row.optionalString("outcome").flatMap(Outcome.init(rawValue:)), resolvedAt: try row.optionalDate("resolved_at"))
    }
}
