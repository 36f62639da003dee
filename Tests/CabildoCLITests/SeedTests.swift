import CabildoCore
import CabildoStore
import Foundation
import GRDB
import Testing
@testable import CabildoCLI

/// `cabildo seed --demo`: what it writes must look to every page exactly like a forum grown post by post.
@Suite(.serialized) final class SeedTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-seed-\(UUID().uuidString)").path

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func file(_ name: String) -> String { folder + "/" + name }

    /// The seeded file read directly, to recount what the counters claim.
    func rawDatabase(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    func count(_ db: DatabaseQueue, _ sql: String) throws -> Int {
        try db.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func bodies(_ db: DatabaseQueue, limit: Int) throws -> [(String, String)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT body_markdown, body_html FROM posts ORDER BY id LIMIT ?", arguments: [limit])
                .map { ($0[0], $0[1]) }
        }
    }

    @Test func twoThousandPostsWithCountersTreesAndProposalsAsTheAppWouldLeaveThem() async throws {
        // given a fresh file
        let path = file("demo.sqlite")

        // when
        let output = try await cabildo(["seed", "--demo", "--posts", "2000", "--seed", "7", "--database", path])

        // then
        #expect(output.contains { $0.hasPrefix("seeded 2000 posts in 100 threads by 40 users in ") })
        let db = try rawDatabase(path)
        #expect(try count(db, "SELECT COUNT(*) FROM posts") == 2000)
        #expect(try count(db, "SELECT COUNT(*) FROM threads") == 100)
        #expect(try count(db, "SELECT COUNT(DISTINCT stakeholder) FROM users") == Stakeholder.allCases.count)
        #expect(try count(db, "SELECT COUNT(*) FROM users WHERE role = 'moderator'") == 2)
        #expect(try count(db, "SELECT COUNT(*) FROM users WHERE username = 'demo-comite' AND role = 'committee'") == 1)
        #expect(try count(db, "SELECT COUNT(DISTINCT board_id) FROM threads") == BoardSeed.panelThemes.count)

        // Boards: counters equal to a recount.
        #expect(try count(db, """
            SELECT COUNT(*) FROM boards b WHERE thread_count != (SELECT COUNT(*) FROM threads WHERE board_id = b.id AND listed = 1)
               OR post_count != (SELECT COUNT(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.board_id = b.id)
               OR last_post_at IS NOT (SELECT max(p.created_at) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.board_id = b.id)
            """) == 0)
        #expect(try count(db, "SELECT sum(post_count) FROM boards") == 2000)
        // Threads: listed, created with their opening post, bumped by their latest post.
        #expect(try count(db, """
            SELECT COUNT(*) FROM threads t WHERE listed != 1
               OR reply_count != (SELECT COUNT(*) - 1 FROM posts WHERE thread_id = t.id)
               OR last_post_id != (SELECT max(id) FROM posts WHERE thread_id = t.id)
               OR last_post_at != (SELECT created_at FROM posts WHERE id = t.last_post_id)
               OR created_at != (SELECT created_at FROM posts WHERE thread_id = t.id AND parent_id IS NULL)
            """) == 0)
        #expect(try count(db, "SELECT sum(reply_count + 1) FROM threads") == 2000)
        #expect(try count(db, "SELECT max(reply_count) FROM threads") >= 20)
        // Trees: one opening post per thread, first in its thread; every reply answers an earlier post of its own thread.
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE parent_id IS NULL") == 100)
        #expect(try count(db, """
            SELECT COUNT(*) FROM posts p WHERE parent_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM posts q WHERE q.id = p.parent_id AND q.thread_id = p.thread_id AND q.id < p.id)
            """) == 0)
        #expect(try count(db, """
            SELECT COUNT(*) FROM posts p WHERE parent_id IS NULL AND id != (SELECT min(id) FROM posts WHERE thread_id = p.thread_id)
            """) == 0)
        // Some replies answer replies, and chains go deep.
        #expect(try count(db, "SELECT COUNT(*) FROM posts p JOIN posts q ON q.id = p.parent_id WHERE q.parent_id IS NOT NULL") > 200)
        #expect(try count(db, """
            WITH RECURSIVE depth(id, level) AS (
                SELECT id, 0 FROM posts WHERE parent_id IS NULL
                UNION ALL SELECT p.id, d.level + 1 FROM posts p JOIN depth d ON p.parent_id = d.id)
            SELECT max(level) FROM depth
            """) >= 5)
        // Time: in id order, within the last 60 days.
        #expect(try count(db, "SELECT COUNT(*) FROM (SELECT created_at - lag(created_at) OVER (ORDER BY id) AS step FROM posts) WHERE step < 0") == 0)
        let now = Int(Date().timeIntervalSince1970)
        #expect(try count(db, "SELECT min(created_at) FROM posts") >= now - 60 * 86_400 - 60)
        #expect(try count(db, "SELECT max(created_at) FROM posts") <= now)
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE held = 1 OR hidden_at IS NOT NULL OR deleted_at IS NOT NULL") == 0)

        // Proposals: about one thread in ten, endorsed from several groups, counts matching, each group as it was.
        #expect(try count(db, "SELECT COUNT(*) FROM threads WHERE proposal = 1") == 10)
        #expect(try count(db, "SELECT COUNT(*) FROM endorsements") > 10)
        #expect(try count(db, """
            SELECT COUNT(*) FROM threads t WHERE endorsement_count != (SELECT COUNT(*) FROM endorsements WHERE thread_id = t.id)
            """) == 0)
        #expect(try count(db, "SELECT COUNT(*) FROM endorsements e JOIN threads t ON t.id = e.thread_id WHERE t.proposal = 0") == 0)
        #expect(try count(db, "SELECT COUNT(*) FROM endorsements e JOIN users u ON u.id = e.user_id WHERE e.stakeholder != u.stakeholder") == 0)
        #expect(try count(db, """
            SELECT COUNT(*) FROM (SELECT thread_id FROM endorsements GROUP BY thread_id HAVING COUNT(DISTINCT stakeholder) >= 2)
            """) >= 2)
        #expect(try count(db, "SELECT COUNT(*) FROM endorsements e JOIN threads t ON t.id = e.thread_id WHERE e.created_at < t.created_at") == 0)

        // Text: Spanish with accents and Markdown, rendered as the app renders it.
        for (markdown, html) in try bodies(db, limit: 300) {
            #expect(Markdown.render(markdown) == html)
        }
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<strong>%'") > 50)
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<ul>%'") > 20)
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<a rel=\"nofollow ugc noopener\" href=\"https://example.org/%'") > 20)
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE body_markdown LIKE '%ó%' OR body_markdown LIKE '%í%'") > 1000)

        // Search: the index holds every post (titles on opening posts) and folds accents.
        #expect(try count(db, "SELECT COUNT(*) FROM post_search") == 2000)
        #expect(try count(db, "SELECT COUNT(*) FROM post_search WHERE title != ''") == 100)
        let store = try AppDatabase.open(path: path)
        let plain = try await store.search("proteccion", limit: 50).map(\.postId)
        let accented = try await store.search("protección", limit: 50).map(\.postId)
        #expect(!plain.isEmpty && plain == accented)
        let folded = try await store.search("trafico", limit: 5)
        #expect(!folded.isEmpty)

        // Departments for the harvest's reach, about half from the department of Guatemala, and the 2018 panels.
        let fromGuatemala = try count(db, "SELECT COUNT(*) FROM users WHERE department = 'guatemala'")
        let elsewhere = try count(db, "SELECT COUNT(*) FROM users WHERE department NOT IN ('guatemala', 'not-said')")
        #expect(fromGuatemala > 0 && elsewhere > 0)
        let reach = try await store.harvest(at: Date()).report(boardId: nil).departments
        #expect(reach.said > 0 && reach.outsideGuatemala > 0 && reach.outsideGuatemala < reach.said)
        // The harvest's counts, filled at the end of the load, are what a recount of the posts gives.
        let moment = Date()
        #expect(try await store.harvest(at: moment) == (try await store.recomputedHarvest(at: moment)))
        let panel = try #require(try await store.board(slug: "banda-ancha")?.panel)
        #expect(panel.place == "Auditorio Ficohsa, UNIS, Fraijanes" && panel.moderators == "Fred Clark; Andrea Alvarado")
        #expect(panel.startsAt == Date(timeIntervalSince1970: 1_540_495_800), "13:30 in Guatemala, 19:30 UTC")
        #expect(try await store.boards().filter { $0.panel != nil }.count == 6)

        // Every demo account signs in with the documented password.
        let credentials = try #require(try await store.credentials(usernameKey: "demo-0001"))
        #expect(PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1).verify(DemoPlan.password, against: credentials.passwordHash))
    }

    @Test func theSameSeedWritesTheSameContentAndAnotherSeedDoesNot() async throws {
        func checksum(_ path: String) throws -> Data {
            let db = try rawDatabase(path)
            let text = try db.read { db in
                try String.fetchAll(db, sql: "SELECT title || char(31) || board_id || char(31) || proposal FROM threads ORDER BY id")
                    + String.fetchAll(db, sql: """
                        SELECT thread_id || char(31) || coalesce(parent_id, '') || char(31) || author_id || char(31) || body_markdown
                        FROM posts ORDER BY id
                        """)
                    + String.fetchAll(db, sql: "SELECT thread_id || ':' || user_id FROM endorsements ORDER BY thread_id, user_id")
            }
            return Tokens.sha256(text.joined(separator: "\u{1E}"))
        }
        _ = try await cabildo(["seed", "--demo", "--posts", "600", "--seed", "42", "--database", file("a.sqlite")])
        _ = try await cabildo(["seed", "--demo", "--posts", "600", "--seed", "42", "--database", file("b.sqlite")])
        _ = try await cabildo(["seed", "--demo", "--posts", "600", "--seed", "43", "--database", file("c.sqlite")])
        #expect(try checksum(file("a.sqlite")) == checksum(file("b.sqlite")))
        #expect(try checksum(file("a.sqlite")) != checksum(file("c.sqlite")))
    }

    @Test func aDatabaseWithPostsIsRefusedAndLeftAlone() async throws {
        // given a forum where someone already posted
        let path = file("used.sqlite")
        let store = try AppDatabase.open(path: path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let author = try await store.createUser(NewUser(username: "vecina", passwordHash: "$argon2id$v=19$x", role: .member,
                                                        stakeholder: .individual, createdAt: Date()))
        let board = try #require(try await store.board(slug: "banda-ancha"))
        _ = try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: "Un hilo de verdad",
                                                   markdown: "Hola", html: "<p>Hola</p>", createdAt: Date()))

        // when / then
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--demo", "--posts", "100", "--database", path])
        }
        let db = try rawDatabase(path)
        #expect(try count(db, "SELECT COUNT(*) FROM posts") == 1)
        #expect(try count(db, "SELECT COUNT(*) FROM users") == 1)

        // and a seeded one cannot be seeded twice
        let seeded = file("twice.sqlite")
        _ = try await cabildo(["seed", "--demo", "--posts", "100", "--database", seeded])
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--demo", "--posts", "100", "--database", seeded])
        }
        #expect(try count(try rawDatabase(seeded), "SELECT COUNT(*) FROM posts") == 100)
    }

    @Test func anAdminMadeBeforeSeedingKeepsTheirAccount() async throws {
        let path = file("admin-first.sqlite")
        _ = try await cabildo(["admin", "create", "presidencia", "--role", "admin", "--database", path], stdin: ["clave-del-comite"])
        _ = try await cabildo(["seed", "--demo", "--posts", "200", "--database", path])
        let db = try rawDatabase(path)
        #expect(try count(db, "SELECT COUNT(*) FROM users WHERE username = 'presidencia' AND role = 'admin' AND id = 1") == 1)
        #expect(try count(db, "SELECT COUNT(*) FROM posts WHERE author_id = 1") == 0)
        #expect(try count(db, "SELECT COUNT(*) FROM users") == 21)
    }

    @Test func refusesWhileAServerHoldsTheDatabase() async throws {
        let path = file("served.sqlite")
        let server = try ServerLock(database: path)
        #expect(server.tryAcquire())
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--demo", "--posts", "100", "--database", path])
        }
        server.release()
        _ = try await cabildo(["seed", "--demo", "--posts", "100", "--database", path])
        #expect(try count(try rawDatabase(path), "SELECT COUNT(*) FROM posts") == 100)
    }

    @Test func refusesWithoutDemoAndWithTooFewUsers() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--posts", "100", "--database", file("x.sqlite")])
        }
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--demo", "--users", "5", "--database", file("x.sqlite")])
        }
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["seed", "--demo", "--posts", "0", "--database", file("x.sqlite")])
        }
    }
}
