import Foundation
import GRDB

/// The SQLite side of `cabildo copy`: what the database holds, read a batch at a time. The
/// forum is stopped (the copy holds its `ServerLock`), so batches read one after another see
/// one unchanging database.
struct PostgresCopySource: Sendable {
    let database: AppDatabase

    /// Why this database cannot be copied as `PostgresCopyTables` describes it, in words; empty
    /// when every table is accounted for and every copied table has exactly the listed columns.
    func unaccounted() async throws -> [String] {
        try await database.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            let copied = Dictionary(uniqueKeysWithValues: PostgresCopyTables.copied.map { ($0.name, $0) })
            var problems: [String] = []
            for name in tables {
                guard let table = copied[name] else {
                    if PostgresCopyTables.skipped[name] == nil { problems.append("table \(name) is neither copied nor skipped") }
                    continue
                }
                let found = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
                let listed = table.columns.map(\.name)
                let unknown = found.filter { !listed.contains($0) }
                let missing = listed.filter { !found.contains($0) }
                if !unknown.isEmpty { problems.append("\(name) has columns the copy does not know: " + unknown.joined(separator: ", ")) }
                if !missing.isEmpty { problems.append("\(name) lacks columns the copy expects: " + missing.joined(separator: ", ")) }
            }
            for table in PostgresCopyTables.copied where !tables.contains(table.name) {
                problems.append("table \(table.name) is missing")
            }
            return problems
        }
    }

    /// Rows of every copied table, by name.
    func counts() async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for table in PostgresCopyTables.copied {
                counts[table.name] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
            }
            return counts
        }
    }

    /// How many posts search finds: published (not held), not hidden, not deleted. These are
    /// the rows SQLite's writes keep in its index (`changePost`, `removeText`), and the rows the
    /// copy rebuilds in PostgreSQL's.
    func searchableCount() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM posts WHERE held = 0 AND hidden_at IS NULL AND deleted_at IS NULL") ?? 0
        }
    }

    /// The rows of SQLite's own index, to tell the operator when it had drifted from its posts.
    func searchIndexCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM post_search") ?? 0 }
    }

    /// Up to `limit` rows of `table` in key order, those after the key `after` (nil: from the
    /// first), each value checked against its column's kind.
    func rows(_ table: PostgresCopyTables.Table, after: [PostgresCopyValue]?,
              limit: Int) async throws -> [[PostgresCopyValue]] {
        let columns = table.columns.map(\.name).joined(separator: ", ")
        let key = table.key.joined(separator: ", ")
        var sql = "SELECT \(columns) FROM \(table.name)"
        if let after { sql += " WHERE (\(key)) > (\(after.map { _ in "?" }.joined(separator: ", ")))" }
        sql += " ORDER BY \(key) LIMIT ?"
        let query = sql
        return try await database.read { db in
            let arguments = StatementArguments((after ?? []).map(\.sqliteValue) + [limit.databaseValue])
            return try Row.fetchAll(db, sql: query, arguments: arguments).map { row in
                try table.columns.enumerated().map { index, column in
                    try Self.value(row[index] as DatabaseValue, column, table: table, row: row)
                }
            }
        }
    }

    /// The key of a row that `rows` returned, to read the next batch from.
    static func key(of row: [PostgresCopyValue], in table: PostgresCopyTables.Table) -> [PostgresCopyValue] {
        table.keyIndices.map { row[$0] }
    }

    /// SQLite's value as the column's kind, or `PostgresCopy.Failure.badValue`: SQLite stores
    /// what it is given, so a text in an integer column or a flag other than 0 or 1 is named
    /// rather than sent. A NUL, which PostgreSQL's text cannot hold, is refused too, though GRDB
    /// reads a text only up to its first NUL (as the forum itself shows it).
    private static func value(_ value: DatabaseValue, _ column: PostgresCopyTables.Column, table: PostgresCopyTables.Table,
                              row: Row) throws -> PostgresCopyValue {
        func bad(_ why: String) -> PostgresCopy.Failure {
            let key = table.key.map { "\($0) \(describe(row[$0] as DatabaseValue))" }.joined(separator: ", ")
            return .badValue(table: table.name, column: column.name, row: key, why: why)
        }
        switch (column.kind, value.storage) {
        case (_, .null): return .null
        case (.integer, .int64(let number)): return .integer(number)
        case (.flag, .int64(let number)):
            guard number == 0 || number == 1 else { throw bad("a flag must be 0 or 1, found \(number)") }
            return .flag(number == 1)
        case (.text, .string(let text)):
            guard !text.unicodeScalars.contains("\0") else { throw bad("the text holds a NUL character, which PostgreSQL cannot store") }
            return .text(text)
        case (.blob, .blob(let bytes)): return .blob(bytes)
        default: throw bad("expected \(column.kind), found \(describe(value))")
        }
    }

    private static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return String(number)
        case .double(let number): return "the real number \(number)"
        case .string(let text): return "the text '\(text.prefix(40))'"
        case .blob(let bytes): return "the blob x'" + bytes.prefix(8).map { String(format: "%02x", $0) }.joined() + "…'"
        }
    }
}

extension PostgresCopyValue {
    /// The value bound back into SQLite, as the key to read on from.
    var sqliteValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes): return bytes.databaseValue
        case .flag(let on): return on.databaseValue
        }
    }
}
