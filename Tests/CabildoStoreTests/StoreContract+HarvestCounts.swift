import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// The harvest's kept counts (issue 20) on both stores: after every kind of write that changes
/// what the harvest counts, `harvest` (read from the counts) equals `recomputedHarvest` (every
/// visible post counted again), field by field.
extension StoreContractTests {
    /// Compares the kept harvest with a full recomputation, naming the step on a difference; gives the recomputation.
    @discardableResult
    static func expectKeptHarvest(_ store: any ForumStore, _ step: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> HarvestSnapshot {
        let kept = try await store.harvest(at: start)
        let full = try await store.recomputedHarvest(at: start)
        guard kept != full else { return full }
        #expect(kept.threads == full.threads, "threads after \(step)", sourceLocation: sourceLocation)
        #expect(kept.participation == full.participation, "participation after \(step)", sourceLocation: sourceLocation)
        #expect(kept.participationByBoard == full.participationByBoard, "participation by board after \(step)", sourceLocation: sourceLocation)
        #expect(kept.postsPerDay == full.postsPerDay, "posts per day after \(step)", sourceLocation: sourceLocation)
        #expect(kept.postsPerDayByBoard == full.postsPerDayByBoard, "posts per day by board after \(step)", sourceLocation: sourceLocation)
        #expect(kept.departments == full.departments, "departments after \(step)", sourceLocation: sourceLocation)
        #expect(kept.departmentsByBoard == full.departmentsByBoard, "departments by board after \(step)", sourceLocation: sourceLocation)
        #expect(kept.termsByBoard == full.termsByBoard, "terms after \(step)", sourceLocation: sourceLocation)
        #expect(kept == full, "the snapshot after \(step)", sourceLocation: sourceLocation)
        return full
    }

    /// Compares the store's overviews of the forum and of each board with the ones cut from a
    /// full recomputation, naming the step on a difference.
    static func expectOverviews(_ store: any ForumStore, _ step: String, full: HarvestSnapshot? = nil,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let full = if let full { full } else { try await store.recomputedHarvest(at: start) }
        for board in [nil] + full.boards {
            let overview = try await store.harvestOverview(board: board?.slug, at: start)
            #expect(overview == HarvestOverview(full.report(boardId: board?.id)), "the overview of \(board?.slug ?? "the forum") after \(step)",
                    sourceLocation: sourceLocation)
        }
    }

