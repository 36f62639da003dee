import Foundation
import PostgresNIO

/// The PostgreSQL side of `cabildo copy`, every statement on the one connection of the copy's
/// one transaction. Table and column names come from `PostgresCopyTables` alone; every value is
/// a bound parameter.
struct PostgresCopyTarget {
    let connection: PostgresConnection
    let logger: Logger

    /// The lock servers migrate under (`PostgresMigrations.lockKey`), held until the copy commits
    /// or rolls back: a second copy waits, then finds the target full; a server started on the
    /// target meanwhile waits in its migrations, rather than finding it empty and seeding the six
    /// boards beside the rows being copied.
    func lock() async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
    }

    /// The forum's tables that already hold a row (the copied tables and the search index).
    func tablesWithRows() async throws -> [String] {
        let names = PostgresCopyTables.copied.map(\.name) + ["post_search"]
        let sql = names.map { "SELECT '\($0)' AS name WHERE EXISTS (SELECT 1 FROM \($0))" }.joined(separator: " UNION ALL ")
        return try await connection.all(PostgresQuery(unsafeSQL: sql), logger: logger) { try $0.string("name") }
    }

    /// One multi-row INSERT of `rows`, each as `table.columns` lists them.
    func insert(_ rows: [[PostgresCopyValue]], into table: PostgresCopyTables.Table) async throws {
        guard !rows.isEmpty else { return }
        var binds = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for value in row {
                try value.bind(into: &binds)
                placeholders.append("$\(binds.count)")
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ")
        try await connection.run(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    /// Moves the identity sequence of `table.id` past the largest id copied, so the next row
    /// the forum writes gets a fresh id (rows were inserted with their ids, which leaves the
    /// sequence where it was). An empty table keeps its sequence at the start.
    func advanceIdentity(of table: PostgresCopyTables.Table) async throws {
        guard table.identity else { return }
        var binds = PostgresBindings()
        binds.append(table.name)
        try await connection.run(PostgresQuery(unsafeSQL: """
            SELECT setval(pg_get_serial_sequence($1, 'id'), max(id)) FROM \(table.name) HAVING max(id) IS NOT NULL
            """, binds: binds), logger: logger)
    }

    /// Fills PostgreSQL's search index (`post_search`, pg2-search) for the posts with ids in
    /// `ids`: every post search finds (published, not hidden, not deleted), the opening post
    /// carrying its thread's title, as `createThread` and `createReply` write them.
    func fillSearch(ids: ClosedRange<Int64>) async throws {
        try await connection.run("""
            INSERT INTO post_search (post_id, title, body)
            SELECT p.id, CASE WHEN p.parent_id IS NULL THEN t.title ELSE '' END, p.body_markdown
            FROM posts p JOIN threads t ON t.id = p.thread_id
            WHERE p.id BETWEEN \(ids.lowerBound) AND \(ids.upperBound) AND NOT p.held AND p.hidden_at IS NULL AND p.deleted_at IS NULL
            """, logger: logger)
    }

    /// The smallest and largest post id, nil when there are no posts.
    func postIds() async throws -> ClosedRange<Int64>? {
        try await connection.one("SELECT min(id) AS first, max(id) AS last FROM posts", logger: logger) { row in
            guard let first = try row.optionalInt64("first"), let last = try row.optionalInt64("last") else { return nil }
            return first...last
        } ?? nil
    }

    /// Rows of `table` as this transaction sees them.
    func count(_ table: PostgresCopyTables.Table) async throws -> Int {
        try await count(from: table.name)
    }

    /// Rows of the search index as this transaction sees them.
    func searchRows() async throws -> Int {
        try await count(from: "post_search")
    }

    private func count(from name: String) async throws -> Int {
        try await connection.one(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(name)"), logger: logger) {
            try $0.int("n")
        } ?? 0
    }
}

extension PostgresCopyValue {
    func bind(into binds: inout PostgresBindings) throws {
        switch self {
        case .null: binds.appendNull()
        case .integer(let number): binds.append(number)
        case .text(let text): binds.append(text)
        case .blob(let bytes): try binds.append(bytes)
        case .flag(let on): binds.append(on)
        }
    }
}
