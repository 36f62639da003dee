import CabildoCore
import Foundation
import PostgresNIO

/// The parts of a thread page besides its posts: synthesis, endorsements, how the viewer
/// follows it, and the viewer's requests for review, read in the page's one snapshot.
extension PostgresStore {
    func fetchSummary(_ connection: PostgresConnection, threadId: Int64) async throws -> ThreadSynthesis? {
        try await connection.one("""
            SELECT s.body_markdown, s.body_html, \(unescaped: AppDatabase.shownName("u")) AS author_name, s.updated_at
            FROM summaries s JOIN users u ON u.id = s.author_id WHERE s.thread_id = \(threadId)
            """, logger: logger) {
            ThreadSynthesis(markdown: try $0.string("body_markdown"), html: try $0.string("body_html"),
                            authorName: try $0.optionalString("author_name"), updatedAt: try $0.date("updated_at"))
        }
    }

    func fetchEndorsements(_ connection: PostgresConnection, threadId: Int64) async throws -> [Stakeholder: Int] {
        let rows = try await connection.all("""
            SELECT stakeholder, COUNT(*) AS endorsements FROM endorsements WHERE thread_id = \(threadId) GROUP BY stakeholder
            """, logger: logger) { (Stakeholder(rawValue: try $0.string("stakeholder")), try $0.int("endorsements")) }
        var counts: [Stakeholder: Int] = [:]
        for case let (group?, count) in rows { counts[group] = count }
        return counts
    }

    func fetchHasEndorsed(_ connection: PostgresConnection, threadId: Int64, userId: Int64) async throws -> Bool {
        try await connection.one("SELECT 1 AS endorsed FROM endorsements WHERE thread_id = \(threadId) AND user_id = \(userId)",
                                 logger: logger) { try $0.int("endorsed") } != nil
    }

    /// How the member watches a thread, and how many of its conversation notifications are unread.
    func fetchFollowing(_ connection: PostgresConnection, threadId: Int64, userId: Int64) async throws -> (level: WatchLevel, unread: Int) {
        let row = try await connection.one("""
            SELECT (SELECT level FROM thread_watches WHERE thread_id = \(threadId) AND user_id = \(userId)) AS level,
                   (SELECT COUNT(*) FROM notifications WHERE user_id = \(userId) AND thread_id = \(threadId) AND read_at IS NULL
                      AND kind IN \(unescaped: AppDatabase.conversationKinds)) AS unread
            """, logger: logger) { (level: try $0.optionalString("level"), unread: try $0.int("unread")) }
        return (row?.level.flatMap(WatchLevel.init(rawValue:)) ?? .normal, row?.unread ?? 0)
    }

    /// The requests made for these posts, by post.
    func fetchAppeals(_ connection: PostgresConnection, postIds: [Int64]) async throws -> [Int64: Appeal] {
        let appeals = try await connection.all("SELECT * FROM appeals WHERE post_id = ANY(\(postIds))", logger: logger) {
            Appeal(postId: try $0.int64("post_id"), text: try $0.string("text"), createdAt: try $0.date("created_at"),
                   outcome: try $0.optionalString("outcome").flatMap(Appeal.Outcome.init(rawValue:)),
                   resolvedAt: try $0.optionalDate("resolved_at"))
        }
        return Dictionary(appeals.map { ($0.postId, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
