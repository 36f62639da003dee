import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// `ProposalStore` on both stores: endorsements, syntheses and the harvest; toggles and saves
/// sent to several servers at once end as they would one after another, and the same forum
/// harvests the same on SQLite and PostgreSQL.
extension StoreContractTests {
    static func proposal(_ store: any ForumStoreCore, board: Board, by author: User, _ title: String, _ text: String = "Propongo.",
                         at date: Date = start, held: Bool = false) async throws -> Int64 {
        try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: title, markdown: text,
                                               html: "<p>\(text)</p>", createdAt: date, held: held, isProposal: true)).threadId
    }

    // MARK: Endorsements

    @Test(arguments: StoreKind.available) func endorsementsAreCountedByGroupAndToldToTheAuthorInOneBatch(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's proposal and her plain thread, and carlos's proposal held for review
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana", .academia)
            let bea = try await Self.member(store, "bea", .government), carlos = try await Self.member(store, "carlos", .civilSociety)
            let proposal = try await Self.proposal(store, board: board, by: ana, "Redes comunitarias")
            let plain = try await Self.thread(store, board: board, by: ana, "Un hilo sin propuesta").threadId
            let held = try await Self.proposal(store, board: board, by: carlos, "Una propuesta retenida", held: true)

            // when: bea and carlos endorse it, and ana too
            #expect(try await store.toggleEndorsement(threadId: proposal, by: bea, at: Self.start))
            #expect(try await Self.unread(store, ana) == 1)
            #expect(try await store.toggleEndorsement(threadId: proposal, by: carlos, at: Self.start))
            #expect(try await store.toggleEndorsement(threadId: proposal, by: ana, at: Self.start))

            // then: counted by group; ana was told once, and not of her own
            #expect(try await store.endorsements(threadId: proposal) == [.government: 1, .civilSociety: 1, .academia: 1])
            #expect(try await store.thread(id: proposal)?.endorsementCount == 3)
            #expect(try await Self.unread(store, ana) == 1)
            let page = try #require(try await store.threadPage(id: proposal, viewerId: carlos.id))
            #expect(page.viewerEndorsed && page.endorsements == [.government: 1, .civilSociety: 1, .academia: 1])

            // when: bea takes hers back
            #expect(try await store.toggleEndorsement(threadId: proposal, by: bea, at: Self.start) == false)
            #expect(try await store.endorsements(threadId: proposal) == [.civilSociety: 1, .academia: 1])
            #expect(try await store.thread(id: proposal)?.endorsementCount == 2)
            #expect(try await store.threadPage(id: proposal, viewerId: bea.id)?.viewerEndorsed == false)

            // then: only a listed proposal can be endorsed
            await #expect(throws: StoreError.notAProposal) { _ = try await store.toggleEndorsement(threadId: plain, by: bea, at: Self.start) }
            await #expect(throws: StoreError.closed) { _ = try await store.toggleEndorsement(threadId: held, by: bea, at: Self.start) }
            await #expect(throws: StoreError.notFound) {
                _ = try await store.toggleEndorsement(threadId: proposal + 100, by: bea, at: Self.start)
            }
            #expect(try await store.endorsements(threadId: plain).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func endorsementTogglesSentTogetherEndConsistent(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana", .academia), bea = try await Self.member(store, "bea", .government)
            let proposal = try await Self.proposal(store, board: board, by: ana, "Redes comunitarias")

            // when: bea's button is pressed seven times at once (each press a toggle)
            let given = await Self.trueCount(7) { _ in try await store.toggleEndorsement(threadId: proposal, by: bea, at: Self.start) }

            // then: they took turns, and the count is the endorsement that is left
            #expect(given == 4)
            #expect(try await store.endorsements(threadId: proposal) == [.government: 1])
            #expect(try await store.thread(id: proposal)?.endorsementCount == 1)

            // when: eight more members endorse at once
            var members: [User] = []
            for number in 1...8 { members.append(try await Self.member(store, "miembro\(number)", .individual)) }
            let endorsers = members
            #expect(await Self.trueCount(8) { index in
                try await store.toggleEndorsement(threadId: proposal, by: endorsers[index], at: Self.start)
            } == 8)

            // then: every one is counted, and ana has one notice of them
            #expect(try await store.endorsements(threadId: proposal) == [.government: 1, .individual: 8])
            #expect(try await store.thread(id: proposal)?.endorsementCount == 9)
            #expect(try await Self.unread(store, ana) == 1)
        }
    }

    // MARK: Syntheses

    @Test(arguments: StoreKind.available) func aSynthesisIsSavedOverAndToldToTheAuthorOnceWhileUnread(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), comite = try await Self.member(store, "comite", role: .committee)
            let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Datos abiertos")
            #expect(try await store.summary(threadId: threadId) == nil)

            // when
            try await store.saveSummary(threadId: threadId, markdown: "Síntesis", html: "<p>Síntesis</p>", authorId: comite.id,
                                        at: Self.start.addingTimeInterval(10))
            try await store.saveSummary(threadId: threadId, markdown: "Síntesis revisada", html: "<p>Síntesis revisada</p>",
                                        authorId: comite.id, at: Self.start.addingTimeInterval(20))

            // then: the newest text, and one notice
            let synthesis = ThreadSynthesis(markdown: "Síntesis revisada", html: "<p>Síntesis revisada</p>", authorName: "comite",
                                            updatedAt: Self.start.addingTimeInterval(20))
            #expect(try await store.summary(threadId: threadId) == synthesis)
            #expect(try await store.threadPage(id: threadId, viewerId: nil)?.summary == synthesis)
            #expect(try await Self.unread(store, ana) == 1)
            await #expect(throws: StoreError.notFound) {
                try await store.saveSummary(threadId: threadId + 100, markdown: "x", html: "x", authorId: comite.id, at: Self.start)
            }

            // when: eight committee members save another thread's synthesis at once
            var committee: [User] = []
            for number in 1...8 { committee.append(try await Self.member(store, "comite\(number)", role: .committee)) }
            let writers = committee
            let (other, _) = try await Self.thread(store, board: board, by: ana, "Otro hilo")
            _ = await Self.trueCount(8) { index in
                try await store.saveSummary(threadId: other, markdown: "Versión \(index)", html: "<p>Versión \(index)</p>",
                                            authorId: writers[index].id, at: Self.start)
                return true
            }
            // then: one of them is kept whole, and ana has one notice of it
            let kept = try #require(try await store.summary(threadId: other))
            #expect(kept.html == "<p>\(kept.markdown)</p>" && kept.authorName.map { $0.hasPrefix("comite") } == true)
            #expect(try await Self.unread(store, ana) == 2)

            // when: the committee member closes the account, the synthesis names nobody
            try await store.closeAccount(userId: comite.id, removingText: false, at: Self.start)
            #expect(try await store.summary(threadId: threadId)?.authorName == nil)
        }
    }

    // MARK: The harvest

    /// One small forum, built the same way on any store: posts over three days on two boards, a
    /// proposal endorsed across groups with a synthesis, and what the harvest leaves out (held
    /// posts, a closed account's deleted text).
    static func harvestForum(_ store: any AccountStore & ProposalStore) async throws {
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let boards = try await store.boards()
        let day: TimeInterval = 86400
        let ana = try await member(store, "ana", .academia, department: .peten)
        let bea = try await member(store, "bea", .government, department: .guatemala)
        let carlos = try await member(store, "carlos", .civilSociety)
        let dora = try await member(store, "dora", .privateSector, department: .outsideGuatemala)
        let comite = try await member(store, "comite", .individual, role: .committee)
        let rural = try await proposal(store, board: boards[0], by: ana, "Acceso rural a internet",
                                       "Proponemos redes comunitarias de banda ancha en zonas rurales.")
        _ = try await reply(store, to: rural, by: bea, "Las redes comunitarias necesitan espectro y financiamiento.",
                            at: start.addingTimeInterval(3600))
        _ = try await reply(store, to: rural, by: carlos, "Apoyo las redes comunitarias rurales.", at: start.addingTimeInterval(day))
        let (neutral, _) = try await thread(store, board: boards[0], by: bea, "Neutralidad y competencia",
                                            "La neutralidad de la red protege la competencia.", at: start.addingTimeInterval(day))
        _ = try await reply(store, to: neutral, by: dora, "La competencia entre proveedores baja los precios.",
                            at: start.addingTimeInterval(2 * day))
        let (health, _) = try await thread(store, board: boards[1], by: dora, "Datos personales en salud",
                                           "Los datos de salud requieren consentimiento explícito.", at: start.addingTimeInterval(2 * day))
        _ = try await store.createReply(NewReply(threadId: health, parentId: nil, authorId: ana.id, markdown: "Retenida por revisar",
                                                 html: "<p>Retenida por revisar</p>", createdAt: start.addingTimeInterval(2 * day),
                                                 held: true))
        _ = try await thread(store, board: boards[1], by: carlos, "Un hilo retenido", held: true)
        for endorser in [bea, carlos, dora, ana] { _ = try await store.toggleEndorsement(threadId: rural, by: endorser, at: start) }
        try await store.saveSummary(threadId: rural, markdown: "Redes comunitarias rurales", html: "<p>Redes comunitarias rurales</p>",
                                    authorId: comite.id, at: start.addingTimeInterval(3 * day))
        // carlos leaves with his words (his endorsement stays), and bea moves: counted where she is now
        try await store.closeAccount(userId: carlos.id, removingText: true, at: start.addingTimeInterval(3 * day))
        try await store.setDepartment(userId: bea.id, .quetzaltenango, shown: false)
    }

    @Test(arguments: StoreKind.available) func theHarvestCountsVisiblePostsOnly(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            try await Self.harvestForum(store)
            // when
            let snapshot = try await store.harvest(at: Self.start.addingTimeInterval(10 * 86400))
            let forum = snapshot.report(boardId: nil)
            // then: five visible posts over three days (held ones and carlos's deleted reply left out)
            #expect(forum.totalPosts == 5)
            #expect(forum.postsPerDay.map(\.posts) == [2, 1, 2])
            #expect(forum.participation.first { $0.group == .government } == GroupParticipation(group: .government, posters: 1, posts: 2))
            #expect(forum.participation.first { $0.group == .civilSociety } == GroupParticipation(group: .civilSociety, posters: 0, posts: 0))
            #expect(forum.departments.rows.filter { $0.participants > 0 }.map(\.department) == [.peten, .quetzaltenango, .outsideGuatemala])
            // then: the listed threads, the proposal with its endorsements by group and its synthesis
            #expect(Set(forum.threads.map(\.title)) == ["Acceso rural a internet", "Neutralidad y competencia", "Datos personales en salud"])
            let rural = try #require(forum.proposals.first)
            #expect(forum.proposals.count == 1 && rural.replies == 1 && rural.participants == 2)
            #expect(rural.endorsementsByGroup == [.government: 1, .civilSociety: 1, .privateSector: 1, .academia: 1])
            #expect(rural.summaryMarkdown == "Redes comunitarias rurales" && rural.summaryHTML == "<p>Redes comunitarias rurales</p>")
            let health = snapshot.report(boardId: snapshot.boards[1].id)
            #expect(health.totalPosts == 1 && health.threads.map(\.title) == ["Datos personales en salud"])
            #expect(snapshot.report(boardId: snapshot.boards[2].id).totalPosts == 0)
        }
    }

    @Test(.enabled(if: StoreKind.available.contains(.postgres))) func theSameForumHarvestsTheSameOnBothStores() async throws {
        try await StoreKind.sqlite.withStore { sqlite in
            try await StoreKind.postgres.withStore { postgres in
                // given: one forum, built on each store
                try await Self.harvestForum(sqlite)
                try await Self.harvestForum(postgres)
                // when
                let date = Self.start.addingTimeInterval(10 * 86400)
                let expected = try await sqlite.harvest(at: date), harvested = try await postgres.harvest(at: date)
                // then: every part of the snapshot, and every report cut from it
                #expect(harvested.boards == expected.boards)
                #expect(harvested.threads == expected.threads)
                #expect(harvested.participation == expected.participation)
                #expect(harvested.participationByBoard == expected.participationByBoard)
                #expect(harvested.postsPerDay == expected.postsPerDay)
                #expect(harvested.postsPerDayByBoard == expected.postsPerDayByBoard)
                #expect(harvested.departments == expected.departments)
                #expect(harvested.departmentsByBoard == expected.departmentsByBoard)
                #expect(harvested.termsByBoard == expected.termsByBoard)
                #expect(expected.termsByBoard.values.contains { !$0.isEmpty })
                for board in [nil] + expected.boards.map(\.id) {
                    #expect(harvested.report(boardId: board) == expected.report(boardId: board))
                }
            }
        }
    }
}
