import CSQLiteDefensive
import GRDB

extension Configuration {
    /// GRDB's configuration for every connection Cabildo opens: the live database, a backup
    /// being written, a file offered to `cabildo restore`. A database file is input like any
    /// other: a backup from elsewhere can carry triggers and views, and SQLite runs them.
    /// `trusted_schema = OFF` keeps functions and virtual tables with side effects out of
    /// triggers, views, CHECKs and indexes; defensive mode refuses `writable_schema`, direct
    /// writes to the search index's shadow tables and the other ways SQL can corrupt the file.
    /// (The schema itself is checked against what the migrator makes: `SchemaCheck`.)
    static func hardened() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA trusted_schema = OFF")
            let code = ResultCode(rawValue: cabildo_sqlite3_enable_defensive(db.sqliteConnection))
            guard code == .SQLITE_OK else {
                throw DatabaseError(resultCode: code, message: "SQLite's defensive mode could not be turned on")
            }
        }
        return configuration
    }
}
