import CabildoCore
import Foundation
import PostgresNIO

/// Administration of boards, as `AppDatabase.performBoardAction`; `apply` logs the returned
/// line in the same transaction.
extension PostgresStore {
    /// The advisory lock under which boards get and swap positions: two admins adding boards at
    /// once would otherwise both read the same last position, which SQLite's single writer never did.
    static let boardPositionsLockKey: Int64 = PostgresMigrations.lockKey + 0x10

    func performBoardAction(_ connection: PostgresConnection, _ action: ModerationAction) async throws -> AppDatabase.LogLine {
        switch action {
        case .createBoard(let slug, let titleES, let titleEN):
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.boardPositionsLockKey))", logger: logger)
            guard let id = try await connection.one("""
                INSERT INTO boards (slug, title_es, title_en, position)
                VALUES (\(slug), \(titleES), \(titleEN), (SELECT coalesce(max(position), 0) + 1 FROM boards))
                ON CONFLICT (slug) DO NOTHING RETURNING id
                """, logger: logger, { try $0.int64("id") }) else { throw StoreError.slugTaken }
            return .init(action: .createBoard, kind: .board, targetId: id, detail: slug)
        case .renameBoard(let id, let titleES, let titleEN):
            guard let old = try await connection.one("SELECT title_es FROM boards WHERE id = \(id) FOR NO KEY UPDATE", logger: logger,
                                                      { try $0.string("title_es") }) else { throw StoreError.notFound }
            try await updateOne(connection, "UPDATE boards SET title_es = \(titleES), title_en = \(titleEN) WHERE id = \(id) RETURNING id")
            return .init(action: .renameBoard, kind: .board, targetId: id, detail: "\(old) → \(titleES)")
        case .moveBoard(let id, let up):
            try await swapPosition(connection, boardId: id, up: up)
            return .init(action: .moveBoard, kind: .board, targetId: id, detail: up ? "↑" : "↓")
        case .archiveBoard(let id), .unarchiveBoard(let id):
            let archiving = action == .archiveBoard(id)
            try await updateOne(connection, "UPDATE boards SET archived = \(archiving) WHERE id = \(id) RETURNING id")
            return .init(action: archiving ? .archiveBoard : .unarchiveBoard, kind: .board, targetId: id)
        case .scheduleBoard(let id, let schedule):
            try await updateOne(connection, """
                UPDATE boards SET opens_at = \(schedule.opensAt?.unixSeconds), closes_at = \(schedule.closesAt?.unixSeconds)
                WHERE id = \(id) RETURNING id
                """)
            let detail = [schedule.opensAt, schedule.closesAt].map { $0.map { String($0.unixSeconds) } ?? "" }.joined(separator: "/")
            return .init(action: .scheduleBoard, kind: .board, targetId: id, detail: detail)
        case .setBoardPanel(let id, let panel):
            try await updateOne(connection, """
                UPDATE boards SET panel_starts_at = \(panel.startsAt?.unixSeconds), panel_ends_at = \(panel.endsAt?.unixSeconds),
                    panel_place = \(panel.place), panel_moderators = \(panel.moderators), panel_panelists = \(panel.panelists),
                    panel_stream_url = \(panel.streamURL)
                WHERE id = \(id) RETURNING id
                """)
            return .init(action: .setBoardPanel, kind: .board, targetId: id, detail: panel.startsAt.map { String($0.unixSeconds) } ?? "")
        default:
            preconditionFailure("not a board action: \(action)")
        }
    }

    /// Swaps a board's position with its neighbour's; at either end there is nothing to swap
    /// with, and the move is refused rather than logged. Both rows are locked in id order, as
    /// a thread's move locks its two boards.
    private func swapPosition(_ connection: PostgresConnection, boardId: Int64, up: Bool) async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(\(Self.boardPositionsLockKey))", logger: logger)
        guard let position = try await connection.one("SELECT position FROM boards WHERE id = \(boardId)", logger: logger,
                                                      { try $0.int64("position") }) else { throw StoreError.notFound }
        let neighbourQuery: PostgresQuery = up
            ? "SELECT id, position FROM boards WHERE position < \(position) ORDER BY position DESC LIMIT 1"
            : "SELECT id, position FROM boards WHERE position > \(position) ORDER BY position LIMIT 1"
        guard let neighbour = try await connection.one(neighbourQuery, logger: logger, {
            (id: try $0.int64("id"), position: try $0.int64("position"))
        }) else { throw StoreError.notFound }
        try await connection.run("""
            SELECT id FROM boards WHERE id = \(boardId) OR id = \(neighbour.id) ORDER BY id FOR NO KEY UPDATE
            """, logger: logger)
        try await connection.run("UPDATE boards SET position = \(neighbour.position) WHERE id = \(boardId)", logger: logger)
        try await connection.run("UPDATE boards SET position = \(position) WHERE id = \(neighbour.id)", logger: logger)
    }
}
