import CabildoCore
import PostgresNIO

/// What a write to a thread or a post changed (`ContentChange`), read inside its transaction, so
/// the board is the one the thread is on as the write commits.
extension PostgresStore {
    func threadChanged(_ connection: PostgresConnection, _ threadId: Int64) async throws -> WriteChanges {
        guard let board = try await connection.one("SELECT board_id FROM threads WHERE id = \(threadId)", logger: logger, {
            try $0.int64("board_id")
        }) else { return .content(.everything) }
        return .content(.thread(threadId, board: board))
    }

    func postChanged(_ connection: PostgresConnection, _ postId: Int64) async throws -> WriteChanges {
        guard let (thread, board) = try await connection.one("""
            SELECT p.thread_id, t.board_id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = \(postId)
            """, logger: logger, { (try $0.int64("thread_id"), try $0.int64("board_id")) }) else { return .content(.everything) }
        return .content(.thread(thread, board: board))
    }
}

extension PostgresStore {
    /// What `action` will change; read before it acts, while a moved thread is still on its board
    /// of departure (a move that lands meanwhile makes the write run again, `writeRetryingMoves`).
    func changes(of action: ModerationAction, _ connection: PostgresConnection) async throws -> WriteChanges {
        switch action.target {
        case .post(let id): return try await postChanged(connection, id)
        case .thread(let id): return try await threadChanged(connection, id)
        case .move(let thread, let to):
            guard let from = try await connection.one("SELECT board_id FROM threads WHERE id = \(thread)", logger: logger, {
                try $0.int64("board_id")
            }) else { return .content(.everything) }
            return .content(.moved(thread: thread, from: from, to: to))
        case .everything: return .content(.everything)
        }
    }
}
