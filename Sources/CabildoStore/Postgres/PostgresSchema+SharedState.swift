extension PostgresSchema {
    /// What several servers on one database must share and SQLite's single server keeps in its
    /// memory (issue 19): the write generation that tells every server its kept pages are stale
    /// (`PostgresWriteListener`), and the rate-limit buckets (`SharedRateBuckets`), so a brute
    /// force spread over servers meets one limit. Neither is forum content: `cabildo copy`
    /// leaves both as they start.
    static let sharedState = [
        """
        CREATE TABLE write_generation (
            id smallint PRIMARY KEY CHECK (id = 1),
            value bigint NOT NULL
        )
        """,
        "INSERT INTO write_generation (id, value) VALUES (1, 0)",
        """
        CREATE TABLE rate_buckets (
            kind smallint NOT NULL,
            name text NOT NULL,
            tokens double precision NOT NULL,
            updated double precision NOT NULL,
            full_at double precision NOT NULL,
            PRIMARY KEY (kind, name)
        )
        """,
        "CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at)",
    ]
}
