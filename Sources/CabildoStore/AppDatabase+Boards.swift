import CabildoCore
import GRDB

extension AppDatabase {
    public func boards() async throws -> [Board] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM boards ORDER BY archived, position, id").map(Board.init(row:))
        }
    }

    public func board(slug: String) async throws -> Board? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM boards WHERE slug = ?", arguments: [slug]).map(Board.init(row:))
        }
    }

    public func board(id: Int64) async throws -> Board? {
        try await read { db in try Self.fetchBoard(db, id: id) }
    }

    static func fetchBoard(_ db: Database, id: Int64) throws -> Board? {
        try Row.fetchOne(db, sql: "SELECT * FROM boards WHERE id = ?", arguments: [id]).map(Board.init(row:))
    }

    public func seedBoardsIfEmpty(_ seeds: [BoardSeed]) async throws {
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM boards") == 0 else { return }
            for (position, seed) in seeds.enumerated() {
                try db.execute(
                    sql: "INSERT INTO boards (slug, title_es, title_en, position) VALUES (?, ?, ?, ?)",
                    arguments: [seed.slug, seed.titleES, seed.titleEN, position + 1]
                )
            }
        }
    }
}

extension Board {
    init(row: Row) {
        self.init(
            id: row["id"], slug: row["slug"], titleES: row["title_es"], titleEN: row["title_en"],
            archived: row["archived"], threadCount: row["thread_count"], postCount: row["post_count"],
            lastPostAt: row.optionalDate("last_post_at")
        )
    }
}
