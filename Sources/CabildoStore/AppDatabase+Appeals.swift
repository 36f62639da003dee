import CabildoCore
import Foundation
import GRDB

/// Requests for review of hidden posts: one per post, by its author, decided by a moderator
/// through `apply` (restore upholds it, `dismissAppeal` keeps the post hidden), with a line in
/// the public log and a notification to the author either way.
extension AppDatabase {
    /// Refused with `notFound` for a post that is not the member's (or is deleted), `notHidden`
    /// for one that is not hidden, `alreadyAppealed` for a second request.
    public func appeal(postId: Int64, by userId: Int64, text: String, at date: Date) async throws {
        try await write { db in
            guard let post = try Row.fetchOne(db.cached("""
                SELECT hidden_at FROM posts WHERE id = ? AND author_id = ? AND deleted_at IS NULL
                """), arguments: [postId, userId]) else { throw StoreError.notFound }
            guard (post["hidden_at"] as Int64?) != nil else { throw StoreError.notHidden }
            do {
                try db.cached("INSERT INTO appeals (post_id, user_id, text, created_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [postId, userId, text, date.unixSeconds])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreError.alreadyAppealed
            }
        }
    }

    /// Decides the post's open request, if it has one; whether it had.
    static func resolveAppeal(_ db: Database, postId: Int64, _ outcome: Appeal.Outcome, at now: Int64) throws -> Bool {
        try db.cached("UPDATE appeals SET outcome = ?, resolved_at = ? WHERE post_id = ? AND resolved_at IS NULL")
            .execute(arguments: [outcome.rawValue, now, postId])
        return db.changesCount == 1
    }

    /// The requests made for these posts, by post.
    static func fetchAppeals(_ db: Database, postIds: [Int64]) throws -> [Int64: Appeal] {
        var appeals: [Int64: Appeal] = [:]
        for id in postIds {
            appeals[id] = try Row.fetchOne(db.cached("SELECT * FROM appeals WHERE post_id = ?"), arguments: [id]).map(Appeal.init(row:))
        }
        return appeals
    }

    static func fetchOpenAppeal(_ db: Database, postId: Int64) throws -> Appeal? {
        try Row.fetchOne(db.cached("SELECT * FROM appeals WHERE post_id = ? AND resolved_at IS NULL"), arguments: [postId])
            .map(Appeal.init(row:))
    }
}

extension Appeal {
    init(row: Row) {
        self.init(postId: row["post_id"], text: row["text"], createdAt: row.date("created_at"),
                  outcome: (row["outcome"] as String?).flatMap(Outcome.init(rawValue:)), resolvedAt: row.optionalDate("resolved_at"))
    }
}
