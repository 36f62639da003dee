import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoStore

@Suite final class StoreTests {
    let store: AppDatabase

    init() async throws {
        store = try AppDatabase.temporary()
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
    }

    deinit { removeDatabase(at: store.path) }

    func member(_ name: String = "ana") async throws -> User {
        try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: .member,
                                           stakeholder: .academia, createdAt: Date()))
    }

    @Test func seedsTheSixBoardsOnce() async throws {
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let boards = try await store.boards()
        #expect(boards.map(\.slug) == BoardSeed.panelThemes.map(\.slug))
        #expect(boards[1].titleES == "Protección de los datos e información de los usuarios de Internet")
    }

    @Test func theSchemaRefusesBadRows() async throws {
        let user = try await member()
        try await store.writer.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE users SET role = 'king' WHERE id = ?", arguments: [user.id])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE users SET password_hash = 'plaintext' WHERE id = ?", arguments: [user.id])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO threads (board_id, author_id, title, created_at, last_post_at) VALUES (1, ?, 'x', 0, 0)",
                               arguments: [user.id])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO threads (board_id, author_id, title, created_at, last_post_at) VALUES (99, ?, 'valid title', 0, 0)",
                               arguments: [user.id])
            }
        }
    }

    @Test func usernamesAreUniqueByKey() async throws {
        _ = try await member("Ana")
        await #expect(throws: StoreError.usernameTaken) { _ = try await member("ANA") }
    }

    @Test func usernamesAreUniqueByLookalikeSkeleton() async throws {
        _ = try await member("copy")
        // сору: every letter Cyrillic
        await #expect(throws: StoreError.usernameTaken) { _ = try await member("\u{441}\u{43E}\u{440}\u{443}") }
        _ = try await member("copia")
    }

    /// Accounts made before `v4-username-skeleton` get their skeleton when the database opens.
    @Test func openingAnOlderDatabaseFillsTheSkeletonsOfItsAccounts() async throws {
        // given a database at v3 with one account
        let path = store.path + "-v3.sqlite"
        defer { removeDatabase(at: path) }
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: "v3-harvest")
        try await old.write { db in
            try db.execute(sql: """
                INSERT INTO users (username, username_key, password_hash, role, stakeholder, created_at)
                VALUES ('Wilmer', 'wilmer', '$argon2id$v=19$x', 'member', 'academia', 0)
                """)
        }
        try old.close()
        // when this version opens it
        let upgraded = try AppDatabase.open(path: path)
        // then
        let skeleton = try await upgraded.writer.read { db in try String.fetchOne(db, sql: "SELECT name_skeleton FROM users") }
        #expect(skeleton == UsernameSkeleton.of("Wilmer"))
        await #expect(throws: StoreError.usernameTaken) {
            _ = try await upgraded.createUser(NewUser(username: "vvilmer", passwordHash: "$argon2id$v=19$x", role: .member,
                                                      stakeholder: .academia, createdAt: Date()))
        }
    }

    @Test func threadsAndRepliesKeepTheCountersAndBumpOrder() async throws {
        let user = try await member()
        let board = try #require(try await store.board(slug: "banda-ancha"))
        let first = try await store.createThread(NewThread(boardId: board.id, authorId: user.id, title: "Primer hilo",
                                                           markdown: "a", html: "<p>a</p>", createdAt: Date()))
        let second = try await store.createThread(NewThread(boardId: board.id, authorId: user.id, title: "Segundo hilo",
                                                            markdown: "b", html: "<p>b</p>", createdAt: Date()))
        _ = try await store.createReply(NewReply(threadId: first.threadId, parentId: nil, authorId: user.id,
                                                 markdown: "c", html: "<p>c</p>", createdAt: Date()))
        let page = try await store.threads(boardId: board.id, before: nil, limit: 10)
        #expect(page.map(\.id) == [first.threadId, second.threadId], "a reply bumps its thread")
        #expect(page[0].replyCount == 1)
        let counted = try #require(try await store.board(slug: "banda-ancha"))
        #expect(counted.threadCount == 2 && counted.postCount == 3)
        let older = try await store.threads(boardId: board.id, before: page[0].lastPostId, limit: 10)
        #expect(older.map(\.id) == [second.threadId])
    }

    @Test func sessionsStoreOnlyTheHashAndExpire() async throws {
        let user = try await member()
        let token = Tokens.random()
        let now = Date()
        try await store.createSession(tokenHash: Tokens.sha256(token), userId: user.id, userAgent: "", at: now)
        let stored = try await store.writer.read { db in try Data.fetchAll(db, sql: "SELECT token_hash FROM sessions") }
        #expect(stored == [Tokens.sha256(token)])
        #expect(!stored.contains(Data(token.utf8)))
        let found = try await store.sessionUser(tokenHash: Tokens.sha256(token), now: now, idleLimit: 3600, absoluteLimit: 7200, twoFactorRule: .off)
        #expect(found?.id == user.id)
        let idle = try await store.sessionUser(tokenHash: Tokens.sha256(token), now: now.addingTimeInterval(3601),
                                               idleLimit: 3600, absoluteLimit: 7200, twoFactorRule: .off)
        #expect(idle == nil)
        #expect(try await store.sessionUser(tokenHash: Tokens.sha256(token), now: now, idleLimit: 3600, absoluteLimit: 7200, twoFactorRule: .off) == nil,
                "an expired session is deleted")
    }

    @Test func sessionsHaveAnAbsoluteLifetime() async throws {
        let user = try await member()
        let hash = Tokens.sha256(Tokens.random())
        let start = Date()
        try await store.createSession(tokenHash: hash, userId: user.id, userAgent: "", at: start)
        // Touched every 30 minutes, it still ends after the absolute limit.
        var now = start
        for _ in 0..<3 {
            now = now.addingTimeInterval(1800)
            #expect(try await store.sessionUser(tokenHash: hash, now: now, idleLimit: 3600, absoluteLimit: 7000, twoFactorRule: .off) != nil)
        }
        now = now.addingTimeInterval(1800)
        #expect(try await store.sessionUser(tokenHash: hash, now: now, idleLimit: 3600, absoluteLimit: 7000, twoFactorRule: .off) == nil)
    }

    @Test func searchFoldsAccentsAndQuotesUserInput() async throws {
        let user = try await member()
        let board = try #require(try await store.board(slug: "proteccion-de-datos"))
        _ = try await store.createThread(NewThread(boardId: board.id, authorId: user.id, title: "Protección de datos",
                                                   markdown: "La información personal", html: "", createdAt: Date()))
        #expect(try await store.search("proteccion", limit: 10).count == 1)
        #expect(try await store.search("INFORMACION", limit: 10).count == 1)
        #expect(try await store.search("informa*", limit: 10).count == 1)
        #expect(try await store.search("\" OR ( NEAR", limit: 10).isEmpty)
        #expect(AppDatabase.ftsPattern("a \"b\" cob*") == "\"a\" \"b\" \"cob\"*")
    }

    @Test func aCommonWordRanksOnlyItsNewestMatches() async throws {
        let user = try await member()
        let created = try await store.createThread(NewThread(boardId: 1, authorId: user.id, title: "Cobertura cobertura cobertura",
                                                             markdown: "cobertura cobertura cobertura", html: "", createdAt: Date()))
        var replies: [Int64] = []
        for n in 0..<(AppDatabase.rankedCandidates + 20) {
            replies.append(try await store.createReply(NewReply(threadId: created.threadId, parentId: nil, authorId: user.id,
                                                                markdown: "cobertura en el municipio \(n)", html: "", createdAt: Date())))
        }
        let hits = try await store.search("cobertura", limit: 50)
        #expect(hits.count == 50)
        let newest = Set(replies.suffix(AppDatabase.rankedCandidates))
        #expect(hits.allSatisfy { newest.contains($0.postId) }, "only the newest matches are ranked")
        #expect(!hits.contains { $0.postId == created.postId }, "the oldest, however relevant, waits for a narrower query")
        #expect(try await store.search("cobertura municipio 3", limit: 50).contains { $0.postId == replies[3] })
    }

    @Test func theServerKeyIsMadeOnceAndKept() async throws {
        let key = try await store.serverKey()
        #expect(key.count == 32)
        #expect(try await store.serverKey() == key)
    }
}
