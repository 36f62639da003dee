import CabildoCore
import GRDB

/// What a write to a thread or a post changed (`ContentChange`), read inside its transaction, so
/// the board is the one the thread is on as the write commits.
extension AppDatabase {
    static func threadChanged(_ db: Database, _ threadId: Int64) throws -> WriteChanges {
        guard let board = try Int64.fetchOne(db.cached("SELECT board_id FROM threads WHERE id = ?"), arguments: [threadId]) else {
            return .content(.everything)
        }
        return .content(.thread(threadId, board: board))
    }

    static func postChanged(_ db: Database, _ postId: Int64) throws -> WriteChanges {
        guard let row = try Row.fetchOne(db.cached("""
            SELECT p.thread_id, t.board_id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = ?
            """), arguments: [postId]) else { return .content(.everything) }
        return .content(.thread(row[0], board: row[1]))
    }
}

extension AppDatabase {
    /// What `action` will change; read before it acts, while a moved thread is still on its board of departure.
    static func changes(of action: ModerationAction, _ db: Database) throws -> WriteChanges {
        switch action.target {
        case .post(let id): return try postChanged(db, id)
        case .thread(let id): return try threadChanged(db, id)
        case .move(let thread, let to):
            guard let from = try Int64.fetchOne(db.cached("SELECT board_id FROM threads WHERE id = ?"), arguments: [thread]) else {
                return .content(.everything)
            }
            return .content(.moved(thread: thread, from: from, to: to))
        case .everything: return .content(.everything)
        }
    }
}
