import CabildoCore
import Foundation
import CabildoTestSupport
import Testing
import CabildoStore

/// One contract, both stores (issue 19): each test runs on SQLite and on PostgreSQL
/// (`StoreKind`), each time on a fresh empty store, through `ForumStoreCore` alone. The tests
/// compare what the stores answer, not how they store it.
@Suite struct StoreContractTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func member(_ store: any ForumStoreCore, _ name: String, role: Role = .member, at date: Date = start) async throws -> User {
        try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: role,
                                           stakeholder: .academia, createdAt: date))
    }

    static func seeded(_ store: any ForumStoreCore) async throws -> Board {
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        return try #require(try await store.boards().first)
    }

    static func thread(_ store: any ForumStoreCore, board: Board, by author: User, _ title: String, _ text: String = "Opening words.",
                       at date: Date = start, held: Bool = false) async throws -> (threadId: Int64, postId: Int64) {
        try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: title, markdown: text,
                                               html: "<p>\(text)</p>", createdAt: date, held: held))
    }

    static func reply(_ store: any ForumStoreCore, to threadId: Int64, parent: Int64? = nil, by author: User, _ text: String,
                      at date: Date = start) async throws -> Int64 {
        try await store.createReply(NewReply(threadId: threadId, parentId: parent, authorId: author.id, markdown: text,
                                             html: "<p>\(text)</p>", createdAt: date))
    }

    // MARK: Accounts

    @Test(arguments: StoreKind.available) func usernamesAreUniqueIgnoringCaseAndLookalikes(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "Ana_Perez")
            _ = try await Self.member(store, "copy")
            // when, then
            await #expect(throws: StoreError.usernameTaken) { _ = try await Self.member(store, "ana_perez") }
            await #expect(throws: StoreError.usernameTaken) { _ = try await Self.member(store, "ANA_PEREZ") }
            // сору: every letter Cyrillic
            await #expect(throws: StoreError.usernameTaken) { _ = try await Self.member(store, "\u{441}\u{43E}\u{440}\u{443}") }
            #expect(try await store.user(usernameKey: Rules.usernameKey("ANA_perez")) == ana)
            #expect(try await store.user(id: ana.id) == ana)
            #expect(try await store.user(id: ana.id + 1000) == nil)
            let credentials = try #require(try await store.credentials(usernameKey: Rules.usernameKey("Ana_Perez")))
            #expect(credentials.user == ana)
            #expect(credentials.passwordHash == "$argon2id$v=19$x")
            #expect(try await store.credentials(userId: ana.id) == "$argon2id$v=19$x")
            #expect(ana.createdAt == Self.start)
            #expect(ana.watchesParticipation)
        }
    }

    @Test(arguments: StoreKind.available) func aDepartmentGivenAtSignUpIsKeptAndBoardsStartWithoutPhaseOrPanel(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let created = try await store.createUser(NewUser(username: "desde-peten", passwordHash: "$argon2id$v=19$x", role: .member,
                                                             stakeholder: .academia, department: .peten, createdAt: Self.start))
            #expect(created.department == .peten)
            let read = try #require(try await store.user(usernameKey: "desde-peten"))
            #expect(read.department == .peten && !read.showsDepartment)
            #expect(try await Self.member(store, "sin-decir").department == nil)
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let board = try #require(try await store.board(slug: "banda-ancha"))
            #expect(board.schedule == BoardSchedule() && board.panel == nil)
        }
    }

    @Test(arguments: StoreKind.available) func conclusionsKeepEveryVersionAndTheNewestPublishedIsRead(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let board = try await Self.seeded(store)
            let committee = try await Self.member(store, "comite", role: .committee)
            #expect(try await store.publishedConclusions(boardId: board.id) == nil)
            func save(_ text: String, _ status: ConclusionsStatus, after seconds: TimeInterval) async throws -> Int64 {
                try await store.saveConclusions(NewConclusions(boardId: board.id, conclusionsMarkdown: text, conclusionsHTML: "<p>\(text)</p>",
                                                               recommendationsMarkdown: "", recommendationsHTML: "", status: status,
                                                               authorId: committee.id, date: Self.start.addingTimeInterval(seconds)))
            }
            _ = try await save("Primer borrador", .draft, after: 1)
            let published = try await save("Publicadas", .published, after: 2)
            _ = try await save("Borrador nuevo", .draft, after: 3)
            let read = try #require(try await store.publishedConclusions(boardId: board.id))
            #expect(read.version == published && read.conclusionsMarkdown == "Publicadas" && read.author == .member(name: "comite"))
            #expect(read.createdAt == Self.start.addingTimeInterval(2))
            #expect(try await store.conclusionVersions(boardId: board.id).map(\.conclusionsMarkdown)
                    == ["Borrador nuevo", "Publicadas", "Primer borrador"])
            #expect(try await store.boardPage(slug: board.slug, before: nil, limit: 10, viewerId: nil)?.conclusions?.version == published)
        }
    }

    @Test(arguments: StoreKind.available) func concurrentSignUpsOfOneNameMakeOneAccount(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // when: eight sign-ups of the same name (in several spellings) at once
            let names = ["Marta", "marta", "MARTA", "mArta", "Marta", "marta", "MARTA", "marTa"]
            let made = await withTaskGroup(of: Bool.self) { group in
                for name in names { group.addTask { (try? await Self.member(store, name)) != nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // then
            #expect(made == 1)
        }
    }

    @Test(arguments: StoreKind.available) func sessionsSignInTouchExpireAndEnd(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "ana")
            let bea = try await Self.member(store, "bea")
            let phone = Data(repeating: 1, count: 32), laptop = Data(repeating: 2, count: 32), beas = Data(repeating: 3, count: 32)
            try await store.createSession(tokenHash: phone, userId: ana.id, userAgent: String(repeating: "x", count: 300), at: Self.start)
            try await store.createSession(tokenHash: laptop, userId: ana.id, userAgent: "Firefox", at: Self.start.addingTimeInterval(10))
            try await store.createSession(tokenHash: beas, userId: bea.id, userAgent: "Safari", at: Self.start)
            func user(_ token: Data, at seconds: TimeInterval) async throws -> User? {
                try await store.sessionUser(tokenHash: token, now: Self.start.addingTimeInterval(seconds), idleLimit: 3600,
                                            absoluteLimit: 86400, twoFactorRule: .off)
            }

            // then: each token is its member's, and the list says which one asks
            #expect(try await user(phone, at: 30)?.id == ana.id)
            #expect(try await user(Data(repeating: 9, count: 32), at: 30) == nil)
            var sessions = try await store.sessions(userId: ana.id, current: laptop)
            #expect(sessions.map(\.userAgent) == ["Firefox", String(repeating: "x", count: 256)])
            #expect(sessions.map(\.isCurrent) == [true, false])
            #expect(try await store.sessions(userId: ana.id, current: nil).map(\.isCurrent) == [false, false])

            // when: the phone is used two minutes later, it is touched (and listed first)
            #expect(try await user(phone, at: 120) != nil)
            sessions = try await store.sessions(userId: ana.id, current: phone)
            #expect(sessions.first?.isCurrent == true)
            #expect(sessions.first?.lastSeenAt == Self.start.addingTimeInterval(120))

            // when: idle past the limit, the session is refused and gone
            #expect(try await user(laptop, at: 10 + 3600) == nil)
            #expect(try await store.sessions(userId: ana.id, current: nil).count == 1)

            // then: a member cannot end another's session; ending the others keeps the one asking
            let beasId = try #require(try await store.sessions(userId: bea.id, current: nil).first?.id)
            #expect(try await store.endSession(id: beasId, userId: ana.id) == false)
            try await store.createSession(tokenHash: laptop, userId: ana.id, userAgent: "Firefox", at: Self.start.addingTimeInterval(200))
            try await store.deleteOtherSessions(userId: ana.id, keeping: laptop)
            #expect(try await store.sessions(userId: ana.id, current: laptop).map(\.isCurrent) == [true])
            #expect(try await store.endSession(id: beasId, userId: bea.id) == true)
            try await store.deleteSession(tokenHash: laptop)
            #expect(try await store.sessions(userId: ana.id, current: nil).isEmpty)

            // when: the sweep runs past the absolute limit
            try await store.createSession(tokenHash: phone, userId: ana.id, userAgent: "", at: Self.start)
            #expect(try await store.deleteExpiredSessions(now: Self.start.addingTimeInterval(86400), idleLimit: 3600 * 48,
                                                          absoluteLimit: 86400, challengeLifetime: 300) == 1)
        }
    }

    @Test(arguments: StoreKind.available) func theServerKeyIsMadeOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let key = try await store.serverKey()
            #expect(key.count == 32)
            #expect(try await store.serverKey() == key)
            try await store.ping()
            #expect(try await store.databaseSize() > 0)
        }
    }

    // MARK: Boards, threads and replies

    @Test(arguments: StoreKind.available) func boardsAreSeededOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let boards = try await store.boards()
            #expect(boards.map(\.slug) == BoardSeed.panelThemes.map(\.slug))
            #expect(boards.map(\.position) == Array(1...BoardSeed.panelThemes.count))
            let second = try #require(try await store.board(slug: boards[1].slug))
            #expect(second == boards[1])
            #expect(try await store.board(id: second.id) == second)
            #expect(try await store.board(slug: "nope") == nil)
        }
    }

    @Test(arguments: StoreKind.available) func threadsAndRepliesAreCountedAndRead(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            let other = try await Self.thread(store, board: board, by: bea, "Another thread")

            // when
            let (threadId, openingId) = try await Self.thread(store, board: board, by: ana, "Datos abiertos", "¿Qué datos?",
                                                              at: Self.start.addingTimeInterval(60))
            let answer = try await Self.reply(store, to: threadId, by: bea, "Todos", at: Self.start.addingTimeInterval(120))
            let nested = try await Self.reply(store, to: threadId, parent: answer, by: ana, "¿Todos?", at: Self.start.addingTimeInterval(180))

            // then: the tree, the counters and the order
            let posts = try await store.posts(threadId: threadId)
            #expect(posts.map(\.id) == [openingId, answer, nested])
            #expect(posts.map(\.parentId) == [nil, openingId, answer])
            #expect(posts.map(\.authorName) == ["ana", "bea", "ana"])
            #expect(posts[2].bodyMarkdown == "¿Todos?" && posts[2].bodyHTML == "<p>¿Todos?</p>")
            #expect(posts[2].createdAt == Self.start.addingTimeInterval(180) && posts[2].editedAt == nil && !posts[2].held)
            #expect(try await store.post(id: answer) == posts[1])
            let thread = try #require(try await store.thread(id: threadId))
            #expect(thread.title == "Datos abiertos" && thread.authorName == "ana" && thread.author == ana.account)
            #expect(thread.replyCount == 2 && thread.lastPostId == nested && thread.listed && !thread.locked && !thread.pinned)
            #expect(thread.lastPostAt == Self.start.addingTimeInterval(180) && thread.createdAt == Self.start.addingTimeInterval(60))
            let counted = try #require(try await store.board(id: board.id))
            #expect(counted.threadCount == 2 && counted.postCount == 4 && counted.lastPostAt == Self.start.addingTimeInterval(180))

            // then: a reply must answer a post of its own thread
            await #expect(throws: StoreError.invalidParent) {
                _ = try await Self.reply(store, to: threadId, parent: other.postId, by: bea, "Elsewhere")
            }
            await #expect(throws: StoreError.notFound) { _ = try await Self.reply(store, to: threadId + 100, by: bea, "Nowhere") }

            // then: the thread page has it all, and answering ana's thread told her (she watches what she opens)
            let page = try #require(try await store.threadPage(id: threadId, viewerId: ana.id))
            #expect(page.thread == thread && page.board == counted && page.posts == posts)
            #expect(page.watchLevel == .watching && page.summary == nil && page.endorsements.isEmpty && page.appeals.isEmpty)
            #expect(page.unreadHere == 1)
            #expect(try await store.threadPage(id: threadId, viewerId: nil)?.watchLevel == nil)
            #expect(try await store.threadPage(id: threadId + 100, viewerId: nil) == nil)
            let token = Data(repeating: 7, count: 32)
            try await store.createSession(tokenHash: token, userId: ana.id, userAgent: "", at: Self.start)
            let signedIn = try await store.sessionUser(tokenHash: token, now: Self.start, idleLimit: 3600, absoluteLimit: 3600,
                                                       twoFactorRule: .off)
            #expect(signedIn?.unreadNotifications == 1) // bea's answer to her thread; her own reply tells her nothing
        }
    }

    @Test(arguments: StoreKind.available) func aHeldThreadIsNeitherListedNorCounted(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (threadId, postId) = try await Self.thread(store, board: board, by: ana, "Held for review", held: true)
            #expect(try await store.thread(id: threadId)?.listed == false)
            #expect(try await store.post(id: postId)?.held == true)
            #expect(try await store.board(id: board.id)?.threadCount == 0)
            #expect(try await store.boardPage(slug: board.slug, before: nil, limit: 10, viewerId: nil)?.threads.isEmpty == true)
            #expect(try await store.search("review", limit: 10, offset: 0).isEmpty)
            await #expect(throws: StoreError.closed) { _ = try await Self.reply(store, to: threadId, by: ana, "Too soon") }
        }
    }

    @Test(arguments: StoreKind.available) func boardPagesListByLastActivity(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: five threads, then a reply that bumps the oldest
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            var ids: [Int64] = []
            for number in 1...5 {
                ids.append(try await Self.thread(store, board: board, by: ana, "Thread number \(number)",
                                                 at: Self.start.addingTimeInterval(Double(number))).threadId)
            }
            _ = try await Self.reply(store, to: ids[0], by: ana, "Bump", at: Self.start.addingTimeInterval(10))

            // when: read in pages of two
            var seen: [Int64] = []
            var before: Int64?
            while true {
                let page = try #require(try await store.boardPage(slug: board.slug, before: before, limit: 2, viewerId: ana.id))
                #expect(page.board.id == board.id && page.watchLevel == .normal && page.conclusions == nil)
                guard let last = page.threads.last else { break }
                #expect(page.threads.count <= 2)
                seen += page.threads.map(\.id)
                before = last.lastPostId
            }

            // then
            #expect(seen == [ids[0], ids[4], ids[3], ids[2], ids[1]])
            #expect(try await store.threads(boardId: board.id, before: nil, limit: 3).map(\.id) == [ids[0], ids[4], ids[3]])
            #expect(try await store.boardPage(slug: "nope", before: nil, limit: 2, viewerId: nil) == nil)
        }
    }

    // MARK: Search

    @Test(arguments: StoreKind.available) func searchIgnoresAccentsAndCase(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (threadId, openingId) = try await Self.thread(store, board: board, by: ana, "Protección de datos",
                                                              "Hablemos de la privacidad.")
            let replyId = try await Self.reply(store, to: threadId, by: ana, "La PROTECCIÓN de los menores en línea importa.")
            _ = try await Self.reply(store, to: threadId, by: ana, "Nada que ver aquí.")

            // when
            let hits = try await store.search("proteccion", limit: 10, offset: 0)

            // then: both mentions, the title's first; the snippet marks the word found
            #expect(Set(hits.map(\.postId)) == [openingId, replyId])
            #expect(hits.first?.postId == openingId)
            #expect(hits.allSatisfy { $0.threadId == threadId && $0.threadTitle == "Protección de datos" && $0.authorName == "ana" })
            let snippet = try #require(hits.first { $0.postId == replyId }?.snippet)
            #expect(snippet.contains("\u{2}PROTECCIÓN\u{3}"))
            #expect(try await store.search("menores proteccion", limit: 10, offset: 0).map(\.postId) == [replyId])
            #expect(try await store.search("menores ausente", limit: 10, offset: 0).isEmpty)
            #expect(try await store.search("privacidad", limit: 10, offset: 0).map(\.postId) == [openingId])
            #expect(try await store.search("   ", limit: 10, offset: 0).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func typedWordsAreNeverQuerySyntax(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (_, openingId) = try await Self.thread(store, board: board, by: ana, "Neutralidad de la red", "Tráfico y redes.")
            for query in ["\"", "'", "&", "|", "!", ":*", "(", ")", "a & b | !c", "neutralidad:*", "(neutralidad", "red)",
                          "\"neutralidad", "neutralidad\" OR \"x", "NEAR(a b)", "AND OR NOT", "<->", "\\", "'neutralidad'",
                          "neutralidad & !red", "title:neutralidad", "^neutralidad", "-red", "red*", "*", "**", "a:* | b"] {
                _ = try await store.search(query, limit: 10, offset: 0)
            }
            #expect(try await store.search("\"neutralidad\"", limit: 10, offset: 0).map(\.postId) == [openingId])
            #expect(try await store.search("neutralidad OR inexistente", limit: 10, offset: 0).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func searchCostIsBounded(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: more matches than a search ranks
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Gobernanza multisectorial",
                                                      "Cobertura rural para las escuelas.")
            let reach = store.searchReach
            for number in 1...(reach + 5) {
                _ = try await Self.reply(store, to: threadId, by: ana, "Cobertura \(number)", at: Self.start.addingTimeInterval(Double(number)))
            }

            // then: a prefix needs three letters; words past the sixth are ignored
            #expect(try await store.search("cob*", limit: 5, offset: 0).count == 5)
            #expect(try await store.search("co*", limit: 5, offset: 0).isEmpty)
            #expect(try await store.search("gobernanza multisectorial cobertura rural escuelas cobertura las zzz", limit: 5, offset: 0).count == 1)
            #expect(try await store.search("uno dos tres cuatro cinco seis cobertura", limit: 5, offset: 0).isEmpty)
            // and only the newest `searchReach` matches can be paged through
            #expect(try await store.search("cobertura", limit: 10, offset: reach - 5).count == 5)
            #expect(try await store.search("cobertura", limit: 10, offset: reach).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func aWordSaidMoreOftenRanksFirstWhateverItsAge(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: the older reply says it three times, the newer once
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Antenas rurales", "Sierra y valles.")
            let often = try await Self.reply(store, to: threadId, by: ana, "Cobertura, cobertura y más cobertura en la sierra.")
            let once = try await Self.reply(store, to: threadId, by: ana, "Hay cobertura en la sierra del norte.",
                                            at: Self.start.addingTimeInterval(60))
            // when
            let hits = try await store.search("cobertura", limit: 10, offset: 0)
            // then
            #expect(hits.map(\.postId) == [often, once])
        }
    }

    @Test(arguments: StoreKind.available) func aPageOfResultsSearchedAgainNeverOutlivesAWrite(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a search answered, then asked again as it was (a page the store may keep)
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana", role: .admin)
            let (threadId, opening) = try await Self.thread(store, board: board, by: ana, "Cobertura rural", "Antenas en la sierra.")
            let ids = { @Sendable () async throws -> Set<Int64> in Set(try await store.search("  cobertura ", limit: 10, offset: 0).map(\.postId)) }
            #expect(try await ids() == [opening])
            #expect(try await ids() == [opening])
            #expect(try await store.search("cobertura cobertura", limit: 10, offset: 0).map(\.postId) == [opening])

            // when: a reply says the word; then: it is found
            let reply = try await Self.reply(store, to: threadId, by: ana, "Más cobertura, por favor.")
            #expect(try await ids() == [opening, reply])
            // when: hidden, then restored
            try await store.apply(.hidePost(reply), by: ana.id, reason: "no", at: Self.start)
            #expect(try await ids() == [opening])
            try await store.apply(.restorePost(reply), by: ana.id, reason: "sí", at: Self.start)
            #expect(try await ids() == [opening, reply])
            // when: edited so it no longer says it
            try await store.editPost(id: reply, markdown: "Otra cosa.", html: "<p>Otra cosa.</p>", hold: false, at: Self.start)
            #expect(try await ids() == [opening])
            // when: the thread leaves the listings
            try await store.apply(.hidePost(opening), by: ana.id, reason: "no", at: Self.start)
            #expect(try await ids().isEmpty)
        }
    }
}

