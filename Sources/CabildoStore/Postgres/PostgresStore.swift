import CabildoCore
import Foundation
import PostgresNIO
import Synchronization

/// The forum in PostgreSQL, for several Cabildo servers on one database (issue 19). Opening it
/// runs its migrations (`PostgresMigrations`), under an advisory lock so servers starting
/// together migrate once. Each part of `ForumStore` has its files (`PostgresStore+…`), and
/// every answer is checked against SQLite's by the contract tests (`StoreContractTests`).
///
/// Values are stored as in SQLite (dates as Unix seconds in `bigint`, enums as checked `text`),
/// so a forum copies across unchanged; flags are `boolean`.
public struct PostgresStore: ForumStore {
    let client: PostgresClient
    let logger: Logger
    private let lifetime: ClientLifetime
    private let writes = WriteCounter()
    private let listener = PostgresWriteListener()
    let notificationMail = NotificationMailSwitch()
    let searchLimits: SearchLimits
    let searchSlots: SearchSlots
    /// Pages of results as of the current write generation (`AppDatabase.searchResults`).
    let searchResults = SearchResultCache()

    public var writeGeneration: Int { writes.content }
    public var memberGeneration: Int { writes.members }
    public func lastChange(of scope: PageScope) -> Int { writes.lastChange(of: scope) }

    /// Connects, migrates, and keeps the client's connection pool running until `close()`.
    /// `maximumConnections` bounds this process's connections (each server has its own pool).
    public static func open(url: String, searchLimits: SearchLimits = SearchLimits(), maximumConnections: Int = 20,
                            logger: Logger = Logger(label: "cabildo.postgres")) async throws -> PostgresStore {
        try await open(url: url, searchLimits: searchLimits, maximumConnections: maximumConnections, logger: logger,
                       listenerRecheck: .seconds(1))
    }

    /// `open`, with how often the listener rereads the shared generation (`PostgresWriteListener`).
    /// Tests that count generations exactly recheck rarely: on a loaded machine, a recheck may
    /// take a late notice for a lost one, or time out, and make everything stale, as it should.
    static func open(url: String, searchLimits: SearchLimits = SearchLimits(), maximumConnections: Int,
                     logger: Logger = Logger(label: "cabildo.postgres"), listenerRecheck: Duration) async throws -> PostgresStore {
        let target: PostgresURL
        do {
            target = try PostgresURL(url)
        } catch let error as PostgresURL.Invalid {
            throw AppDatabase.OpenFailure(description: "cannot use the database URL: \(error)")
        }
        let client = PostgresClient(configuration: target.configuration(maximumConnections: maximumConnections),
                                    backgroundLogger: logger)
        let lifetime = await ClientLifetime.start(client)
        let store = PostgresStore(client: client, logger: logger, lifetime: lifetime, searchLimits: searchLimits,
                                  searchSlots: SearchSlots(concurrent: searchLimits.concurrent, waiting: searchLimits.waiting))
        do {
            try await PostgresMigrations.migrate(store)
            store.listener.start(configuration: try target.connectionConfiguration(applicationName: "cabildo-listener"),
                                 writes: store.writes, logger: logger, recheck: listenerRecheck)
            await store.listener.waitUntilListening(within: .seconds(10))
        } catch {
            await store.close()
            throw AppDatabase.OpenFailure(description: "cannot open the PostgreSQL database \(target.database) at "
                                          + "\(target.host):\(target.port): \(String(reflecting: error))")
        }
        return store
    }

    /// Whether this server has been told of every write committed so far: the shared generation
    /// it last heard of is the database's.
    func toldOfEveryWrite() async throws -> Bool {
        let shared = try await read { connection in
            try await connection.one("SELECT value FROM write_generation WHERE id = 1", logger: logger) { try $0.int64("value") }
        }
        return listener.knownGeneration == shared
    }

    /// Closes every connection; the store fails every call afterwards.
    public func close() async {
        await listener.stop()
        await lifetime.end()
    }

    public func ping() async throws {
        try await read { connection in try await connection.run("SELECT 1", logger: logger) }
    }

