import CabildoCore
import Foundation
import PostgresNIO

/// Deleting a post's text, which closing an account does to every post of the member
/// (`AppDatabase.removeText`), and the notifications a vanished post takes with it.
extension PostgresStore {
    /// The row stays (replies keep their place in the tree); its search entry, earlier versions,
    /// request for review and what it told others go, and a deleted opening post unlists its
    /// thread. `notFound` when the post was already deleted.
    func removeText(_ connection: PostgresConnection, postId id: Int64, at now: Int64) async throws {
        guard let post = try await connection.one("""
            UPDATE posts SET body_markdown = '', body_html = '', deleted_at = \(now) WHERE id = \(id) AND deleted_at IS NULL
            RETURNING thread_id, parent_id IS NULL AS opening
            """, logger: logger, { (thread: try $0.int64("thread_id"), opening: try $0.bool("opening")) })
        else { throw StoreError.notFound }
        try await connection.run("DELETE FROM post_search WHERE post_id = \(id)", logger: logger)
        try await connection.run("DELETE FROM post_revisions WHERE post_id = \(id)", logger: logger)
        // Nothing is left to tell anyone about, or to review.
        try await forgetNotifications(connection, postId: id)
        try await connection.run("DELETE FROM appeals WHERE post_id = \(id)", logger: logger)
        guard post.opening else { return }
        try await forgetNotifications(connection, threadId: post.thread)
        // The UPDATE is the check: a thread a moderator unlisted meanwhile is not uncounted twice.
        if let board = try await connection.one("""
            UPDATE threads SET listed = false WHERE id = \(post.thread) AND listed RETURNING board_id
            """, logger: logger, { try $0.int64("board_id") }) {
            try await connection.run("UPDATE boards SET thread_count = thread_count - 1 WHERE id = \(board)", logger: logger)
        }
    }

    /// A post is gone: what it told others goes too (its author keeps what was done to it).
    func forgetNotifications(_ connection: PostgresConnection, postId: Int64) async throws {
        try await connection.run("""
            DELETE FROM notifications WHERE post_id = \(postId) AND user_id <> (SELECT author_id FROM posts WHERE id = \(postId))
            """, logger: logger)
    }

    /// A thread was unlisted: what its posts told others goes, but for its author, who still sees it.
    func forgetNotifications(_ connection: PostgresConnection, threadId: Int64) async throws {
        try await connection.run("""
            DELETE FROM notifications WHERE post_id IN (SELECT id FROM posts WHERE thread_id = \(threadId))
              AND kind IN \(unescaped: AppDatabase.conversationKinds)
              AND user_id <> (SELECT author_id FROM threads WHERE id = \(threadId))
            """, logger: logger)
    }
}
