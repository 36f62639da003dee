import Foundation
import GRDB
import GRDBSQLite

extension Database {
    /// Runs `body` with SQLite's progress handler armed: every 1,000 virtual-machine steps it
    /// looks at the clock, and past `limit` SQLite abandons the statement (SQLITE_INTERRUPT),
    /// which surfaces here as `StoreError.tooBroad`. The handler is removed before returning,
    /// so the pooled connection goes back to other readers unarmed.
    func withTimeLimit<T>(_ limit: TimeInterval, _ body: () throws -> T) throws -> T {
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadline.initialize(to: DispatchTime.now().uptimeNanoseconds + UInt64(max(0, limit) * 1_000_000_000))
        sqlite3_progress_handler(sqliteConnection, 1000, { context in
            guard let context else { return 0 }
            return DispatchTime.now().uptimeNanoseconds > context.load(as: UInt64.self) ? 1 : 0
        }, UnsafeMutableRawPointer(deadline))
        defer {
            sqlite3_progress_handler(sqliteConnection, 0, nil, nil)
            deadline.deallocate()
        }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw StoreError.tooBroad
        }
    }
}
