import CabildoCore
import Foundation
import PostgresNIO

/// The committee's conclusions and recommendations per board, as `AppDatabase+Conclusions`:
/// every save a version, kept.
extension PostgresStore {
    public func saveConclusions(_ new: NewConclusions) async throws -> Int64 {
        try await write { connection in
            guard let id = try await connection.one("""
                INSERT INTO board_conclusions (board_id, conclusions_markdown, conclusions_html, recommendations_markdown,
                    recommendations_html, status, author_id, created_at)
                VALUES (\(new.boardId), \(new.conclusionsMarkdown), \(new.conclusionsHTML), \(new.recommendationsMarkdown),
                        \(new.recommendationsHTML), \(new.status.rawValue), \(new.authorId), \(new.date.unixSeconds))
                RETURNING id
                """, logger: logger, { try $0.int64("id") }) else { throw StoreError.notFound }
            return id
        }
    }

    public func publishedConclusions(boardId: Int64) async throws -> BoardConclusions? {
        try await read { connection in try await fetchPublishedConclusions(connection, boardId: boardId) }
    }

    public func conclusionVersions(boardId: Int64) async throws -> [BoardConclusions] {
        try await read { connection in
            try await connection.all("""
                SELECT c.*, \(unescaped: AppDatabase.shownName("u")) AS author_name FROM board_conclusions c JOIN users u ON u.id = c.author_id
                WHERE c.board_id = \(boardId) ORDER BY c.id DESC LIMIT 1000
                """, logger: logger, BoardConclusions.init(columns:))
        }
    }

    /// The newest published conclusions of a board.
    func fetchPublishedConclusions(_ connection: PostgresConnection, boardId: Int64) async throws -> BoardConclusions? {
        try await connection.one("""
            SELECT c.*, \(unescaped: AppDatabase.shownName("u")) AS author_name FROM board_conclusions c JOIN users u ON u.id = c.author_id
            WHERE c.board_id = \(boardId) AND c.status = 'published' ORDER BY c.id DESC LIMIT 1
            """, logger: logger, BoardConclusions.init(columns:))
    }
}

extension BoardConclusions {
    init(columns row: Columns) throws {
        self.init(
            version: try row.int64("id"), boardId: try row.int64("board_id"), conclusionsMarkdown: try row.string("conclusions_markdown"),
            conclusionsHTML: try row.string("conclusions_html"), recommendationsMarkdown: try row.string("recommendations_markdown"),
            recommendationsHTML: try row.string("recommendations_html"),
            status: ConclusionsStatus(rawValue: try row.string("status")) ?? .draft,
            author: try row.optionalString("author_name").map { .member(name: $0) } ?? .closedAccount,
            createdAt: try row.date("created_at"))
    }
}
