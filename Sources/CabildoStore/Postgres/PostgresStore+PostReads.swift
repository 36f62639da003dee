import CabildoCore
import Foundation
import PostgresNIO

/// What a board's feed and the posting rules (double submits, new accounts' first posts) read,
/// as `AppDatabase+Threads` and `+Moderation` read it.
extension PostgresStore {
    /// The board's newest listed threads by their opening posts, newest first (the Atom feed).
    public func recentPosts(boardId: Int64, limit: Int) async throws -> [FeedEntry] {
        try await read { connection in
            try await connection.all("""
                SELECT p.id, p.thread_id, t.title, \(unescaped: AppDatabase.shownName("u")) AS author_name, p.body_html, p.created_at
                FROM threads t JOIN posts p ON p.thread_id = t.id AND p.parent_id IS NULL
                JOIN users u ON u.id = p.author_id
                WHERE t.board_id = \(boardId) AND t.listed AND p.deleted_at IS NULL AND p.hidden_at IS NULL
                ORDER BY t.id DESC LIMIT \(limit)
                """, logger: logger) {
                FeedEntry(postId: try $0.int64("id"), threadId: try $0.int64("thread_id"), threadTitle: try $0.string("title"),
                          authorName: try $0.optionalString("author_name"), html: try $0.string("body_html"),
                          createdAt: try $0.date("created_at"))
            }
        }
    }

    public func hasRecentPost(authorId: Int64, markdown: String, since: Date) async throws -> Bool {
        try await read { connection in
            // Newest first through posts_by_author; at one post per few seconds, 100 rows cover any sane window.
            try await connection.one("""
                SELECT 1 AS found FROM (SELECT body_markdown, created_at FROM posts WHERE author_id = \(authorId) ORDER BY id DESC LIMIT 100) r
                WHERE created_at >= \(since.unixSeconds) AND body_markdown = \(markdown) LIMIT 1
                """, logger: logger) { try $0.int("found") } != nil
        }
    }

    public func publishedPostCount(authorId: Int64, upTo: Int) async throws -> Int {
        try await read { connection in
            try await connection.one("""
                SELECT COUNT(*) AS published FROM (SELECT 1 FROM posts WHERE author_id = \(authorId) AND NOT held LIMIT \(upTo)) c
                """, logger: logger) { try $0.int("published") } ?? 0
        }
    }
}
