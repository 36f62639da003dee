import CabildoCore
import Foundation
import GRDB

/// How closely each member follows threads and boards (`WatchLevel`). No row is `normal`.
extension AppDatabase {
    public func setWatch(userId: Int64, threadId: Int64, level: WatchLevel, at date: Date) async throws {
        try await write(changes: .memberState) { db in
            guard try Bool.fetchOne(db.cached("SELECT 1 FROM threads WHERE id = ?"), arguments: [threadId]) == true else {
                throw StoreError.notFound
            }
            // A `normal` row is kept, not deleted: replying must not watch again a thread the member set back.
            try db.cached("""
                INSERT INTO thread_watches (thread_id, user_id, level, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (thread_id, user_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at
                """).execute(arguments: [threadId, userId, level.rawValue, date.unixSeconds])
        }
    }

    public func setWatch(userId: Int64, boardId: Int64, level: WatchLevel, at date: Date) async throws {
        try await write(changes: .memberState) { db in
            if level == .normal {
                try db.cached("DELETE FROM board_watches WHERE board_id = ? AND user_id = ?").execute(arguments: [boardId, userId])
                return
            }
            try db.cached("""
                INSERT INTO board_watches (board_id, user_id, level, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (board_id, user_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at
                """).execute(arguments: [boardId, userId, level.rawValue, date.unixSeconds])
        }
    }

    public func setWatchesParticipation(userId: Int64, _ on: Bool) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("UPDATE users SET watch_participation = ? WHERE id = ?").execute(arguments: [on, userId])
        }
    }

    /// Opening a thread or replying in it watches it, when the member's setting says so and
    /// they chose no level for it themselves.
    static func watchParticipated(_ db: Database, threadId: Int64, userId: Int64, at now: Int64) throws {
        try db.cached("""
            INSERT OR IGNORE INTO thread_watches (thread_id, user_id, level, created_at)
            SELECT ?, id, 'watching', ? FROM users WHERE id = ? AND watch_participation = 1
            """).execute(arguments: [threadId, now, userId])
    }

    static func fetchWatchLevel(_ db: Database, boardId: Int64, userId: Int64) throws -> WatchLevel {
        try String.fetchOne(db.cached("SELECT level FROM board_watches WHERE board_id = ? AND user_id = ?"),
                            arguments: [boardId, userId]).flatMap(WatchLevel.init(rawValue:)) ?? .normal
    }
}
