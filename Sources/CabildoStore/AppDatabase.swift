import CabildoCore
import Foundation
import GRDB
import Synchronization

/// The forum's SQLite database through GRDB. Opening it runs the migrations.
public struct AppDatabase: ForumStore {
    let writer: any DatabaseWriter
    private let writes = WriteCounter()
    /// Whether, and when, notifications are also mailed: set once e-mail is on (`useNotificationMail`).
    let notificationMail = NotificationMailSwitch()
    let searchLimits: SearchLimits
    let searchSlots: SearchSlots

    public var writeGeneration: Int { writes.content }
    public var memberGeneration: Int { writes.members }
    /// The database file.
    public var path: String { writer.path }

    /// Why a database could not be opened, in words for the operator.
    public struct OpenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the migrations that are missing, each in its own transaction: a failing one rolls
    /// back and leaves the database exactly as it was.
    public init(_ writer: any DatabaseWriter, searchLimits: SearchLimits = SearchLimits()) throws {
        self.writer = writer
        self.searchLimits = searchLimits
        searchSlots = SearchSlots(concurrent: searchLimits.concurrent, waiting: searchLimits.waiting)
        do {
            try Migrations.migrator.migrate(writer)
        } catch {
            throw OpenFailure(description: "a migration failed and was rolled back, the database is unchanged: \(error)")
        }
        try fillUsernameSkeletons()
    }

    /// Opens (creating if needed) the database file in WAL mode.
    public static func open(path: String, searchLimits: SearchLimits = SearchLimits()) throws -> AppDatabase {
        var configuration = Configuration.hardened()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync is durable across application crashes; it is SQLite's advice for WAL.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw OpenFailure(description: "cannot open the database \(path): \(error)")
        }
        return try AppDatabase(pool, searchLimits: searchLimits)
    }

    /// A fresh database in a temporary file, for tests. Pools need a file; this keeps WAL in play.
    public static func temporary(searchLimits: SearchLimits = SearchLimits()) throws -> AppDatabase {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("cabildo-test-\(UUID().uuidString).sqlite").path
        return try open(path: path, searchLimits: searchLimits)
    }

    public func ping() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db.cached("SELECT 1")) }
    }

    public func databaseSize() async throws -> Int64 {
        try await read { db in
            try Int64.fetchOne(db.cached("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) ?? 0
        }
    }

    public func serverKey() async throws -> Data {
        try await write(changes: .nothing) { db in
            if let key = try Data.fetchOne(db, sql: "SELECT key FROM server_key WHERE id = 1") { return key }
            let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
            try db.cached("INSERT INTO server_key (id, key) VALUES (1, ?)").execute(arguments: [key])
            return key
        }
    }

    /// Runs one user action as one transaction, turning storage failures into `StoreError`.
    /// - Parameter changes: what the write makes stale (`WriteChanges`).
    func write<T: Sendable>(changes: WriteChanges = .content, _ updates: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            let result = try await writer.write(updates)
            writes.record(changes)
            return result
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_LOCKED:
                throw StoreError.unavailable
            default:
                throw error
            }
        }
    }

    func read<T: Sendable>(_ value: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await writer.read(value)
    }
}

extension Date {
    var unixSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(unixSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixSeconds)) }
}

extension Row {
    func date(_ column: String) -> Date { Date(unixSeconds: self[column]) }
    func optionalDate(_ column: String) -> Date? { (self[column] as Int64?).map(Date.init(unixSeconds:)) }
}

/// Counts successful writes, so caches of derived data (the harvest) know when they are stale.
/// The store's notification mail schedule, nil while the forum has no e-mail. A class so that
/// every copy of the store sees what `buildApplication` set.
final class NotificationMailSwitch: Sendable {
    private let schedule = Mutex<NotificationMailSchedule?>(nil)
    var value: NotificationMailSchedule? { schedule.withLock { $0 } }
    func set(_ value: NotificationMailSchedule?) { schedule.withLock { $0 = value } }
}

/// The two generations a store's writes move on (`ForumStoreCore.writeGeneration` and
/// `memberGeneration`).
final class WriteCounter: Sendable {
    private let contentCount = Atomic<Int>(0)
    private let memberCount = Atomic<Int>(0)
    var content: Int { contentCount.load(ordering: .relaxed) }
    var members: Int { memberCount.load(ordering: .relaxed) }

    func record(_ changes: WriteChanges) {
        switch changes {
        case .content:
            contentCount.add(1, ordering: .relaxed)
            memberCount.add(1, ordering: .relaxed)
        case .memberState:
            memberCount.add(1, ordering: .relaxed)
        case .nothing:
            break
        }
    }
}

/// What a write makes stale, so caches of what it changed (pages, sessions, the harvest) are not
/// used again, and those of what it did not change are.
enum WriteChanges: Sendable {
    /// Forum content anyone may see: every kept page, the harvest, and members' sessions (their
    /// header counts notifications, which a reply may have added).
    case content
    /// Only what members see of their own accounts: sessions ended, watches, notifications read,
    /// two-factor and e-mail settings. Visitors' pages and the harvest stay.
    case memberState
    /// Nothing a page shows: a session's touch or creation (no page holds a session not yet
    /// used), sign-in challenges, quotas, rate buckets, the outbox, the server key. A signed-in
    /// member's session is touched once a minute, which would otherwise empty the caches as often.
    case nothing
}
