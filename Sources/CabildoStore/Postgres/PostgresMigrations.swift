import PostgresNIO

/// PostgreSQL's own append-only, named migrations (`PostgresSchema`), recorded in
/// `cabildo_migrations`. A shipped migration is never edited: add a new one.
///
/// Each migration runs in its own transaction that first takes one transaction-scoped advisory
/// lock, then looks whether the migration is already recorded: servers starting together queue
/// on the lock, the first applies the migration, the others find it done. A failing migration
/// rolls back whole and stops the server with the database as it was. The table itself is
/// created under the same lock, since two concurrent `CREATE TABLE IF NOT EXISTS` can collide.
enum PostgresMigrations {
    /// Any fixed number: the key of the advisory lock all Cabildo servers migrate under.
    static let lockKey: Int64 = 0x6361_6269_6C64_6F00

    struct Newer: Error, CustomStringConvertible {
        let unknown: [String]
        var description: String {
            "the database was migrated by a newer Cabildo (\(unknown.joined(separator: ", "))); upgrade this server"
        }
    }

    static func migrate(_ store: PostgresStore, _ migrations: [PostgresSchema.Migration] = PostgresSchema.migrations) async throws {
        let known = Set(migrations.map(\.identifier))
        for migration in migrations {
            try await store.write(changes: .nothing) { connection in
                try await connection.run("SELECT pg_advisory_xact_lock(\(lockKey))", logger: store.logger)
                try await connection.run("""
                    CREATE TABLE IF NOT EXISTS cabildo_migrations (
                        identifier text PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: store.logger)
                let applied = try await connection.all("SELECT identifier FROM cabildo_migrations", logger: store.logger) {
                    try $0.string("identifier")
                }
                let unknown = applied.filter { !known.contains($0) }
                guard unknown.isEmpty else { throw Newer(unknown: unknown.sorted()) }
                guard !applied.contains(migration.identifier) else { return }
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
                try await migration.fill?(store, connection)
                try await connection.run("INSERT INTO cabildo_migrations (identifier) VALUES (\(migration.identifier))",
                                         logger: store.logger)
            }
        }
    }

    /// The migrations recorded, in the order they were applied.
    static func applied(_ store: PostgresStore) async throws -> [String] {
        try await store.read { connection in
            try await connection.all("SELECT identifier FROM cabildo_migrations ORDER BY applied_at, identifier",
                                     logger: store.logger) { try $0.string("identifier") }
        }
    }
}
