import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// Moderation writes racing each other, as they do when several servers share one PostgreSQL
/// database (issue 19): SQLite's single writer runs them one by one; PostgreSQL must end the
/// same way, with no write lost, counted twice or deadlocked.
extension StoreContractTests {
    /// Runs `work` `count` times at once; what each run returned or threw.
    static func together<T: Sendable>(_ count: Int, _ work: @escaping @Sendable (Int) async throws -> T) async -> [Result<T, any Error>] {
        await withTaskGroup(of: Result<T, any Error>.self) { group in
            for index in 0..<count {
                group.addTask {
                    do { return .success(try await work(index)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// The errors thrown, in no particular order; nil for one that is not a `StoreError`.
    static func failures<T>(_ results: [Result<T, any Error>]) -> [StoreError?] {
        var errors: [StoreError?] = []
        for case .failure(let error) in results { errors.append(error as? StoreError) }
        return errors
    }

    @Test(arguments: StoreKind.available) func membersFlaggingAtOnceHideThePostOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's post and eight established members
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), zoe = try await Self.member(store, "zoe")
            let (elsewhere, _) = try await Self.thread(store, board: board, by: zoe, "Otro hilo")
            let (_, postId) = try await Self.thread(store, board: board, by: ana, "Un hilo dudoso")
            var flaggers: [User] = []
            for number in 1...8 { flaggers.append(try await Self.established(store, "miembro\(number)", postingIn: elsewhere)) }
            let members = flaggers

            // when: all eight flag it at once
            let outcomes = await Self.together(8) { index in
                try await store.flag(postId: postId, by: members[index].id, reason: .abuse, note: "", rule: AutoHideRule(),
                                     at: Self.start.addingTimeInterval(60))
            }

            // then: every flag recorded, one hid the post, once: one log line, one notification, one unlisting
            #expect(outcomes.filter { (try? $0.get()) == .hidden }.count == 1)
            #expect(outcomes.filter { (try? $0.get()) == .recorded }.count == 7)
            #expect(try await store.openFlags(postId: postId).count == 8)
            let log = try await store.moderationLog(before: nil, limit: 10)
            #expect(log.map(\.action) == [.autoHidePost] && log.first?.detail == "3")
            #expect(try await Self.unread(store, ana) == 1)
            #expect(try await store.board(id: board.id)?.threadCount == 1)
        }
    }

    @Test(arguments: StoreKind.available) func approvalsAndHidesAtOnceCountEachChangeOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a thread and a held reply
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            let (threadId, opening) = try await Self.thread(store, board: board, by: admin, "Un hilo", "apertura visible")
            let held = try await store.createReply(NewReply(threadId: threadId, parentId: nil, authorId: admin.id, markdown: "retenida",
                                                            html: "", createdAt: Self.start, held: true))

            // when: eight approvals of the reply at once
            let approvals = await Self.together(8) { _ in
                try await store.apply(.approvePost(held), by: admin.id, reason: "ok", at: Self.start.addingTimeInterval(60))
            }

            // then: each succeeded and was logged, the reply counted once
            #expect(Self.failures(approvals).isEmpty && approvals.allSatisfy { (try? $0.get()) != nil })
            #expect(try await store.board(id: board.id)?.postCount == 2)
            #expect(try await store.thread(id: threadId)?.replyCount == 1)
            #expect(try await store.moderationLog(before: nil, limit: 20).count == 8)

            // when: eight hides and restores of the opening post at once
            let changes = await Self.together(8) { index in
                try await store.apply(index.isMultiple(of: 2) ? .hidePost(opening) : .restorePost(opening), by: admin.id, reason: "r",
                                      at: Self.start.addingTimeInterval(120))
            }

            // then: whichever came last, the listing, the board's count and search agree with it
            #expect(Self.failures(changes).isEmpty && changes.allSatisfy { (try? $0.get()) != nil })
            let visible = try #require(try await store.post(id: opening)).hiddenAt == nil
            #expect(try await store.thread(id: threadId)?.listed == visible)
            #expect(try await store.board(id: board.id)?.threadCount == (visible ? 1 : 0))
            #expect(try await store.search("apertura", limit: 5, offset: 0).count == (visible ? 1 : 0))
        }
    }

    @Test(arguments: StoreKind.available) func adminsDemotingEachOtherAtOnceLeaveOneAdmin(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "ana", role: .admin), beto = try await Self.member(store, "beto", role: .admin)

            // when: each demotes the other at the same moment
            let crossed = await Self.together(2) { index in
                let (actor, target) = index == 0 ? (ana, beto) : (beto, ana)
                try await store.apply(.setRole(target.id, .member), by: actor.id, reason: "r", at: Self.start)
            }

            // then: one won; the other found itself no longer an admin
            #expect(Self.failures(crossed) == [.notPermitted])
            let roles = [try await store.user(id: ana.id)?.role, try await store.user(id: beto.id)?.role]
            #expect(roles.filter { $0 == .admin }.count == 1 && roles.filter { $0 == .member }.count == 1)

            let winner = try #require(roles[0] == .admin ? ana : beto)

            // when: two other admins suspend each other at the same moment
            let dora = try await Self.member(store, "dora", role: .admin), eva = try await Self.member(store, "eva", role: .admin)
            let suspensions = await Self.together(2) { index in
                let (actor, target) = index == 0 ? (dora, eva) : (eva, dora)
                try await store.apply(.suspendUser(target.id, until: nil), by: actor.id, reason: "r", at: Self.start)
            }

            // then: one suspension; the suspended admin's own came second and was refused
            #expect(Self.failures(suspensions) == [.notPermitted])
            let suspended = [try await store.user(id: dora.id), try await store.user(id: eva.id)].filter { $0?.suspendedUntil != nil }
            #expect(suspended.count == 1)
            for admin in [dora, eva] { try await store.apply(.setRole(admin.id, .member), by: winner.id, reason: "r", at: Self.start) }

            // when: the winner and a new admin each step down at once, four times over
            let carla = try await Self.member(store, "carla", role: .admin)
            let resignations = await Self.together(8) { index in
                let actor = index.isMultiple(of: 2) ? winner : carla
                try await store.apply(.setRole(actor.id, .moderator), by: actor.id, reason: "me retiro", at: Self.start)
            }

            // then: exactly one of them stepped down, the forum kept its last admin
            let errors = Self.failures(resignations)
            #expect(errors.count == 7 && errors.allSatisfy { $0 == .lastAdmin || $0 == .notPermitted })
            let admins = [try await store.user(id: winner.id)?.role, try await store.user(id: carla.id)?.role].filter { $0 == .admin }
            #expect(admins.count == 1)
            #expect(try await store.moderationLog(before: nil, limit: 20).count == 5)
        }
    }

    @Test(arguments: StoreKind.available) func boardsMadeAtOnceTakeTheirOwnPositions(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let admin = try await Self.member(store, "admin", role: .admin)

            // when: eight boards at once, and eight of one slug at once
            let made = await Self.together(8) { index in
                try await store.apply(.createBoard(slug: "tema-\(index)", titleES: "Tema \(index)", titleEN: "Theme \(index)"),
                                      by: admin.id, reason: "r", at: Self.start)
            }
            let same = await Self.together(8) { _ in
                try await store.apply(.createBoard(slug: "unico", titleES: "Único", titleEN: "Only"), by: admin.id, reason: "r", at: Self.start)
            }

            // then: each board has a position of its own, after the six; the slug was taken once
            #expect(Self.failures(made).isEmpty && made.allSatisfy { (try? $0.get()) != nil })
            #expect(Self.failures(same) == Array(repeating: .slugTaken, count: 7))
            #expect(try await store.boards().map(\.position) == Array(1...15))

            // when: boards move up and down at once
            let boards = try await store.boards()
            let moves = await Self.together(8) { index in
                try await store.apply(.moveBoard(boards[index + 3].id, up: index.isMultiple(of: 2)), by: admin.id, reason: "r", at: Self.start)
            }

            // then: still one board per position
            #expect(Self.failures(moves).isEmpty)
            #expect(try await store.boards().map(\.position) == Array(1...15))
        }
    }

    @Test(arguments: StoreKind.available) func movesHidesAndHoldsAtOnceKeepBoardCountsTrue(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a thread of four posts, one held
            _ = try await Self.seeded(store)
            let boards = try await store.boards()
            let admin = try await Self.member(store, "admin", role: .admin)
            let ana = try await Self.member(store, "ana")
            let (threadId, _) = try await Self.thread(store, board: boards[0], by: ana, "Un hilo inquieto")
            var replies: [Int64] = []
            for number in 1...3 { replies.append(try await Self.reply(store, to: threadId, by: ana, "Respuesta \(number)")) }
            let held = try await store.createReply(NewReply(threadId: threadId, parentId: nil, authorId: ana.id, markdown: "retenida",
                                                            html: "", createdAt: Self.start, held: true))
            let posts = replies

            // when: moves between two boards, approvals, hides, restores and an edit for review, all at once
            let results = await Self.together(12) { index in
                let at = Self.start.addingTimeInterval(60)
                switch index % 6 {
                case 0, 1: try await store.apply(.moveThread(threadId, toBoard: boards[index % 2].id), by: admin.id, reason: "r", at: at)
                case 2: try await store.apply(.approvePost(held), by: admin.id, reason: "r", at: at)
                case 3: try await store.apply(.hidePost(posts[0]), by: admin.id, reason: "r", at: at)
                case 4: try await store.apply(.restorePost(posts[0]), by: admin.id, reason: "r", at: at)
                default: try await store.editPost(id: posts[1], markdown: "revisar", html: "", hold: true, at: at)
                }
            }

            // then: nothing failed, and both boards count what they hold
            #expect(Self.failures(results).isEmpty && results.allSatisfy { (try? $0.get()) != nil })
            let thread = try #require(try await store.thread(id: threadId))
            let published = try await store.posts(threadId: threadId).filter { !$0.held }.count
            for board in boards.prefix(2) {
                let counted = try #require(try await store.board(id: board.id))
                let here = board.id == thread.boardId
                #expect(counted.threadCount == (here ? 1 : 0) && counted.postCount == (here ? published : 0), "\(board.slug)")
            }
            #expect(thread.replyCount == published - 1)
        }
    }

    @Test(arguments: StoreKind.available) func requestsDeletesAndEditsAtOnceTakeEffectOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's hidden reply and her thread
            let board = try await Self.seeded(store)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana")
            let (threadId, opening) = try await Self.thread(store, board: board, by: ana, "Un hilo de ana")
            let reply = try await Self.reply(store, to: threadId, by: ana, "Oculta")
            try await store.apply(.hidePost(reply), by: moderator.id, reason: "no", at: Self.start)

            // when: she asks for a review eight times at once
            let requests = await Self.together(8) { index in
                try await store.appeal(postId: reply, by: ana.id, text: "Petición \(index)", at: Self.start)
            }
            // then: one request, seven refusals
            #expect(Self.failures(requests) == Array(repeating: .alreadyAppealed, count: 7))
            #expect(try await store.openAppeal(postId: reply) != nil)

            // when: eight edits of the opening post at once
            let edits = await Self.together(8) { index in
                try await store.editPost(id: opening, markdown: "versión \(index)", html: "", hold: false, at: Self.start.addingTimeInterval(60))
            }
            // then: every one kept the one before it
            #expect(Self.failures(edits).isEmpty && edits.allSatisfy { (try? $0.get()) != nil })
            #expect(try await store.revisions(postId: opening).count == 8)

            // when: it is deleted eight times at once
            let deletes = await Self.together(8) { _ in try await store.deletePost(id: opening, at: Self.start.addingTimeInterval(120)) }
            // then: deleted once, the thread unlisted once
            #expect(Self.failures(deletes) == Array(repeating: .notFound, count: 7))
            #expect(try await store.board(id: board.id)?.threadCount == 0)
            #expect(try await store.revisions(postId: opening).isEmpty)
        }
    }
}
