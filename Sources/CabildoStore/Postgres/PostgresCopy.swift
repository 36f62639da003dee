import Foundation
import PostgresNIO

/// `cabildo copy`: a stopped SQLite forum into an empty PostgreSQL database (issue 19, "Moving
/// up"). Every table `PostgresCopyTables` lists is copied with its ids, in batches, in one
/// PostgreSQL transaction: a copy that fails or is interrupted leaves the target as empty as it
/// was, so it can simply be run again. Derived data is rebuilt rather than copied: the search
/// index from the posts, the identity sequences from the largest ids. The counters both stores
/// keep in the same columns (a board's threads and posts, a thread's replies and endorsements,
/// a batched notification's count) are copied as they are, since the same writes keep them.
public enum PostgresCopy {
    /// Rows per INSERT: 500 posts are 7,000 bound parameters, well under PostgreSQL's 65,535.
    public static let defaultBatchSize = 500

    /// How far the copy has come: `done` of `total` rows of `table` (`post_search` counts the posts
    /// looked at while the index is rebuilt).
    public struct Progress: Sendable, Equatable {
        public let table: String
        public let done: Int
        public let total: Int
    }

    public struct TableCount: Sendable, Equatable {
        public let table: String
        public let sqlite: Int
        public let postgres: Int
    }

    /// What was copied, table by table, as counted on each side after the copy.
    public struct Report: Sendable {
        public let tables: [TableCount]
        /// Posts search finds, in SQLite (`postgres`: the rows of PostgreSQL's rebuilt index).
        public let search: TableCount
        /// The rows of SQLite's own index, which should equal `search.sqlite`.
        public let sqliteSearchIndex: Int
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case noDatabase(String)
        case serverRunning(String)
        case unreachable(server: String, seconds: Int)
        case unaccounted([String])
        case targetNotEmpty([String])
        case badValue(table: String, column: String, row: String, why: String)
        case rejected(table: String, why: String)
        case countsDiffer([TableCount])

        public var description: String {
            switch self {
            case .noDatabase(let path):
                return "no SQLite database at \(path)"
            case .serverRunning(let path):
                return "a cabildo server is using \(path) (lock \(path).lock): stop it before copying"
            case let .unreachable(server, seconds):
                return "no answer from the PostgreSQL server at \(server) within \(seconds) s (is it running, is the address "
                    + "right?); nothing was copied"
            case .unaccounted(let problems):
                return "this database has tables or columns cabildo copy does not know, so it cannot be copied whole: "
                    + problems.joined(separator: "; ")
            case .targetNotEmpty(let tables):
                return "the PostgreSQL database is not empty (rows in " + tables.joined(separator: ", ")
                    + "): cabildo copy only writes into an empty database; nothing was copied"
            case let .badValue(table, column, row, why):
                return "\(table) (\(row)), column \(column): \(why); nothing was copied"
            case let .rejected(table, why):
                return "PostgreSQL refused rows of \(table): \(why); nothing was copied"
            case .countsDiffer(let counts):
                return "the counts differ after the copy ("
                    + counts.map { "\($0.table): \($0.sqlite) in SQLite, \($0.postgres) in PostgreSQL" }.joined(separator: "; ")
                    + "); nothing was copied"
            }
        }
    }

    /// Copies the SQLite database at `sqlitePath` into the PostgreSQL database at `url`. Holds
    /// the SQLite file's `ServerLock` throughout, so no server starts on it meanwhile, and
    /// refuses while one runs. Opening each side migrates it to this version first; the target
    /// must answer within `connectTimeout`.
    public static func copy(sqlitePath: String, to url: String, batchSize: Int = defaultBatchSize,
                            connectTimeout: Duration = .seconds(30),
                            progress: (Progress) throws -> Void = { _ in }) async throws -> Report {
        // Opening a missing file would make an empty forum and copy that.
        guard FileManager.default.fileExists(atPath: sqlitePath) else { throw Failure.noDatabase(sqlitePath) }
        let lock = try ServerLock(database: sqlitePath)
        guard lock.tryAcquire() else { throw Failure.serverRunning(sqlitePath) }
        defer { lock.release() }
        let source = try AppDatabase.open(path: sqlitePath)
        // Checked before the target is touched: a database this version cannot copy whole is
        // refused without migrating, or connecting to, the target.
        let problems = try await PostgresCopySource(database: source).unaccounted()
        guard problems.isEmpty else { throw Failure.unaccounted(problems) }
        let target = try await openTarget(url, within: connectTimeout)
        do {
            let report = try await copy(from: source, to: target, batchSize: batchSize, progress: progress)
            await target.close()
            return report
        } catch {
            await target.close()
            throw error
        }
    }

    /// The target, opened and migrated, once its server answers. Only the answer is timed:
    /// migrating a fresh database on a busy server took longer than 30 s in the test suite, and
    /// was then reported as no answer.
    private static func openTarget(_ url: String, within limit: Duration) async throws -> PostgresStore {
        try await reach(url, within: limit)
        return try await PostgresStore.open(url: url, maximumConnections: 1)
    }