    public func serverKey() async throws -> Data {
        try await write(changes: .nothing) { connection in
            let fresh = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
            // Two servers asking at once both get the one key that won.
            try await connection.run("INSERT INTO server_key (id, key) VALUES (1, \(fresh)) ON CONFLICT (id) DO NOTHING", logger: logger)
            return try await connection.one("SELECT key FROM server_key WHERE id = 1", logger: logger) { try $0.data("key") } ?? fresh
        }
    }

    public func databaseSize() async throws -> Int64 {
        try await read { connection in
            try await connection.one("SELECT pg_database_size(current_database()) AS size", logger: logger) { try $0.int64("size") } ?? 0
        }
    }

    public func useNotificationMail(_ schedule: NotificationMailSchedule?) {
        notificationMail.set(schedule)
    }

    /// Runs one user action as one transaction, turning storage failures into `StoreError` (see
    /// `AppDatabase.write` for `changes`). The transaction is READ COMMITTED, PostgreSQL's
    /// default: each write locks the rows it rechecks (`FOR UPDATE`) where SQLite relied on its
    /// single writer.
    ///
    /// A content write also moves the shared write generation on and notifies every server, in
    /// its own transaction (`PostgresWriteListener`): the notice is delivered only if it commits,
    /// and only once the change is visible. It is the last statement, so the generation's row is
    /// locked just until the commit, and no transaction waits for it holding another lock it needs.
    func write<T: Sendable>(changes: WriteChanges = .content(.everything),
                            _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await write(reporting: { connection in Changing(try await body(connection), changes) })
    }

    /// `write(changes:)` for a write that learns what it changed only inside: `changing` runs in
    /// the same transaction, after `body`, with its result (a post's thread and board).
    func write<T: Sendable>(changing changes: (PostgresConnection, T) async throws -> WriteChanges,
                            _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await write(reporting: { connection in
            let value = try await body(connection)
            return Changing(value, try await changes(connection, value))
        })
    }

    private func write<T: Sendable>(reporting body: (PostgresConnection) async throws -> Changing<T>) async throws -> T {
        let result = try await transaction { connection in
            let result = try await body(connection)
            try await listener.announce(result.changes, on: connection, logger: logger)
            return result
        }
        writes.record(result.changes)
        return result.value
    }

    /// A read in one snapshot (REPEATABLE READ, read only): a page's several queries agree.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<T: Sendable>(begin: PostgresQuery = "BEGIN",
                                          _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.run(begin, logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.run("COMMIT", logger: logger)
                    return result
                } catch {
                    // A broken connection is dropped by the pool; nothing to roll back on it.
                    try? await connection.run("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let error as PSQLError {
            throw Self.storeError(error)
        }
    }

    /// What the server's refusal means to the forum: the caller's own constraint violations
    /// stay as they are (each write maps those it expects), losing the server is `unavailable`.
    static func storeError(_ error: PSQLError) -> any Error {
        switch error.code {
        case .server:
            switch error.serverInfo?[.sqlState] {
            // disk_full, out_of_memory, too_many_connections, read_only_sql_transaction, admin/crash shutdown, cannot_connect_now
            case "53100", "53200", "53300", "25006", "57P01", "57P02", "57P03": return StoreError.unavailable
            case "57014": return StoreError.tooBroad // query_canceled: a search past its statement_timeout
            default: return error
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
            return StoreError.unavailable
        default:
            return error
        }
    }
}

extension PSQLError {
    /// The five-character SQLSTATE of an error the server sent; nil for any other failure.
    var sqlState: String? { code == .server ? serverInfo?[.sqlState] : nil }
    var isUniqueViolation: Bool { sqlState == "23505" }
}

/// The task that runs the client's pool. A class, so that every copy of the store shares it.
final class ClientLifetime: Sendable {
    private let task: Task<Void, Never>
    private init(_ task: Task<Void, Never>) { self.task = task }

    /// postgres-nio 1.33: the pool leases connections only while `run()` runs, and cancelling
    /// it closes the pool. Returns once the task is about to call `run()`, so the first query
    /// does not find it not yet started (it would wait, and log a warning).
    static func start(_ client: PostgresClient) async -> ClientLifetime {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        return ClientLifetime(task)
    }

    func end() async {
        task.cancel()
        await task.value
    }
}