/// What only PostgreSQL has: its own migrations, run by servers starting together.
@Suite struct PostgresMigrationTests {
    @Test(.enabled(if: StoreKind.available.contains(.postgres))) func serversStartingTogetherMigrateOnce() async throws {
        try await StoreKind.withPostgres { url in
            // when: four servers open the same empty database at once
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresStore.open(url: url, maximumConnections: 2) } }
                return try await group.reduce(into: [PostgresStore]()) { $0.append($1) }
            }
            // then: every migration was applied once, and each store works
            let applied = try await stores[0].appliedMigrations()
            #expect(applied == ["pg1-schema", "pg2-search", "pg3-phases-departments", "pg4-shared-state", "pg5-harvest-counts", "pg6-harvest-overview"])
            for store in stores {
                #expect(try await store.appliedMigrations() == applied)
                try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            }
            #expect(try await stores[3].boards().count == BoardSeed.panelThemes.count)
            for store in stores { await store.close() }

            // when: opened again, nothing is applied twice
            let again = try await PostgresStore.open(url: url)
            #expect(try await again.appliedMigrations() == applied)
            await again.close()
        }
    }

    @Test func urlsAreReadAsLibpqReadsThem() throws {
        let url = try PostgresURL("postgres://cabildo:p%40ss%3Aw%2Frd@db.example.org:6543/forum?sslmode=verify-full")
        #expect(url.host == "db.example.org" && url.port == 6543 && url.username == "cabildo" && url.password == "p@ss:w/rd")
        #expect(url.database == "forum" && url.sslMode == .verifyFull)
        let plain = try PostgresURL("postgresql://ana@127.0.0.1")
        #expect(plain.port == 5432 && plain.database == "ana" && plain.password == nil && plain.sslMode == .prefer)
        #expect(try PostgresURL("postgres://ana@[::1]:5433/x").host == "::1")
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("postgres://ana@h/x?sslmode=sometimes") }
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("postgres://ana@h/x?host=/run/postgresql") }
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("postgres://h/x") }
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("forum.sqlite") }
        #expect(PostgresURL.isPostgres("postgres://a@b/c") && !PostgresURL.isPostgres("/var/lib/cabildo/forum.sqlite"))
    }
}
