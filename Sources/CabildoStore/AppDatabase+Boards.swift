import CabildoCore
import GRDB

extension AppDatabase {
    public func boards() async throws -> [Board] {
        try await read { db in
            try Row.fetchAll(db.cached("SELECT * FROM boards ORDER BY archived, position, id")).map(Board.init(row:))
        }
    }

    public func board(slug: String) async throws -> Board? {
        try await read { db in try Self.fetchBoard(db, slug: slug) }
    }

    static func fetchBoard(_ db: Database, slug: String) throws -> Board? {
        try Row.fetchOne(db.cached("SELECT * FROM boards WHERE slug = ?"), arguments: [slug]).map(Board.init(row:))
    }

    public func board(id: Int64) async throws -> Board? {
        try await read { db in try Self.fetchBoard(db, id: id) }
    }

    static func fetchBoard(_ db: Database, id: Int64) throws -> Board? {
        try Row.fetchOne(db.cached("SELECT * FROM boards WHERE id = ?"), arguments: [id]).map(Board.init(row:))
    }

    public func seedBoardsIfEmpty(_ seeds: [BoardSeed]) async throws {
        try await write { db in
            guard try Int.fetchOne(db.cached("SELECT COUNT(*) FROM boards")) == 0 else { return }
            for (position, seed) in seeds.enumerated() {
                try db.execute(
                    sql: "INSERT INTO boards (slug, title_es, title_en, position) VALUES (?, ?, ?, ?)",
                    arguments: [seed.slug, seed.titleES, seed.titleEN, position + 1]
                )
            }
        }
    }
}

extension AppDatabase {
    /// Administration of boards; the caller logs the returned line in the same transaction.
    static func performBoardAction(_ db: Database, _ action: ModerationAction) throws -> LogLine {
        switch action {
        case .createBoard(let slug, let titleES, let titleEN):
            do {
                try db.cached("""
                    INSERT INTO boards (slug, title_es, title_en, position)
                    VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM boards))
                    """).execute(arguments: [slug, titleES, titleEN])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.slugTaken
            }
            return LogLine(action: .createBoard, kind: .board, targetId: db.lastInsertedRowID, detail: slug)
        case .renameBoard(let id, let titleES, let titleEN):
            guard let old = try String.fetchOne(db.cached("SELECT title_es FROM boards WHERE id = ?"), arguments: [id]) else {
                throw StoreError.notFound
            }
            try updateOne(db, "UPDATE boards SET title_es = ?, title_en = ? WHERE id = ?", [titleES, titleEN, id])
            return LogLine(action: .renameBoard, kind: .board, targetId: id, detail: "\(old) → \(titleES)")
        case .moveBoard(let id, let up):
            try swapPosition(db, boardId: id, up: up)
            return LogLine(action: .moveBoard, kind: .board, targetId: id, detail: up ? "↑" : "↓")
        case .archiveBoard(let id), .unarchiveBoard(let id):
            let archiving = action == .archiveBoard(id)
            try updateOne(db, "UPDATE boards SET archived = ? WHERE id = ?", [archiving, id])
            return LogLine(action: archiving ? .archiveBoard : .unarchiveBoard, kind: .board, targetId: id)
        case .scheduleBoard(let id, let schedule):
            try updateOne(db, "UPDATE boards SET opens_at = ?, closes_at = ? WHERE id = ?",
                          [schedule.opensAt?.unixSeconds, schedule.closesAt?.unixSeconds, id])
            let detail = [schedule.opensAt, schedule.closesAt].map { $0.map { String($0.unixSeconds) } ?? "" }.joined(separator: "/")
            return LogLine(action: .scheduleBoard, kind: .board, targetId: id, detail: detail)
        case .setBoardPanel(let id, let panel):
            try updateOne(db, """
                UPDATE boards SET panel_starts_at = ?, panel_ends_at = ?, panel_place = ?, panel_moderators = ?, panel_panelists = ?,
                panel_stream_url = ? WHERE id = ?
                """, [panel.startsAt?.unixSeconds, panel.endsAt?.unixSeconds, panel.place, panel.moderators, panel.panelists,
                      panel.streamURL, id])
            return LogLine(action: .setBoardPanel, kind: .board, targetId: id, detail: panel.startsAt.map { String($0.unixSeconds) } ?? "")
        default:
            preconditionFailure("not a board action: \(action)")
        }
    }

    /// Swaps a board's position with its neighbour's; at either end it stays put.
    private static func swapPosition(_ db: Database, boardId: Int64, up: Bool) throws {
        guard let position = try Int.fetchOne(db.cached("SELECT position FROM boards WHERE id = ?"), arguments: [boardId]) else {
            throw StoreError.notFound
        }
        let neighbour = try Row.fetchOne(db.cached(up
            ? "SELECT id, position FROM boards WHERE position < ? ORDER BY position DESC LIMIT 1"
            : "SELECT id, position FROM boards WHERE position > ? ORDER BY position LIMIT 1"), arguments: [position])
        // At either end there is nothing to swap with: refuse rather than log a move that did not happen.
        guard let neighbour else { throw StoreError.notFound }
        try db.cached("UPDATE boards SET position = ? WHERE id = ?").execute(arguments: [neighbour["position"] as Int, boardId])
        try db.cached("UPDATE boards SET position = ? WHERE id = ?").execute(arguments: [position, neighbour["id"] as Int64])
    }
}

extension Board {
    init(row: Row) {
        self.init(
            id: row["id"], slug: row["slug"], titleES: row["title_es"], titleEN: row["title_en"],
            archived: row["archived"], threadCount: row["thread_count"], postCount: row["post_count"],
            lastPostAt: row.optionalDate("last_post_at"), position: row["position"],
            schedule: BoardSchedule(opensAt: row.optionalDate("opens_at"), closesAt: row.optionalDate("closes_at")),
            panel: Self.storedPanel(row: row)
        )
    }

    /// nil when no field of the panel is set.
    private static func storedPanel(row: Row) -> BoardPanel? {
        let panel = BoardPanel(startsAt: row.optionalDate("panel_starts_at"), endsAt: row.optionalDate("panel_ends_at"),
                               place: row["panel_place"], moderators: row["panel_moderators"], panelists: row["panel_panelists"],
                               streamURL: row["panel_stream_url"])
        return panel.isEmpty ? nil : panel
    }
}