    static func harvestMember(_ store: any ForumStore, _ name: String, _ group: Stakeholder, _ department: Department?,
                              role: Role = .member) async throws -> User {
        try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: role, stakeholder: group,
                                           department: department, createdAt: start.addingTimeInterval(-30 * 86400)))
    }

    @Test(arguments: StoreKind.available) func eachKindOfWriteKeepsTheHarvestCountsCurrent(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: two boards, members of three groups from three places, a moderator
            let board = try await Self.seeded(store)
            let other = try #require(try await store.boards().dropFirst().first)
            let ana = try await Self.harvestMember(store, "ana", .academia, .quetzaltenango)
            let beto = try await Self.harvestMember(store, "beto", .government, .guatemala)
            let cata = try await Self.harvestMember(store, "cata", .civilSociety, nil)
            let admin = try await Self.harvestMember(store, "admin", .individual, .peten, role: .admin)
            func act(_ action: ModerationAction) async throws { try await store.apply(action, by: admin.id, reason: "r", at: Self.start) }

            // when, then: each kind of write, compared after each
            let (thread, opening) = try await Self.thread(store, board: board, by: ana, "Agua potable para todos",
                                                          "El agua potable llega tarde a las aldeas rurales.")
            try await Self.expectKeptHarvest(store, "a new thread")
            let reply = try await Self.reply(store, to: thread, by: beto, "Las aldeas rurales piden agua potable.",
                                             at: Self.start.addingTimeInterval(86400))
            try await Self.expectKeptHarvest(store, "a reply on another day")
            let held = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: cata.id, markdown: "Conectividad rural",
                                                            html: "<p>x</p>", createdAt: Self.start, held: true))
            try await Self.expectKeptHarvest(store, "a held reply")
            #expect(try await store.harvest(at: Self.start).threads.first?.participants == 2, "a held reply does not count")
            try await act(.approvePost(held))
            try await Self.expectKeptHarvest(store, "approving it")
            #expect(try await store.harvest(at: Self.start).threads.first?.participants == 3)
            try await store.editPost(id: reply, markdown: "Mejor hablemos de fibra óptica.", html: "<p>x</p>", hold: false,
                                     at: Self.start.addingTimeInterval(60))
            try await Self.expectKeptHarvest(store, "an edit")
            try await store.editPost(id: held, markdown: "Conectividad rural, otra vez", html: "<p>x</p>", hold: true,
                                     at: Self.start.addingTimeInterval(60))
            try await Self.expectKeptHarvest(store, "an edit sent back for review")
            try await act(.approvePost(held))
            try await act(.hidePost(reply))
            try await Self.expectKeptHarvest(store, "hiding a reply")
            try await act(.restorePost(reply))
            try await Self.expectKeptHarvest(store, "restoring it")
            try await act(.hidePost(opening))
            try await Self.expectKeptHarvest(store, "hiding the opening post (the thread leaves the harvest)")
            #expect(try await store.harvest(at: Self.start).threads.isEmpty)
            try await act(.restorePost(opening))
            try await Self.expectKeptHarvest(store, "restoring it")
            try await act(.moveThread(thread, toBoard: other.id))
            try await Self.expectKeptHarvest(store, "moving the thread")
            #expect(try await store.harvest(at: Self.start).participationByBoard[board.id] == nil)
            try await store.setDepartment(userId: beto.id, .izabal, shown: false)
            try await Self.expectKeptHarvest(store, "a department change")
            try await store.updateSettings(userId: ana.id, language: .es, stakeholder: .privateSector)
            _ = try await Self.reply(store, to: thread, by: ana, "Ahora escribo desde el sector privado.")
            try await Self.expectKeptHarvest(store, "a member writing under a new group")
            try await act(.markProposal(thread))
            _ = try await store.toggleEndorsement(threadId: thread, by: beto, at: Self.start)
            try await Self.expectKeptHarvest(store, "an endorsement")
            try await store.deletePost(id: reply, at: Self.start)
            try await Self.expectKeptHarvest(store, "deleting a reply")
            try await store.closeAccount(userId: cata.id, removingText: false, at: Self.start)
            try await Self.expectKeptHarvest(store, "closing an account, keeping its posts")
            try await store.closeAccount(userId: ana.id, removingText: true, at: Self.start)
            try await Self.expectKeptHarvest(store, "closing an account with its posts (the opening post among them)")
            #expect(try await store.harvest(at: Self.start).threads.isEmpty)
        }
    }

    /// A seeded, random mix of writes on a forum of several boards, members and days; the kept
    /// counts are compared with a recomputation after every write.
    @Test(arguments: StoreKind.available) func aRandomMixOfWritesKeepsTheHarvestCountsEqualToARecount(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            _ = try await Self.seeded(store)
            let boards = try await store.boards()
            var random = SeededRandom(seed: 20)
            let groups = Stakeholder.allCases
            var members: [User] = []
            for index in 0..<8 {
                members.append(try await Self.harvestMember(store, "miembro\(index)", groups[index % groups.count],
                                                            index % 3 == 0 ? nil : Department.allCases[index * 5 % Department.allCases.count]))
            }
            let admin = try await Self.harvestMember(store, "admin", .individual, nil, role: .admin)
            let words = ["agua", "potable", "fibra", "óptica", "conectividad", "rural", "datos", "personales", "protección", "de", "la",
                         "el", "para", "neutralidad", "red", "internet", "acceso", "aldeas", "escuelas", "público", "2026", "ñandú"]
            func text() -> String {
                (0..<random.next(upTo: 60) + 1).map { _ in words[random.next(upTo: words.count)] }.joined(separator: " ")
            }
            var threads: [Int64] = []
            var posts: [Int64] = []
            var step = 0
            var when: Date { Self.start.addingTimeInterval(Double(step) * 7 * 3600) }

            // when: 120 writes, each compared
            for _ in 0..<120 {
                step += 1
                let member = members[random.next(upTo: members.count)]
                var name = ""
                do {
                    switch random.next(upTo: 12) {
                    case 0, 1:
                        name = "a new thread"
                        let board = boards[random.next(upTo: boards.count)]
                        let (thread, post) = try await store.createThread(NewThread(
                            boardId: board.id, authorId: member.id, title: "Tema \(text())".prefix(150).description, markdown: text(),
                            html: "<p>x</p>", createdAt: when, held: random.next(upTo: 5) == 0))
                        threads.append(thread)
                        posts.append(post)
                    case 2, 3, 4:
                        guard let thread = threads.randomElement(using: &random) else { continue }
                        name = "a reply"
                        posts.append(try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: member.id, markdown: text(),
                                                                          html: "<p>x</p>", createdAt: when, held: random.next(upTo: 5) == 0)))
                    case 5:
                        guard let post = posts.randomElement(using: &random) else { continue }
                        name = "an edit"
                        try await store.editPost(id: post, markdown: text(), html: "<p>x</p>", hold: random.next(upTo: 4) == 0, at: when)
                    case 6:
                        guard let post = posts.randomElement(using: &random) else { continue }
                        name = "a hide"
                        try await store.apply(.hidePost(post), by: admin.id, reason: "r", at: when)
                    case 7:
                        guard let post = posts.randomElement(using: &random) else { continue }
                        name = "a restore or approval"
                        try await store.apply(random.next(upTo: 2) == 0 ? .restorePost(post) : .approvePost(post), by: admin.id, reason: "r", at: when)
                    case 8:
                        guard let post = posts.randomElement(using: &random) else { continue }
                        name = "a deletion"
                        try await store.deletePost(id: post, at: when)
                    case 9:
                        guard let thread = threads.randomElement(using: &random) else { continue }
                        name = "a move"
                        try await store.apply(.moveThread(thread, toBoard: boards[random.next(upTo: boards.count)].id), by: admin.id, reason: "r", at: when)
                    case 10:
                        guard let thread = threads.randomElement(using: &random) else { continue }
                        name = "an endorsement"
                        try await store.apply(.markProposal(thread), by: admin.id, reason: "r", at: when)
                        _ = try await store.toggleEndorsement(threadId: thread, by: member, at: when)
                    default:
                        name = "a department change"
                        let departments: [Department?] = [nil] + Department.allCases.map { $0 }
                        try await store.setDepartment(userId: member.id, departments[random.next(upTo: departments.count)], shown: false)
                    }
                } catch is StoreError {
                    // refused (a reply to a hidden thread, an edit of a deleted post…): the write changed nothing
                }
                // then
                let full = try await Self.expectKeptHarvest(store, "step \(step), \(name)")
                try await Self.expectOverviews(store, "step \(step), \(name)", full: full)
            }
            let final = try await store.harvest(at: Self.start)
            #expect(!final.threads.isEmpty && final.termsByBoard.values.contains { !$0.isEmpty }, "the mix left something to count")
        }
    }
}

