import CabildoCore
import Foundation
import PostgresNIO

/// A post moving between held, published, hidden and deleted, as `AppDatabase.changePost` moves
/// it, with the locks SQLite's single writer made unnecessary.
///
/// Every write that changes a post's state locks, in one order, its board, its thread and the
/// post (`lockPost`): the order `createReply` takes (`FOR UPDATE OF b, t`), so two such writes
/// wait for each other instead of deadlocking. Holding the thread keeps a move of the thread, a
/// reply and a change of its posts from counting against each other's stale reads.
extension PostgresStore {
    /// A post's row as locked by `lockPost`.
    struct LockedPost {
        var id: Int64
        var threadId: Int64
        var boardId: Int64
        var parentId: Int64?
        var authorId: Int64
        var held: Bool
        var hiddenAt: Int64?
        var deletedAt: Int64?
        var bodyMarkdown: String
        var threadTitle: String
        var threadListed: Bool
        var isOpening: Bool { parentId == nil }
    }

    /// The thread changed boards between reading it and locking it: the write runs again
    /// (`writeRetryingMoves`), so it counts against the board the thread is on now.
    struct ThreadMovedMeanwhile: Error {}

    /// Runs a write that locks a post's or a thread's board, again when a move of the thread
    /// landed in between (`ThreadMovedMeanwhile`), in a fresh transaction. Each retry follows a
    /// move that committed, so the forum progresses; the bound only stops a runaway.
    func writeRetryingMoves<T: Sendable>(changing changes: (PostgresConnection, T) async throws -> WriteChanges = { _, _ in .content(.everything) },
                                         _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await write(changing: changes, body)
            } catch is ThreadMovedMeanwhile where attempt < 10 {
                attempt += 1
            }
        }
    }

    /// Locks the post's board, thread and row, in that order; `notFound` when there is no such post.
    func lockPost(_ connection: PostgresConnection, id: Int64) async throws -> LockedPost {
        let locked = try await connection.one("""
            SELECT p.id, p.thread_id, t.board_id, p.parent_id, p.author_id, p.held, p.hidden_at, p.deleted_at, p.body_markdown,
                   t.title, t.listed
            FROM boards b JOIN threads t ON t.board_id = b.id JOIN posts p ON p.thread_id = t.id
            WHERE p.id = \(id) FOR NO KEY UPDATE OF b, t, p
            """, logger: logger) { row in
            LockedPost(id: try row.int64("id"), threadId: try row.int64("thread_id"), boardId: try row.int64("board_id"),
                       parentId: try row.optionalInt64("parent_id"), authorId: try row.int64("author_id"), held: try row.bool("held"),
                       hiddenAt: try row.optionalInt64("hidden_at"), deletedAt: try row.optionalInt64("deleted_at"),
                       bodyMarkdown: try row.string("body_markdown"), threadTitle: try row.string("title"),
                       threadListed: try row.bool("listed"))
        }
        if let locked { return locked }
        // Waiting for the board, the thread may have been moved to another: the joined row no longer matches.
        let exists = try await connection.one("SELECT 1 AS found FROM posts WHERE id = \(id)", logger: logger) { try $0.int("found") }
        throw exists == nil ? StoreError.notFound : ThreadMovedMeanwhile()
    }

    /// Moves a post between held, published and hidden, keeping in step what depends on it:
    /// board and thread counters (published posts), the thread's listing (its opening post),
    /// the search index (visible posts) and notifications. `nil` leaves a field as it is.
    func changePost(_ connection: PostgresConnection, id: Int64, held newHeld: Bool?, hiddenAt newHidden: Int64??,
                    at now: Int64) async throws {
        let post = try await lockPost(connection, id: id)
        let held = newHeld ?? post.held
        let hidden = newHidden ?? post.hiddenAt
        let deleted = post.deletedAt != nil
        let harvest = try await PostgresHarvestChange(self, connection, post: id, isOpening: post.isOpening, threadId: post.threadId)
        // Any change of hiding clears the automatic mark; `flag` sets it after hiding.
        try await connection.run("""
            UPDATE posts SET held = \(held), hidden_at = \(hidden), hidden_automatically = false WHERE id = \(id)
            """, logger: logger)

        if post.held && !held {
            try await connection.run("""
                UPDATE boards SET post_count = post_count + 1, last_post_at = GREATEST(coalesce(last_post_at, 0), \(now))
                WHERE id = \(post.boardId)
                """, logger: logger)
            try await connection.run("""
                UPDATE threads SET reply_count = reply_count + \(post.isOpening ? 0 : 1), last_post_id = GREATEST(last_post_id, \(id)),
                last_post_at = GREATEST(last_post_at, \(now)) WHERE id = \(post.threadId)
                """, logger: logger)
        } else if !post.held && held {
            // An edit sent a published post back for review: it stops counting until approved.
            try await connection.run("UPDATE boards SET post_count = post_count - 1 WHERE id = \(post.boardId)", logger: logger)
            try await connection.run("""
                UPDATE threads SET reply_count = reply_count - \(post.isOpening ? 0 : 1) WHERE id = \(post.threadId)
                """, logger: logger)
        }
        if post.isOpening {
            let listed = !held && hidden == nil
            if listed != post.threadListed {
                try await connection.run("UPDATE threads SET listed = \(listed) WHERE id = \(post.threadId)", logger: logger)
                try await connection.run("""
                    UPDATE boards SET thread_count = thread_count + \(listed ? 1 : -1) WHERE id = \(post.boardId)
                    """, logger: logger)
            }
        }
        let wasSearchable = !post.held && post.hiddenAt == nil && !deleted
        let searchable = !held && hidden == nil && !deleted
        if searchable && !wasSearchable {
            try await connection.run("""
                INSERT INTO post_search (post_id, title, body) VALUES (\(id), \(post.isOpening ? post.threadTitle : ""), \(post.bodyMarkdown))
                """, logger: logger)
            // Published at last (approved, or restored while held): its readers learn of it now, once.
            try await announce(connection, postId: id, at: now)
        } else if wasSearchable && !searchable {
            try await connection.run("DELETE FROM post_search WHERE post_id = \(id)", logger: logger)
            try await forgetNotifications(connection, postId: id)
            if post.isOpening { try await forgetNotifications(connection, threadId: post.threadId) }
        }
        try await harvest.commit(self, connection)
    }

    /// A post stopped being visible to everyone: what it told others goes (its author keeps what
    /// staff did to it), as `AppDatabase.forgetNotifications(_:postId:)`.
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
