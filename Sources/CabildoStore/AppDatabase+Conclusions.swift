import CabildoCore
import Foundation
import GRDB

/// The committee's conclusions and recommendations per board: every save a version, kept.
extension AppDatabase {
    public func saveConclusions(_ new: NewConclusions) async throws -> Int64 {
        try await write { db in
            try db.cached("""
                INSERT INTO board_conclusions (board_id, conclusions_markdown, conclusions_html, recommendations_markdown,
                    recommendations_html, status, author_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [new.boardId, new.conclusionsMarkdown, new.conclusionsHTML, new.recommendationsMarkdown,
                                         new.recommendationsHTML, new.status.rawValue, new.authorId, new.date.unixSeconds])
            return db.lastInsertedRowID
        }
    }

    public func publishedConclusions(boardId: Int64) async throws -> BoardConclusions? {
        try await read { db in try Self.fetchPublishedConclusions(db, boardId: boardId) }
    }

    /// Every version of the board's conclusions, newest first.
    public func conclusionVersions(boardId: Int64) async throws -> [BoardConclusions] {
        try await read { db in
            try Self.fetchConclusions(db, where: "c.board_id = ?", [boardId], limit: 1000)
        }
    }

    static func fetchPublishedConclusions(_ db: Database, boardId: Int64) throws -> BoardConclusions? {
        try fetchConclusions(db, where: "c.board_id = ? AND c.status = 'published'", [boardId], limit: 1).first
    }

    private static func fetchConclusions(_ db: Database, where filter: String, _ arguments: StatementArguments,
                                         limit: Int) throws -> [BoardConclusions] {
        try Row.fetchAll(db.cached("""
            SELECT c.*, \(Self.shownName("u")) AS author_name FROM board_conclusions c JOIN users u ON u.id = c.author_id
            WHERE \(filter) ORDER BY c.id DESC LIMIT ?
            """), arguments: arguments + [limit]).map { row in
            BoardConclusions(
                version: row["id"], boardId: row["board_id"], conclusionsMarkdown: row["conclusions_markdown"],
                conclusionsHTML: row["conclusions_html"], recommendationsMarkdown: row["recommendations_markdown"],
                recommendationsHTML: row["recommendations_html"], status: ConclusionsStatus(rawValue: row["status"]) ?? .draft,
                author: (row["author_name"] as String?).map { .member(name: $0) } ?? .closedAccount, createdAt: row.date("created_at"))
        }
    }
}