extension StoreContractTests {
    /// More threads and proposals than the page lists: the store's overview lists the same
    /// first ones, in the same order, and counts the rest, as the cut of a full report does.
    @Test(arguments: StoreKind.available) func theOverviewListsAndCountsAsTheFullReportDoes(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: 56 proposals on two boards, with replies, participants and endorsements that tie and differ
            let boards = Array(try await { _ = try await Self.seeded(store); return try await store.boards() }().prefix(2))
            let groups = Stakeholder.allCases
            var members: [User] = []
            for index in 0..<6 { members.append(try await Self.harvestMember(store, "miembro\(index)", groups[index % groups.count], nil)) }
            let admin = try await Self.harvestMember(store, "admin", .individual, nil, role: .admin)
            var random = SeededRandom(seed: 56)
            var first: Int64 = 0
            for index in 0..<56 {
                let author = members[index % members.count]
                let (thread, _) = try await Self.thread(store, board: boards[index % 2], by: author, "Propuesta \(index)")
                if index == 0 { first = thread }
                try await store.apply(.markProposal(thread), by: admin.id, reason: "r", at: Self.start)
                for _ in 0..<random.next(upTo: 4) {
                    _ = try await Self.reply(store, to: thread, by: members[random.next(upTo: members.count)], "De acuerdo.")
                }
                for member in members where random.next(upTo: 3) == 0 {
                    _ = try await store.toggleEndorsement(threadId: thread, by: member, at: Self.start)
                }
                if index % 9 == 0 { try await store.saveSummary(threadId: thread, markdown: "Síntesis", html: "<p>Síntesis</p>", authorId: admin.id, at: Self.start) }
            }
            // one endorsement given and taken back, in some order
            for _ in 0..<2 { _ = try await store.toggleEndorsement(threadId: first, by: members[0], at: Self.start) }

            // when
            let forum = try #require(try await store.harvestOverview(board: nil, at: Self.start))
            let unknown = try await store.harvestOverview(board: "no-existe", at: Self.start)

            // then
            #expect(forum.threads.count == HarvestOverview.threadsShown && forum.threadCount == 56)
            #expect(forum.proposals.count == HarvestOverview.proposalsShown && forum.proposalCount == 56)
            #expect(forum.summaries.count == 7)
            #expect(unknown == nil)
            try await Self.expectOverviews(store, "56 proposals")
        }
    }
}

/// SplitMix64: the same writes on every run and on both stores.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
