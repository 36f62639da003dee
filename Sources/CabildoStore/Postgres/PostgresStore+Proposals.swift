import CabildoCore
import Foundation
import PostgresNIO

/// Endorsements and syntheses, as `AppDatabase+Proposals`.
extension PostgresStore {
    /// The thread's row is locked (NO KEY UPDATE, as the count's update below would lock it), so
    /// toggles of one thread from several servers run one after another: each sees whether the
    /// endorsement is there, the count stays the number of rows, and the author's unread notice
    /// of endorsements stays one batch. The board's row is share-locked first, so an archiving or
    /// a new closing date waits for the endorsement or is seen by it; board then thread is the
    /// order of `createReply`'s locks, so the two cannot deadlock.
    public func toggleEndorsement(threadId: Int64, by user: User, at date: Date) async throws -> Bool {
        try await write(changing: { connection, _ in try await threadChanged(connection, threadId) }) { connection in
            guard let thread = try await connection.one("""
                SELECT t.proposal, t.listed, t.author_id, t.board_id FROM threads t JOIN boards b ON b.id = t.board_id
                WHERE t.id = \(threadId) FOR SHARE OF b FOR NO KEY UPDATE OF t
                """, logger: logger, { row in
                    (proposal: try row.bool("proposal"), listed: try row.bool("listed"), author: try row.int64("author_id"),
                     board: try row.int64("board_id"))
                }) else { throw StoreError.notFound }
            // Endorsements close with the board, both ways: the counts the report gives stay put.
            guard let board = try await fetchBoard(connection, id: thread.board) else { throw StoreError.notFound }
            guard Permissions.boardTakesPosts(board, at: date) else { throw StoreError.closed }
            if let group = try await connection.one("""
                DELETE FROM endorsements WHERE thread_id = \(threadId) AND user_id = \(user.id) RETURNING stakeholder
                """, logger: logger, { try $0.string("stakeholder") }) {
                try await connection.run("UPDATE threads SET endorsement_count = endorsement_count - 1 WHERE id = \(threadId)",
                                         logger: logger)
                try await PostgresHarvestTables.countEndorsement(self, connection, threadId: threadId, group: group, -1)
                return false
            }
            // Taking an endorsement back stays possible after a thread stops being a proposal; giving one does not.
            guard thread.proposal else { throw StoreError.notAProposal }
            // Only what everyone can read is endorsed: not a held, hidden or deleted opening post's thread.
            guard thread.listed else { throw StoreError.closed }
            try await connection.run("""
                INSERT INTO endorsements (thread_id, user_id, stakeholder, created_at)
                VALUES (\(threadId), \(user.id), \(user.stakeholder.rawValue), \(date.unixSeconds))
                """, logger: logger)
            try await connection.run("UPDATE threads SET endorsement_count = endorsement_count + 1 WHERE id = \(threadId)", logger: logger)
            try await PostgresHarvestTables.countEndorsement(self, connection, threadId: threadId, group: user.stakeholder.rawValue, 1)
            // Counted, never named: who endorses is not published (only how many per group).
            if thread.author != user.id {
                try await notify(connection, .init(userId: thread.author, kind: .endorsements, threadId: threadId), at: date.unixSeconds)
            }
            return true
        }
    }

    public func endorsements(threadId: Int64) async throws -> [Stakeholder: Int] {
        try await read { connection in try await fetchEndorsements(connection, threadId: threadId) }
    }

    public func summary(threadId: Int64) async throws -> ThreadSynthesis? {
        try await read { connection in try await fetchSummary(connection, threadId: threadId) }
    }

    /// The synthesis is written first: its row lock makes two saves of one thread's synthesis
    /// from two servers take turns, so the second sees the first's unread notice and adds none.
    public func saveSummary(threadId: Int64, markdown: String, html: String, authorId: Int64, at date: Date) async throws {
        let now = date.unixSeconds
        try await write(changing: { connection, _ in try await threadChanged(connection, threadId) }) { connection in
            guard let threadAuthor = try await connection.one("SELECT author_id FROM threads WHERE id = \(threadId)", logger: logger,
                                                              { try $0.int64("author_id") }) else { throw StoreError.notFound }
            try await connection.run("""
                INSERT INTO summaries (thread_id, body_markdown, body_html, author_id, updated_at)
                VALUES (\(threadId), \(markdown), \(html), \(authorId), \(now))
                ON CONFLICT (thread_id) DO UPDATE SET body_markdown = excluded.body_markdown, body_html = excluded.body_html,
                    author_id = excluded.author_id, updated_at = excluded.updated_at
                """, logger: logger)
            // One unread notice of the synthesis is enough, however often it is rewritten meanwhile.
            let unread = try await connection.one("""
                SELECT 1 AS unread FROM notifications
                WHERE user_id = \(threadAuthor) AND thread_id = \(threadId) AND kind = 'summary' AND read_at IS NULL LIMIT 1
                """, logger: logger) { try $0.int("unread") } != nil
            if !unread {
                try await notify(connection, .init(userId: threadAuthor, kind: .summary, threadId: threadId, actorId: authorId), at: now)
            }
        }
    }
}
