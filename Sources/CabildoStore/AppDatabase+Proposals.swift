import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    public func toggleEndorsement(threadId: Int64, by user: User, at date: Date) async throws -> Bool {
        try await write(changing: { db, _ in try Self.threadChanged(db, threadId) }) { db in
            guard let thread = try Row.fetchOne(db.cached("SELECT proposal, listed, author_id, board_id FROM threads WHERE id = ?"), arguments: [threadId]) else {
                throw StoreError.notFound
            }
            // Endorsements close with the board, both ways: the counts the report gives stay put.
            try Self.checkBoardTakesPosts(db, boardId: thread["board_id"], at: date)
            let proposal: Bool = thread["proposal"], listed: Bool = thread["listed"]
            if let group = try String.fetchOne(db.cached("DELETE FROM endorsements WHERE thread_id = ? AND user_id = ? RETURNING stakeholder"),
                                               arguments: [threadId, user.id]) {
                try db.cached("UPDATE threads SET endorsement_count = endorsement_count - 1 WHERE id = ?").execute(arguments: [threadId])
                try HarvestTables.countEndorsement(db, threadId: threadId, group: group, -1)
                return false
            }
            // Taking an endorsement back stays possible after a thread stops being a proposal; giving one does not.
            guard proposal else { throw StoreError.notAProposal }
            // Only what everyone can read is endorsed: not a held, hidden or deleted opening post's thread.
            guard listed else { throw StoreError.closed }
            try db.cached("INSERT INTO endorsements (thread_id, user_id, stakeholder, created_at) VALUES (?, ?, ?, ?)").execute(arguments: [threadId, user.id, user.stakeholder.rawValue, date.unixSeconds])
            try db.cached("UPDATE threads SET endorsement_count = endorsement_count + 1 WHERE id = ?").execute(arguments: [threadId])
            try HarvestTables.countEndorsement(db, threadId: threadId, group: user.stakeholder.rawValue, 1)
            // Counted, never named: who endorses is not published (only how many per group).
            if thread["author_id"] != user.id {
                try notify(db, NotificationDraft(userId: thread["author_id"], kind: .endorsements, threadId: threadId),
                                at: date.unixSeconds)
            }
            return true
        }
    }

    public func endorsements(threadId: Int64) async throws -> [Stakeholder: Int] {
        try await read { db in try Self.fetchEndorsements(db, threadId: threadId) }
    }

    static func fetchEndorsements(_ db: Database, threadId: Int64) throws -> [Stakeholder: Int] {
        var counts: [Stakeholder: Int] = [:]
        for row in try Row.fetchAll(db.cached("SELECT stakeholder, COUNT(*) FROM endorsements WHERE thread_id = ? GROUP BY stakeholder"),
                                    arguments: [threadId]) {
            if let group = Stakeholder(rawValue: row[0]) { counts[group] = row[1] }
        }
        return counts
    }

    static func fetchHasEndorsed(_ db: Database, threadId: Int64, userId: Int64) throws -> Bool {
        try Bool.fetchOne(db.cached("SELECT 1 FROM endorsements WHERE thread_id = ? AND user_id = ?"), arguments: [threadId, userId]) ?? false
    }

    public func summary(threadId: Int64) async throws -> ThreadSynthesis? {
        try await read { db in try Self.fetchSummary(db, threadId: threadId) }
    }

    static func fetchSummary(_ db: Database, threadId: Int64) throws -> ThreadSynthesis? {
        try Row.fetchOne(db.cached("""
            SELECT s.body_markdown, s.body_html, \(shownName("u")), s.updated_at FROM summaries s JOIN users u ON u.id = s.author_id
            WHERE s.thread_id = ?
            """), arguments: [threadId]).map {
            ThreadSynthesis(markdown: $0[0], html: $0[1], authorName: $0[2], updatedAt: Date(unixSeconds: $0[3]))
        }
    }

    public func saveSummary(threadId: Int64, markdown: String, html: String, authorId: Int64, at date: Date) async throws {
        try await write(changing: { db, _ in try Self.threadChanged(db, threadId) }) { db in
            guard let threadAuthor = try Int64.fetchOne(db.cached("SELECT author_id FROM threads WHERE id = ?"), arguments: [threadId]) else {
                throw StoreError.notFound
            }
            // One unread notice of the synthesis is enough, however often it is rewritten meanwhile.
            let unread = try Bool.fetchOne(db.cached("""
                SELECT 1 FROM notifications WHERE user_id = ? AND thread_id = ? AND kind = 'summary' AND read_at IS NULL
                """), arguments: [threadAuthor, threadId]) ?? false
            if !unread {
                try notify(db, NotificationDraft(userId: threadAuthor, kind: .summary, threadId: threadId, actorId: authorId),
                                at: date.unixSeconds)
            }
            try db.cached("""
                INSERT INTO summaries (thread_id, body_markdown, body_html, author_id, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (thread_id) DO UPDATE SET body_markdown = excluded.body_markdown, body_html = excluded.body_html,
                    author_id = excluded.author_id, updated_at = excluded.updated_at
                """).execute(arguments: [threadId, markdown, html, authorId, date.unixSeconds])
        }
    }
}
