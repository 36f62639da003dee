import Foundation
import GRDB
import Testing
@testable import CabildoStore

/// `schemaColumns` is what `/privacy` is checked against (`PrivacyTests`): it must see every
/// column a migration adds, and nothing SQLite keeps for itself.
@Suite struct SchemaColumnsTests {
    @Test func listsEveryTablesColumnsAndTheSearchIndexOnlyByItsOwnColumns() async throws {
        // given a freshly migrated database
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }

        // when its columns are listed
        let columns = try await store.schemaColumns()

        // then ordinary tables, GRDB's and the search index appear; shadow and internal tables do not
        #expect(columns.contains("users.password_hash") && columns.contains("sessions.user_agent"))
        #expect(columns.contains("grdb_migrations.identifier"))
        #expect(columns.filter { $0.hasPrefix("post_search.") } == ["post_search.body", "post_search.title"])
        let shadows = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'post\\_search\\_%' ESCAPE '\\'")
        }
        #expect(!shadows.isEmpty, "FTS5 keeps its index in shadow tables")
        #expect(!columns.contains { column in shadows.contains { column.hasPrefix($0 + ".") } })
        #expect(!columns.contains { $0.hasPrefix("sqlite_") })
        #expect(columns == columns.sorted())
    }

    @Test func aColumnAddedLaterIsListed() async throws {
        // given a database where something added a column and a table
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }
        let before = try await store.schemaColumns()
        try await store.writer.write { db in
            try db.execute(sql: "ALTER TABLE users ADD COLUMN phone TEXT; CREATE TABLE visits (address TEXT)")
        }

        // then both are listed
        #expect(Set(try await store.schemaColumns()).subtracting(before) == ["users.phone", "visits.address"])
    }
}
