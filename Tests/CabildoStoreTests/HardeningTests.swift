import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoStore

/// Every connection treats the database file as untrusted input.
@Suite struct HardeningTests {
    @Test func everyConnectionDistrustsTheSchemaAndRunsInDefensiveMode() async throws {
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }
        // A reader and the writer both: each pooled connection is prepared the same way.
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA trusted_schema") } == 0)
        try await store.writer.write { db in
            #expect(try Int.fetchOne(db, sql: "PRAGMA trusted_schema") == 0)
            // Defensive mode: SQL cannot rewrite the schema, nor write the search index's
            // shadow tables around FTS5.
            try db.execute(sql: "PRAGMA writable_schema = ON")
            defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'CHECK', '') WHERE name = 'users'")
            }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM post_search_data") }
        }
    }
}
