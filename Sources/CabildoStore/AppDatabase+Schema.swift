import GRDB

extension AppDatabase {
    /// Every column of every table the database holds, as `table.column`, sorted: what
    /// `/privacy` must account for (`PrivacyInventory`, checked by `PrivacyTests`).
    ///
    /// Tables come from `pragma_table_list`, which classifies them for us: SQLite's own
    /// (`sqlite_*`) are left out, and so are the shadow tables of the full-text index
    /// (`post_search_data`, `_idx`, `_content`, `_docsize`, `_config`): they hold the same text
    /// as `post_search`, in index form. The virtual table `post_search` itself is listed with
    /// the columns it declares (`title`, `body`), so the index is accounted for once, by what
    /// it copies. GRDB's `grdb_migrations` is an ordinary table and is listed like the others.
    public func schemaColumns() async throws -> [String] {
        try await read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM pragma_table_list
                WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                ORDER BY name
                """)
            var columns: [String] = []
            for table in tables {
                let names = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                columns += names.map { table + "." + $0 }
            }
            return columns.sorted()
        }
    }
}
