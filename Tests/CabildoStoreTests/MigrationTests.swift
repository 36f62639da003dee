import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoStore

/// Migrations that change rows made by earlier versions.
@Suite struct MigrationTests {
    /// Titles were trimmed only at their ends before v6, so old rows can hold line breaks that
    /// would start lines of their own in the Markdown report.
    @Test func v6MakesEveryOldTitleOneLineInTheThreadsTheBoardsAndTheSearchIndex() async throws {
        // given a database at v5 with a board and a thread titled across lines, indexed for search
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-v6-\(UUID().uuidString).sqlite").path
        defer { removeDatabase(at: path) }
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v5-abuse-limits")
        let title = "Tema\n=== APROBADA\r\n# otra\u{2028}línea\u{2029}y\tmás\u{85}\u{1B}fin"
        let (thread, post, reply) = try await queue.write { db in
            try db.execute(sql: "INSERT INTO boards (slug, title_es, title_en, position) VALUES ('viejo', ?, ?, 1)",
                           arguments: ["Tablero\nviejo", "Old\u{2028}board"])
            try db.execute(sql: """
                INSERT INTO users (username, username_key, password_hash, stakeholder, created_at)
                VALUES ('ana', 'ana', '$argon2id$v=19$x', 'academia', 0)
                """)
            try db.execute(sql: "INSERT INTO threads (board_id, author_id, title, created_at, last_post_at) VALUES (1, 1, ?, 0, 0)",
                           arguments: [title])
            let thread = db.lastInsertedRowID
            func post(_ parent: Int64?, _ body: String) throws -> Int64 {
                try db.execute(sql: """
                    INSERT INTO posts (thread_id, parent_id, author_id, body_markdown, body_html, created_at) VALUES (?, ?, 1, ?, '', 0)
                    """, arguments: [thread, parent, body])
                let id = db.lastInsertedRowID
                try db.execute(sql: "INSERT INTO post_search (rowid, title, body) VALUES (?, ?, ?)",
                               arguments: [id, parent == nil ? title : "", body])
                return id
            }
            let opening = try post(nil, "apertura")
            return (thread, opening, try post(opening, "una\nrespuesta"))
        }
        try queue.close()

        // when this version opens it
        let store = try AppDatabase.open(path: path)

        // then every line break and control character is a space, and nothing else changed
        let cleaned = "Tema === APROBADA  # otra línea y más  fin"
        #expect(try await store.thread(id: thread)?.title == cleaned)
        let board = try #require(try await store.board(slug: "viejo"))
        #expect((board.titleES, board.titleEN) == ("Tablero viejo", "Old board"))
        let (rows, titles, bodies) = try await store.writer.read { db in
            (try Int64.fetchAll(db, sql: "SELECT rowid FROM post_search ORDER BY rowid"),
             try String.fetchAll(db, sql: "SELECT title FROM post_search ORDER BY rowid"),
             try String.fetchAll(db, sql: "SELECT body FROM post_search ORDER BY rowid"))
        }
        #expect(rows == [post, reply])
        #expect(titles == [cleaned, ""])
        #expect(bodies == ["apertura", "una\nrespuesta"], "bodies keep their lines")
        #expect(try await store.search("aprobada", limit: 10).map(\.postId) == [post])
    }

    /// v8 gives sessions an id and a User-Agent column by rebuilding the table: a member signed
    /// in before the upgrade stays signed in after it.
    @Test func v8KeepsEverySessionSignedIn() async throws {
        // given a database at v7 with a member signed in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-v8-\(UUID().uuidString).sqlite").path
        defer { removeDatabase(at: path) }
        let hash = Tokens.sha256("a session token")
        let now = Date()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v7-post-stakeholder")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO users (username, username_key, password_hash, stakeholder, created_at)
                    VALUES ('ana', 'ana', '$argon2id$v=19$x', 'academia', 0)
                    """)
                try db.execute(sql: "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, 1, ?, ?)",
                               arguments: [hash, now.unixSeconds, now.unixSeconds])
            }
        }

        // when the server opens it
        let store = try AppDatabase.open(path: path)

        // then the session still signs her in, and is listed with an id and no browser name
        #expect(try await store.sessionUser(tokenHash: hash, now: now, idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off)?.username == "ana")
        let sessions = try await store.sessions(userId: 1, current: hash)
        #expect(sessions.count == 1)
        #expect(sessions.first?.isCurrent == true)
        #expect(sessions.first?.userAgent == "")
    }

    /// v10 adds `closed_at` to accounts made before it (written against v8, so it runs before or
    /// after the two-factor migration): they open as before and can be closed, and the schema
    /// itself keeps a closed account from holding a role.
    @Test func v10LeavesOldAccountsOpenAndACheckKeepsClosedOnesWithoutARole() async throws {
        // given a database at v8 with an admin and a member signed in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-v10-\(UUID().uuidString).sqlite").path
        defer { removeDatabase(at: path) }
        let hash = Tokens.sha256("a session token")
        let now = Date()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v8-session-devices")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO users (username, username_key, password_hash, role, stakeholder, created_at)
                    VALUES ('jefa', 'jefa', '$argon2id$v=19$x', 'admin', 'academia', 0),
                           ('ana', 'ana', '$argon2id$v=19$y', 'member', 'academia', 0)
                    """)
                try db.execute(sql: "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, 2, ?, ?)",
                               arguments: [hash, now.unixSeconds, now.unixSeconds])
            }
        }

        // when the server opens it
        let store = try AppDatabase.open(path: path)

        // then both accounts are open, and she is still signed in
        #expect(try await store.user(id: 1)?.isClosed == false)
        #expect(try await store.sessionUser(tokenHash: hash, now: now, idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off)?.username == "ana")

        // when she closes hers, she is signed out, her password no longer signs her in, and her name stays taken
        try await store.closeAccount(userId: 2, removingText: false, at: now)
        #expect(try await store.user(id: 2)?.closedAt == Date(unixSeconds: now.unixSeconds))
        #expect(try await store.sessionUser(tokenHash: hash, now: now, idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off) == nil)
        #expect(try await store.credentials(usernameKey: "ana") == nil)
        await #expect(throws: StoreError.usernameTaken) {
            try await store.createUser(NewUser(username: "Ana", passwordHash: "$argon2id$v=19$z", role: .member,
                                               stakeholder: .academia, createdAt: now))
        }
        // and the only admin cannot close hers
        await #expect(throws: StoreError.lastAdmin) { try await store.closeAccount(userId: 1, removingText: false, at: now) }
        // and no write can give a closed account a role
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { db in try db.execute(sql: "UPDATE users SET role = 'admin' WHERE id = 2") }
        }
    }
}