    /// Returns once the server at `url` answers a connection, even to refuse it (a wrong password
    /// is then said by `open`); throws `unreachable` if it has not within `limit`. Tries again
    /// every tenth of a second, as `PostgresClient` would for as long as a query waits.
    private static func reach(_ url: String, within limit: Duration) async throws {
        // A URL that cannot be used is `open`'s to explain.
        guard let target = try? PostgresURL(url), var configuration = try? target.connectionConfiguration(applicationName: "cabildo-copy")
        else { return }
        let deadline = ContinuousClock.now + limit, logger = Logger(label: "cabildo.copy")
        var id = 0
        while ContinuousClock.now < deadline {
            let left: Double = (deadline - ContinuousClock.now) / .milliseconds(1)
            configuration.options.connectTimeout = .milliseconds(Int64(max(1, left.rounded(.up))))
            id += 1
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
                try? await connection.close()
                return
            } catch let error as PSQLError where error.code == .server {
                return
            } catch {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw Failure.unreachable(server: "\(target.host):\(target.port)", seconds: Int(limit.components.seconds))
    }

    /// Copies `source` into `target`, which must hold no forum row. The caller keeps the source
    /// still (`copy(sqlitePath:to:)` holds its server lock).
    public static func copy(from source: AppDatabase, to target: PostgresStore, batchSize: Int = defaultBatchSize,
                            progress: (Progress) throws -> Void = { _ in }) async throws -> Report {
        let reader = PostgresCopySource(database: source)
        let problems = try await reader.unaccounted()
        guard problems.isEmpty else { throw Failure.unaccounted(problems) }
        let expected = try await reader.counts()
        let searchable = try await reader.searchableCount()
        let sqliteIndex = try await reader.searchIndexCount()
        let batch = max(1, batchSize)

        // A content write like any other: at its commit the shared write generation moves on and
        // every server already on the target is told (`PostgresWriteListener`), so none keeps a
        // page of the empty forum. The rate-limit buckets start empty: SQLite's live in the
        // server's memory, and there is nothing of them to copy.
        return try await target.write { connection in
            let writer = PostgresCopyTarget(connection: connection, logger: target.logger)
            try await writer.lock()
            let full = try await writer.tablesWithRows()
            guard full.isEmpty else { throw Failure.targetNotEmpty(full) }

            for table in PostgresCopyTables.copied {
                let total = expected[table.name] ?? 0
                var done = 0
                var after: [PostgresCopyValue]?
                try progress(Progress(table: table.name, done: 0, total: total))
                while true {
                    let rows = try await reader.rows(table, after: after, limit: batch)
                    guard let last = rows.last else { break }
                    try await rejecting(table.name) { try await writer.insert(rows, into: table) }
                    done += rows.count
                    after = PostgresCopySource.key(of: last, in: table)
                    try progress(Progress(table: table.name, done: done, total: total))
                }
                try await rejecting(table.name) { try await writer.advanceIdentity(of: table) }
            }

            try await rebuildSearch(writer, batch: batch, progress: progress)
            try await rejecting("harvest") {
                try await PostgresHarvestTables.refill(target, connection)
                try await PostgresHarvestTables.refillEndorsements(target, connection)
            }

            var counts: [TableCount] = []
            for table in PostgresCopyTables.copied {
                counts.append(TableCount(table: table.name, sqlite: expected[table.name] ?? 0, postgres: try await writer.count(table)))
            }
            let search = TableCount(table: "post_search", sqlite: searchable, postgres: try await writer.searchRows())
            let differing = (counts + [search]).filter { $0.sqlite != $0.postgres }
            guard differing.isEmpty else { throw Failure.countsDiffer(differing) }
            return Report(tables: counts, search: search, sqliteSearchIndex: sqliteIndex)
        }
    }

    /// The search index, a range of post ids per statement (twenty batches' worth: each row is
    /// one `to_tsvector`, done by the server from the posts already copied).
    private static func rebuildSearch(_ writer: PostgresCopyTarget, batch: Int,
                                      progress: (Progress) throws -> Void) async throws {
        guard let ids = try await writer.postIds() else { return }
        let span = Int64(batch) * 20
        let total = Int(ids.upperBound - ids.lowerBound + 1)
        var start = ids.lowerBound
        while start <= ids.upperBound {
            let end = min(ids.upperBound, start + span - 1)
            try await rejecting("post_search") { try await writer.fillSearch(ids: start...end) }
            try progress(Progress(table: "post_search", done: Int(end - ids.lowerBound + 1), total: total))
            start = end + 1
        }
    }

    /// PostgreSQL's refusal of a statement, as `Failure.rejected` naming the table and the
    /// server's own words (postgres-nio's description of an error hides them).
    private static func rejecting(_ table: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PSQLError {
            guard let message = error.serverInfo?[.message] else { throw PostgresStore.storeError(error) }
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            throw Failure.rejected(table: table, why: message + detail)
        }
    }
}
