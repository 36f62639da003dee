import GRDB

/// Whether a database's schema is exactly the one Cabildo's migrator makes. A backup is a
/// SQLite file, and SQLite runs what its schema holds: a trigger on `sessions` can promote its
/// author at sign-in, one on `moderation_log` can keep actions out of the public log, a view
/// or an altered CHECK can change what a query sees. So a file is compared, object by object,
/// with a database the migrator builds in memory up to the same migration; anything extra,
/// missing or written differently is named.
enum SchemaCheck {
    /// One row of `sqlite_master`, its SQL with whitespace normalized.
    struct Object: Hashable {
        let type: String
        let name: String
        let table: String
        let sql: String?

        /// "trigger promote_on_login on sessions", "table users".
        var label: String { type == "table" || name == table ? "\(type) \(name)" : "\(type) \(name) on \(table)" }
    }

    /// Tables SQLite itself adds when an operator runs ANALYZE: statistics for the query
    /// planner, which run no code. Accepted only with exactly SQLite's own definition.
    private static let sqliteOwn: Set<Object> = [
        Object(type: "table", name: "sqlite_stat1", table: "sqlite_stat1", sql: "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
        Object(type: "table", name: "sqlite_stat4", table: "sqlite_stat4", sql: "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"),
    ]

    /// What differs between `db`'s schema and the migrator's after `applied` (the file's own
    /// list of migrations, all known to this version), in words; empty when they match.
    static func differences(in db: Database, applied: [String]) throws -> [String] {
        let found = try objects(in: db)
        let expected = try reference(upTo: Migrations.migrator.migrations.last { applied.contains($0) })
        var problems: [String] = []
        let expectedByName = Dictionary(expected.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let foundNames = Set(found.map(\.name))
        for object in found.sorted(by: { $0.name < $1.name }) where !sqliteOwn.contains(object) {
            guard let made = expectedByName[object.name] else {
                problems.append("\(object.label) was not made by Cabildo")
                continue
            }
            if made != object { problems.append("\(object.label) differs from the \(made.label) Cabildo makes") }
        }
        for object in expected.sorted(by: { $0.name < $1.name }) where !foundNames.contains(object.name) {
            problems.append("\(object.label) that Cabildo makes is missing")
        }
        return problems
    }

    /// The schema the migrator makes, up to and including `last` (nothing when nil).
    private static func reference(upTo last: String?) throws -> [Object] {
        let queue = try DatabaseQueue(configuration: .hardened())
        if let last { try Migrations.migrator.migrate(queue, upTo: last) }
        return try queue.read(objects)
    }

    private static func objects(in db: Database) throws -> [Object] {
        try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master").map { row in
            Object(type: row["type"], name: row["name"], table: row["tbl_name"], sql: (row["sql"] as String?).map(normalized))
        }
    }

    /// SQLite keeps a CREATE statement as it was typed; runs of whitespace (indentation, line
    /// ends) are closed up so only a change of meaning counts.
    static func normalized(_ sql: String) -> String {
        sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
