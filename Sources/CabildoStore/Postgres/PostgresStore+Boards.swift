import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func boards() async throws -> [Board] {
        try await read { connection in
            try await connection.all("SELECT * FROM boards ORDER BY archived, position, id", logger: logger, Board.init(columns:))
        }
    }

    public func board(slug: String) async throws -> Board? {
        try await read { connection in try await fetchBoard(connection, slug: slug) }
    }

    public func board(id: Int64) async throws -> Board? {
        try await read { connection in try await fetchBoard(connection, id: id) }
    }

    func fetchBoard(_ connection: PostgresConnection, slug: String) async throws -> Board? {
        try await connection.one("SELECT * FROM boards WHERE slug = \(slug)", logger: logger, Board.init(columns:))
    }

    func fetchBoard(_ connection: PostgresConnection, id: Int64) async throws -> Board? {
        try await connection.one("SELECT * FROM boards WHERE id = \(id)", logger: logger, Board.init(columns:))
    }

    /// Servers starting together on an empty database seed it once: the table lock (which
    /// conflicts with itself) makes the second wait, and then it finds the boards.
    public func seedBoardsIfEmpty(_ seeds: [BoardSeed]) async throws {
        try await write { connection in
            try await connection.run("LOCK TABLE boards IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let count = try await connection.one("SELECT COUNT(*) AS boards FROM boards", logger: logger) { try $0.int("boards") }
            guard count == 0 else { return }
            for (position, seed) in seeds.enumerated() {
                try await connection.run("""
                    INSERT INTO boards (slug, title_es, title_en, position) VALUES (\(seed.slug), \(seed.titleES), \(seed.titleEN), \(position + 1))
                    """, logger: logger)
            }
        }
    }

    /// How the member watches a board; `normal` without a row.
    func fetchWatchLevel(_ connection: PostgresConnection, boardId: Int64, userId: Int64) async throws -> WatchLevel {
        try await connection.one("SELECT level FROM board_watches WHERE board_id = \(boardId) AND user_id = \(userId)",
                                 logger: logger) { try $0.string("level") }.flatMap(WatchLevel.init(rawValue:)) ?? .normal
    }
}

extension Board {
    init(columns row: Columns) throws {
        self.init(
            id: try row.int64("id"), slug: try row.string("slug"), titleES: try row.string("title_es"), titleEN: try row.string("title_en"),
            archived: try row.bool("archived"), threadCount: try row.int("thread_count"), postCount: try row.int("post_count"),
            lastPostAt: try row.optionalDate("last_post_at"), position: try row.int("position"),
            schedule: BoardSchedule(opensAt: try row.optionalDate("opens_at"), closesAt: try row.optionalDate("closes_at")),
            panel: try Self.panel(row)
        )
    }

    /// nil when no field of the panel is set.
    private static func panel(_ row: Columns) throws -> BoardPanel? {
        let panel = BoardPanel(startsAt: try row.optionalDate("panel_starts_at"), endsAt: try row.optionalDate("panel_ends_at"),
                               place: try row.string("panel_place"), moderators: try row.string("panel_moderators"),
                               panelists: try row.string("panel_panelists"), streamURL: try row.string("panel_stream_url"))
        return panel.isEmpty ? nil : panel
    }
}
