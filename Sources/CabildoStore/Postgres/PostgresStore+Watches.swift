import CabildoCore
import Foundation
import PostgresNIO

/// How closely each member follows threads and boards, as `AppDatabase+Watches`. No board row is `normal`.
extension PostgresStore {
    /// One statement, so the thread's existence and the row agree without a lock: no row inserted
    /// or updated means no such thread.
    public func setWatch(userId: Int64, threadId: Int64, level: WatchLevel, at date: Date) async throws {
        try await write(changes: .memberState) { connection in
            // A `normal` row is kept, not deleted: replying must not watch again a thread the member set back.
            let written = try await connection.count("""
                INSERT INTO thread_watches (thread_id, user_id, level, created_at)
                SELECT id, \(userId), \(level.rawValue), \(date.unixSeconds) FROM threads WHERE id = \(threadId)
                ON CONFLICT (thread_id, user_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at
                RETURNING thread_id
                """, logger: logger)
            guard written == 1 else { throw StoreError.notFound }
        }
    }

    public func setWatch(userId: Int64, boardId: Int64, level: WatchLevel, at date: Date) async throws {
        try await write(changes: .memberState) { connection in
            guard level != .normal else {
                try await connection.run("DELETE FROM board_watches WHERE board_id = \(boardId) AND user_id = \(userId)", logger: logger)
                return
            }
            try await connection.run("""
                INSERT INTO board_watches (board_id, user_id, level, created_at) VALUES (\(boardId), \(userId), \(level.rawValue),
                    \(date.unixSeconds))
                ON CONFLICT (board_id, user_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at
                """, logger: logger)
        }
    }
}
