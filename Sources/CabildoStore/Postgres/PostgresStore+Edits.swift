import CabildoCore
import Foundation
import PostgresNIO

/// Editing and deleting posts, and the edit history, as `AppDatabase+Threads`.
extension PostgresStore {
    /// Keeps the previous version in `post_revisions`, then replaces the body. `hold` sends the
    /// post back to the moderation queue (its counters, listing and search entry follow).
    /// An archived or closed board is read-only: `StoreError.closed`, checked with the board
    /// locked, so an archiving that lands meanwhile waits for the edit or refuses it.
    public func editPost(id: Int64, markdown: String, html: String, hold: Bool, at date: Date) async throws {
        try await writeRetryingMoves(changing: { connection, _ in try await postChanged(connection, id) }) { connection in
            let post = try await lockPost(connection, id: id)
            try await checkBoardTakesPosts(connection, boardId: post.boardId, at: date)
            let now = date.unixSeconds
            guard try await connection.count("""
                INSERT INTO post_revisions (post_id, body_markdown, body_html, created_at)
                SELECT id, body_markdown, body_html, COALESCE(edited_at, created_at) FROM posts WHERE id = \(id) AND deleted_at IS NULL
                RETURNING id
                """, logger: logger) == 1 else { throw StoreError.notFound }
            let harvest = try await PostgresHarvestChange(self, connection, post: id, isOpening: post.isOpening, threadId: post.threadId)
            try await connection.run("""
                UPDATE posts SET body_markdown = \(markdown), body_html = \(html), edited_at = \(now) WHERE id = \(id)
                """, logger: logger)
            try await harvest.commit(self, connection)
            try await connection.run("UPDATE post_search SET body = \(markdown) WHERE post_id = \(id)", logger: logger)
            // Edits notify nobody; one sent back for review tells its author it waits again.
            if hold, !post.held {
                try await changePost(connection, id: id, held: true, hiddenAt: nil, at: now)
                try await notifyAuthor(connection, postId: id, .postHeld, actorId: nil, reason: nil, at: now)
            }
        }
    }

    public func deletePost(id: Int64, at date: Date) async throws {
        try await writeRetryingMoves(changing: { connection, _ in try await postChanged(connection, id) }) { connection in try await removeText(connection, postId: id, at: date.unixSeconds) }
    }

    /// Deleting a post, by its author or as they close their account (`AppDatabase.removeText`):
    /// blanks the post but keeps its row, so replies keep their place in the tree; its earlier
    /// versions, notifications and request for review go; deleting a thread's opening post
    /// unlists the thread. Locks the post's board, thread and row first (`lockPost`): the
    /// listing and the board's thread count change with it. Run it inside `writeRetryingMoves`.
    func removeText(_ connection: PostgresConnection, postId id: Int64, at now: Int64) async throws {
        let post = try await lockPost(connection, id: id)
        let harvest = try await PostgresHarvestChange(self, connection, post: id, isOpening: post.isOpening, threadId: post.threadId)
        guard try await connection.count("""
            UPDATE posts SET body_markdown = '', body_html = '', deleted_at = \(now) WHERE id = \(id) AND deleted_at IS NULL RETURNING id
            """, logger: logger) == 1 else { throw StoreError.notFound }
        try await connection.run("DELETE FROM post_search WHERE post_id = \(id)", logger: logger)
        try await connection.run("DELETE FROM post_revisions WHERE post_id = \(id)", logger: logger)
        // Nothing is left to tell anyone about, or to review.
        try await forgetNotifications(connection, postId: id)
        try await connection.run("DELETE FROM appeals WHERE post_id = \(id)", logger: logger)
        if post.isOpening {
            try await forgetNotifications(connection, threadId: post.threadId)
            if post.threadListed {
                try await connection.run("UPDATE boards SET thread_count = thread_count - 1 WHERE id = \(post.boardId)", logger: logger)
                try await connection.run("UPDATE threads SET listed = false WHERE id = \(post.threadId)", logger: logger)
            }
        }
        try await harvest.commit(self, connection)
    }

    public func revisions(postId: Int64) async throws -> [PostRevision] {
        try await read { connection in
            try await connection.all("""
                SELECT body_markdown, body_html, created_at FROM post_revisions WHERE post_id = \(postId) ORDER BY id DESC
                """, logger: logger) {
                PostRevision(bodyMarkdown: try $0.string("body_markdown"), bodyHTML: try $0.string("body_html"),
                             createdAt: try $0.date("created_at"))
            }
        }
    }

    /// The board rule (`Permissions.boardTakesPosts`: not archived, open by its dates) checked
    /// inside a write that holds the board's row, as `AppDatabase.checkBoardTakesPosts`.
    func checkBoardTakesPosts(_ connection: PostgresConnection, boardId: Int64, at date: Date) async throws {
        guard let board = try await fetchBoard(connection, id: boardId) else { throw StoreError.notFound }
        guard Permissions.boardTakesPosts(board, at: date) else { throw StoreError.closed }
    }
}
