import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// Moderation on both stores: staff actions with their log lines and notifications, flags and
/// the auto-hide rule, requests for review, the queue and the public log.
extension StoreContractTests {
    /// How many unread notifications the member has, as the header counts them.
    static func unread(_ store: any ForumStoreCore, _ user: User) async throws -> Int {
        let token = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
        try await store.createSession(tokenHash: token, userId: user.id, userAgent: "", at: start)
        let signedIn = try await store.sessionUser(tokenHash: token, now: start, idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off)
        try await store.deleteSession(tokenHash: token)
        return try #require(signedIn).unreadNotifications
    }

    /// The kinds of the member's notifications, newest first, on a store that lists them (nil
    /// on one that does not yet).
    static func notificationKinds(_ store: any ForumStoreCore, _ user: User) async throws -> [NotificationKind]? {
        guard let lists = store as? any MailAndNotificationStore else { return nil }
        return try await lists.notifications(userId: user.id, before: nil, limit: 50).map(\.kind)
    }

    /// A member the auto-hide rule counts: two days old, with a published post.
    static func established(_ store: any ForumStoreCore, _ name: String, postingIn threadId: Int64) async throws -> User {
        let user = try await member(store, name, at: start.addingTimeInterval(-2 * 86400))
        _ = try await reply(store, to: threadId, by: user, "Hola, soy \(name)")
        return user
    }

    // MARK: Posts

    /// The handler checks lock, archive and listing before the write; a moderator's action can land
    /// in between, so the write transaction checks again.
    @Test(arguments: StoreKind.available) func aReplyWrittenAfterALockOrArchiveOrHideIsRefusedInsideTheWrite(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "ana", role: .admin)

            // when, then: a locked thread
            let (locked, _) = try await Self.thread(store, board: board, by: admin, "Título largo")
            try await store.apply(.lockThread(locked), by: admin.id, reason: "cerrado", at: Self.start)
            await #expect(throws: StoreError.closed) { _ = try await Self.reply(store, to: locked, by: admin, "tarde") }

            // when, then: a thread whose opening post is hidden
            let (hidden, opening) = try await Self.thread(store, board: board, by: admin, "Título largo")
            try await store.apply(.hidePost(opening), by: admin.id, reason: "oculto", at: Self.start)
            await #expect(throws: StoreError.closed) { _ = try await Self.reply(store, to: hidden, by: admin, "tarde") }

            // when, then: an archived board
            let (open, openingPost) = try await Self.thread(store, board: board, by: admin, "Título largo")
            try await store.apply(.archiveBoard(board.id), by: admin.id, reason: "fin", at: Self.start)
            await #expect(throws: StoreError.closed) { _ = try await Self.reply(store, to: open, by: admin, "tarde") }
            await #expect(throws: StoreError.closed) { _ = try await Self.thread(store, board: board, by: admin, "Título largo") }
            await #expect(throws: StoreError.closed) {
                try await store.editPost(id: openingPost, markdown: "x", html: "<p>x</p>", hold: false, at: Self.start)
            }
            #expect(try await store.thread(id: open)?.replyCount == 0)
        }
    }

    @Test(arguments: StoreKind.available) func hidingAndRestoringKeepCountersListingAndSearchInStep(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a thread and a held reply
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "ana", role: .admin)
            let (thread, opening) = try await Self.thread(store, board: board, by: admin, "Título largo", "apertura")
            let reply = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: admin.id, markdown: "respuesta",
                                                             html: "<p>respuesta</p>", createdAt: Self.start, held: true))
            #expect(try await store.board(id: board.id)?.postCount == 1)
            #expect(try await store.search("respuesta", limit: 5, offset: 0).isEmpty)

            // when: approved
            try await store.apply(.approvePost(reply), by: admin.id, reason: "ok", at: Self.start)
            // then
            #expect(try await store.board(id: board.id)?.postCount == 2)
            #expect(try await store.thread(id: thread)?.replyCount == 1)
            #expect(try await store.search("respuesta", limit: 5, offset: 0).count == 1)

            // when: the opening post is hidden (twice)
            try await store.apply(.hidePost(opening), by: admin.id, reason: "no", at: Self.start)
            // then: the thread leaves its board and search
            #expect(try await store.board(id: board.id)?.threadCount == 0)
            #expect(try await store.threads(boardId: board.id, before: nil, limit: 10).isEmpty)
            #expect(try await store.search("apertura", limit: 5, offset: 0).isEmpty)
            try await store.apply(.hidePost(opening), by: admin.id, reason: "twice", at: Self.start)
            #expect(try await store.board(id: board.id)?.threadCount == 0, "hiding twice changes nothing more")

            // when: restored
            try await store.apply(.restorePost(opening), by: admin.id, reason: "sí", at: Self.start)
            // then
            #expect(try await store.board(id: board.id)?.threadCount == 1)
            #expect(try await store.search("apertura", limit: 5, offset: 0).count == 1)
            #expect(try await store.board(id: board.id)?.postCount == 2)
            #expect(try await store.moderationLog(before: nil, limit: 10).map(\.action) == [.restorePost, .hidePost, .hidePost, .approvePost])
        }
    }

    @Test(arguments: StoreKind.available) func postActionsTellTheirAuthor(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's thread and her held reply
            let board = try await Self.seeded(store)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana")
            let (threadId, opening) = try await Self.thread(store, board: board, by: ana, "Un hilo de ana")
            let held = try await store.createReply(NewReply(threadId: threadId, parentId: nil, authorId: ana.id, markdown: "espera",
                                                            html: "", createdAt: Self.start, held: true))
            #expect(try await Self.unread(store, ana) == 1) // her reply waits for review

            // when: approved, the opening hidden and restored
            try await store.apply(.approvePost(held), by: moderator.id, reason: "bien", at: Self.start)
            try await store.apply(.hidePost(opening), by: moderator.id, reason: "fuera de tema", at: Self.start)
            try await store.apply(.restorePost(opening), by: moderator.id, reason: "revisado", at: Self.start)

            // then: each told her, nobody else
            #expect(try await Self.unread(store, ana) == 4)
            #expect(try await Self.unread(store, moderator) == 0)
            if let kinds = try await Self.notificationKinds(store, ana) {
                #expect(kinds == [.postRestored, .postHidden, .postApproved, .postHeld])
            }
        }
    }

    // MARK: Threads

    @Test(arguments: StoreKind.available) func threadActionsAreLoggedAndMovesCarryTheirCounts(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's thread with a reply, on the first board
            _ = try await Self.seeded(store)
            let boards = try await store.boards()
            let (first, second) = (boards[0], boards[1])
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana")
            let (threadId, _) = try await Self.thread(store, board: first, by: ana, "Un hilo que se mueve")
            _ = try await Self.reply(store, to: threadId, by: moderator, "Respuesta", at: Self.start.addingTimeInterval(60))
            func act(_ action: ModerationAction) async throws {
                try await store.apply(action, by: moderator.id, reason: "motivo", at: Self.start.addingTimeInterval(120))
            }

            // when: locked, pinned, marked, and back
            try await act(.lockThread(threadId))
            try await act(.pinThread(threadId))
            try await act(.markProposal(threadId))
            var thread = try #require(try await store.thread(id: threadId))
            #expect(thread.locked && thread.pinned && thread.isProposal)
            try await act(.unlockThread(threadId))
            try await act(.unpinThread(threadId))
            try await act(.unmarkProposal(threadId))
            thread = try #require(try await store.thread(id: threadId))
            #expect(!thread.locked && !thread.pinned && !thread.isProposal)

            // when: moved to the second board, then "moved" where it is
            try await act(.moveThread(threadId, toBoard: second.id))
            try await act(.moveThread(threadId, toBoard: second.id))

            // then: the counts went with it
            #expect(try await store.thread(id: threadId)?.boardId == second.id)
            let from = try #require(try await store.board(id: first.id)), to = try #require(try await store.board(id: second.id))
            #expect(from.threadCount == 0 && from.postCount == 0)
            #expect(to.threadCount == 1 && to.postCount == 2 && to.lastPostAt == Self.start.addingTimeInterval(60))
            #expect(try await store.threads(boardId: second.id, before: nil, limit: 10).map(\.id) == [threadId])

            // then: every action logged with its thread; a move says from where to where
            let log = try await store.moderationLog(before: nil, limit: 20)
            #expect(log.map(\.action) == [.moveThread, .moveThread, .unmarkProposal, .unpinThread, .unlockThread, .markProposal,
                                          .pinThread, .lockThread])
            #expect(log.map(\.detail) == ["\(second.slug) → \(second.slug)", "\(first.slug) → \(second.slug)", "", "", "", "", "", ""])
            #expect(log.allSatisfy { $0.targetKind == .thread && $0.threadId == threadId && $0.threadTitle == "Un hilo que se mueve" })
            #expect(log.allSatisfy { $0.actor == .member(name: "mod") && $0.reason == "motivo" && $0.createdAt == Self.start.addingTimeInterval(120) })

            // then: the author was told of the lock and the move that moved it (and of the reply)
            #expect(try await Self.unread(store, ana) == 3)
            if let kinds = try await Self.notificationKinds(store, ana) { #expect(kinds == [.threadMoved, .threadLocked, .threadReply]) }

            // when: the thread is unlisted, the public log keeps its lines but not its title
            let opening = try #require(try await store.posts(threadId: threadId).first?.id)
            try await act(.hidePost(opening))
            let hidden = try await store.moderationLog(before: nil, limit: 20)
            #expect(hidden.count == 9 && hidden.allSatisfy { $0.threadId == threadId && $0.threadTitle == nil })
        }
    }

    // MARK: Boards

    @Test(arguments: StoreKind.available) func boardActionsAreLoggedAndPagedThroughTheLog(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let seeded = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            func act(_ action: ModerationAction, by actor: User? = nil) async throws {
                try await store.apply(action, by: (actor ?? admin).id, reason: "orden", at: Self.start)
            }

            // when: a board is made, renamed, moved up, archived and back, dated and given a panel
            try await act(.createBoard(slug: "gobernanza", titleES: "Gobernanza", titleEN: "Governance"))
            await #expect(throws: StoreError.slugTaken) { try await act(.createBoard(slug: "gobernanza", titleES: "Otra", titleEN: "Other")) }
            await #expect(throws: StoreError.notPermitted) {
                try await act(.createBoard(slug: "de-moderador", titleES: "No", titleEN: "No"), by: moderator)
            }
            let board = try #require(try await store.board(slug: "gobernanza"))
            #expect(board.position == 7 && board.titleES == "Gobernanza" && board.titleEN == "Governance" && !board.archived)
            try await act(.renameBoard(board.id, titleES: "Gobernanza de Internet", titleEN: "Internet governance"))
            try await act(.moveBoard(board.id, up: true))
            await #expect(throws: StoreError.notFound) { try await act(.moveBoard(seeded.id, up: true)) }
            try await act(.archiveBoard(board.id))
            #expect(try await store.boards().last?.id == board.id, "archived boards come last")
            #expect(try await store.board(id: board.id)?.archived == true)
            try await act(.unarchiveBoard(board.id))
            let schedule = BoardSchedule(opensAt: Self.start, closesAt: Self.start.addingTimeInterval(86400))
            try await act(.scheduleBoard(board.id, schedule))
            let panel = BoardPanel(startsAt: Self.start.addingTimeInterval(3600), endsAt: Self.start.addingTimeInterval(7200),
                                   place: "Salón 1", moderators: "Ana", panelists: "Beto, Carla", streamURL: "https://example.org/vivo")
            try await act(.setBoardPanel(board.id, panel))

            // then
            let boards = try await store.boards()
            #expect(boards.map(\.slug).suffix(2) == ["gobernanza", BoardSeed.panelThemes[5].slug])
            #expect(boards.map(\.position) == Array(1...7))
            let changed = try #require(try await store.board(id: board.id))
            #expect(changed.titleES == "Gobernanza de Internet" && changed.titleEN == "Internet governance" && !changed.archived)
            #expect(changed.schedule == schedule && changed.panel == panel)

            // then: the log, newest first, names the board, in pages
            let log = try await store.moderationLog(before: nil, limit: 20)
            #expect(log.map(\.action) == [.setBoardPanel, .scheduleBoard, .unarchiveBoard, .archiveBoard, .moveBoard, .renameBoard, .createBoard])
            let opens = String(Int64(Self.start.timeIntervalSince1970))
            #expect(log.map(\.detail) == [String(Int64(Self.start.timeIntervalSince1970) + 3600), "\(opens)/\(Int64(opens)! + 86400)", "", "",
                                          "↑", "Gobernanza → Gobernanza de Internet", "gobernanza"])
            #expect(log.allSatisfy { $0.targetKind == .board && $0.targetId == board.id && $0.boardSlug == "gobernanza" })
            #expect(log.allSatisfy { $0.boardTitleES == "Gobernanza de Internet" && $0.boardTitleEN == "Internet governance" })
            #expect(log.allSatisfy { $0.threadId == nil && $0.userName == nil && $0.actor == .member(name: "admin") })
            let firstPage = try await store.moderationLog(before: nil, limit: 3)
            let secondPage = try await store.moderationLog(before: firstPage.last?.id, limit: 3)
            let lastPage = try await store.moderationLog(before: secondPage.last?.id, limit: 3)
            #expect((firstPage + secondPage + lastPage).map(\.id) == log.map(\.id))
            #expect(try await store.moderationLog(before: log.last?.id, limit: 3).isEmpty)

            // when: the schedule and panel are cleared
            try await act(.scheduleBoard(board.id, BoardSchedule()))
            try await act(.setBoardPanel(board.id, BoardPanel()))
            let cleared = try #require(try await store.board(id: board.id))
            #expect(cleared.schedule == BoardSchedule() && cleared.panel == nil)
            #expect(try await store.moderationLog(before: nil, limit: 2).map(\.detail) == ["", "/"])
        }
    }

    // MARK: Accounts

    /// Two admins demoting each other: the second finds its actor no longer an admin. Nobody
    /// demotes the last admin; a suspended moderator moderates nothing.
    @Test(arguments: StoreKind.available) func theActorsRoleIsCheckedInsideTheWriteAndTheLastAdminStays(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let ana = try await Self.member(store, "ana", role: .admin), beto = try await Self.member(store, "beto", role: .admin)
            try await store.apply(.setRole(beto.id, .moderator), by: ana.id, reason: "r", at: Self.start)
            await #expect(throws: StoreError.notPermitted) {
                try await store.apply(.setRole(ana.id, .member), by: beto.id, reason: "r", at: Self.start)
            }
            await #expect(throws: StoreError.lastAdmin) {
                try await store.apply(.setRole(ana.id, .moderator), by: ana.id, reason: "r", at: Self.start)
            }
            #expect(try await store.user(id: ana.id)?.role == .admin)
            let suspended = try await Self.member(store, "carla", role: .moderator)
            try await store.apply(.suspendUser(suspended.id, until: nil), by: ana.id, reason: "r", at: Self.start)
            await #expect(throws: StoreError.notPermitted) {
                try await store.apply(.lockThread(1), by: suspended.id, reason: "r", at: Self.start)
            }
            let member = try await Self.member(store, "dora")
            await #expect(throws: StoreError.notPermitted) {
                try await store.apply(.lockThread(1), by: member.id, reason: "r", at: Self.start)
            }
            await #expect(throws: StoreError.notPermitted) {
                try await store.apply(.lockThread(1), by: member.id + 100, reason: "r", at: Self.start)
            }
        }
    }

    @Test(arguments: StoreKind.available) func suspensionsAndRolesAreLoggedWithTheirAccount(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let admin = try await Self.member(store, "admin", role: .admin)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana")
            let until = Self.start.addingTimeInterval(86400)

            // when: suspended for a day, lifted, suspended until lifted
            try await store.apply(.suspendUser(ana.id, until: until), by: moderator.id, reason: "insultos", at: Self.start)
            var suspended = try #require(try await store.user(id: ana.id))
            #expect(suspended.suspendedUntil == until && suspended.suspensionReason == "insultos")
            try await store.apply(.unsuspendUser(ana.id), by: moderator.id, reason: "cumplida", at: Self.start)
            #expect(try await store.user(id: ana.id)?.suspendedUntil == nil)
            #expect(try await store.user(id: ana.id)?.suspensionReason == nil)
            try await store.apply(.suspendUser(ana.id, until: nil), by: moderator.id, reason: "spam", at: Self.start)
            suspended = try #require(try await store.user(id: ana.id))
            #expect(suspended.suspendedUntil == Date.untilLifted && suspended.suspensionReason == "spam")

            // when: roles change, by an admin only
            await #expect(throws: StoreError.notPermitted) {
                try await store.apply(.setRole(ana.id, .moderator), by: moderator.id, reason: "r", at: Self.start)
            }
            try await store.apply(.setRole(ana.id, .committee), by: admin.id, reason: "comité", at: Self.start)
            #expect(try await store.user(id: ana.id)?.role == .committee)

            // then
            let log = try await store.moderationLog(before: nil, limit: 10)
            #expect(log.map(\.action) == [.setRole, .suspendUser, .unsuspendUser, .suspendUser])
            #expect(log.map(\.detail) == ["member → committee", "", "", String(Int64(until.timeIntervalSince1970))])
            #expect(log.allSatisfy { $0.targetKind == .user && $0.targetId == ana.id && $0.userName == "ana" && $0.threadTitle == nil })
            #expect(log.map(\.actor) == [.member(name: "admin"), .member(name: "mod"), .member(name: "mod"), .member(name: "mod")])
        }
    }

    @Test(arguments: StoreKind.available) func actionsOnMissingTargetsFailAndLogNothing(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            for action in [ModerationAction.hidePost(99), .restorePost(99), .approvePost(99), .dismissFlags(99), .dismissAppeal(99),
                           .lockThread(99), .pinThread(99), .markProposal(99), .moveThread(99, toBoard: board.id),
                           .suspendUser(99, until: nil), .unsuspendUser(99), .setRole(99, .admin),
                           .renameBoard(99, titleES: "a", titleEN: "b"), .moveBoard(99, up: false), .archiveBoard(99),
                           .scheduleBoard(99, BoardSchedule()), .setBoardPanel(99, BoardPanel()), .removeWatchedWord(99)] {
                await #expect(throws: StoreError.notFound, "\(action)") { try await store.apply(action, by: admin.id, reason: "r", at: Self.start) }
            }
            let (threadId, _) = try await Self.thread(store, board: board, by: admin, "Hilo que no se mueve")
            await #expect(throws: StoreError.notFound) {
                try await store.apply(.moveThread(threadId, toBoard: 99), by: admin.id, reason: "r", at: Self.start)
            }
            #expect(try await store.moderationLog(before: nil, limit: 10).isEmpty)
            #expect(try await store.thread(id: threadId)?.boardId == board.id)
        }
    }

    @Test(arguments: StoreKind.available) func theLogRefusesAnEmptyReason(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let admin = try await Self.member(store, "admin", role: .admin)
            await #expect(throws: (any Error).self) {
                try await store.apply(.createBoard(slug: "nuevo", titleES: "Nuevo", titleEN: "New"), by: admin.id, reason: "", at: Self.start)
            }
            #expect(try await store.boards().count == 6, "the action rolled back with its log line")
            try await store.apply(.createBoard(slug: "nuevo", titleES: "Nuevo", titleEN: "New"), by: admin.id, reason: "r", at: Self.start)
            #expect(try await store.boards().count == 7)
        }
    }

    // MARK: Watched words

    @Test(arguments: StoreKind.available) func watchedWordsAreListedInTextOrderAndLoggedWithoutTheWord(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let admin = try await Self.member(store, "admin", role: .admin)
            func act(_ action: ModerationAction) async throws { try await store.apply(action, by: admin.id, reason: "lista", at: Self.start) }

            // when
            for (phrase, response) in [("redes", WatchedWord.Response.hold), ("red social", .block), ("apuesta", .hold), ("zeta", .block)] {
                try await act(.addWatchedWord(phrase, response))
            }
            await #expect(throws: StoreError.duplicateWord) { try await act(.addWatchedWord("apuesta", .block)) }

            // then: ordered by their bytes (a space before any letter), whatever the database's locale
            let words = try await store.watchedWords()
            #expect(words.map(\.phrase) == ["apuesta", "red social", "redes", "zeta"])
            #expect(words.map(\.response) == [.hold, .block, .hold, .block])

            // when: one goes
            try await act(.removeWatchedWord(words[0].id))
            await #expect(throws: StoreError.notFound) { try await act(.removeWatchedWord(words[0].id)) }
            #expect(try await store.watchedWords().map(\.phrase) == ["red social", "redes", "zeta"])

            // then: the log says what was added and what it does, never the word
            let log = try await store.moderationLog(before: nil, limit: 10)
            #expect(log.map(\.action) == [.removeWatchedWord, .addWatchedWord, .addWatchedWord, .addWatchedWord, .addWatchedWord])
            #expect(log.map(\.detail) == ["", "block", "hold", "block", "hold"])
            #expect(log.allSatisfy { $0.targetKind == .word && !$0.detail.contains("red") })
            #expect(log.first?.targetId == words[0].id)
        }
    }

    // MARK: Flags

    @Test(arguments: StoreKind.available) func flagsHideAPostWhenEnoughEstablishedMembersFlagIt(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's reply, three established members and a newcomer, who post elsewhere
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), zoe = try await Self.member(store, "zoe")
            let (elsewhere, _) = try await Self.thread(store, board: board, by: zoe, "Otro hilo")
            let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Un hilo cualquiera")
            let reply = try await Self.reply(store, to: threadId, by: ana, "Texto dudoso")
            let beto = try await Self.established(store, "beto", postingIn: elsewhere)
            let carla = try await Self.established(store, "carla", postingIn: elsewhere)
            let dora = try await Self.established(store, "dora", postingIn: elsewhere)
            let newcomer = try await Self.member(store, "nuevo")
            _ = try await Self.reply(store, to: elsewhere, by: newcomer, "Recién llegado")
            let rule = AutoHideRule()
            func flag(_ postId: Int64, by user: User, _ reason: FlagReason = .abuse) async throws -> FlagOutcome {
                try await store.flag(postId: postId, by: user.id, reason: reason, note: "nota de \(user.username)", rule: rule,
                                     at: Self.start.addingTimeInterval(3600))
            }

            // when: the newcomer and two established members flag it; one twice
            #expect(try await flag(reply, by: newcomer, .spam) == .recorded)
            #expect(try await flag(reply, by: beto) == .recorded)
            await #expect(throws: StoreError.alreadyFlagged) { _ = try await flag(reply, by: beto) }
            #expect(try await flag(reply, by: carla, .offTopic) == .recorded)

            // then: only two count, so it waits in the queue with every flag, in order
            #expect(try await store.post(id: reply)?.isHidden == false)
            let flags = try await store.openFlags(postId: reply)
            #expect(flags.map(\.flaggerName) == ["nuevo", "beto", "carla"])
            #expect(flags.map(\.reason) == [.spam, .abuse, .offTopic])
            #expect(flags.first?.note == "nota de nuevo" && flags.first?.createdAt == Self.start.addingTimeInterval(3600))
            let queue = try await store.moderationQueue(limit: 10)
            #expect(queue.map(\.post.id) == [reply])
            #expect(queue.first?.flags == flags && queue.first?.threadTitle == "Un hilo cualquiera" && queue.first?.appeal == nil)

            // when: the third established member flags it
            #expect(try await flag(reply, by: dora) == .hidden)

            // then: hidden by the forum itself, logged, the author told; the flags stay open for review
            let hidden = try #require(try await store.post(id: reply))
            #expect(hidden.isHidden && hidden.hiddenAutomatically)
            let log = try await store.moderationLog(before: nil, limit: 10)
            #expect(log.map(\.action) == [.autoHidePost])
            #expect(log.first?.actor == .forum && log.first?.detail == "3" && log.first?.reason == "flags: 3")
            #expect(log.first?.threadId == threadId && log.first?.targetId == reply)
            #expect(try await Self.unread(store, ana) == 1)
            if let kinds = try await Self.notificationKinds(store, ana) { #expect(kinds == [.postHidden]) }
            #expect(try await store.openFlags(postId: reply).count == 4)

            // when: a moderator dismisses the flags
            let moderator = try await Self.member(store, "mod", role: .moderator)
            try await store.apply(.dismissFlags(reply), by: moderator.id, reason: "revisado", at: Self.start)
            #expect(try await store.openFlags(postId: reply).isEmpty)
            #expect(try await store.post(id: reply)?.hiddenAutomatically == true, "dismissing flags decides nothing about the post")

            // then: a staff member's post is only queued; a deleted or missing post cannot be flagged
            let staffPost = try await Self.reply(store, to: elsewhere, by: moderator, "Aviso del equipo")
            for flagger in [beto, carla, dora] { #expect(try await flag(staffPost, by: flagger) == .recorded) }
            #expect(try await store.post(id: staffPost)?.isHidden == false)
            #expect(try await store.moderationQueue(limit: 10).map(\.post.id) == [staffPost])
            try await store.deletePost(id: staffPost, at: Self.start)
            await #expect(throws: StoreError.notFound) { _ = try await flag(staffPost, by: ana) }
            await #expect(throws: StoreError.notFound) { _ = try await flag(staffPost + 100, by: ana) }
            #expect(try await store.moderationQueue(limit: 10).isEmpty, "deleted posts leave the queue")
        }
    }

    // MARK: Requests for review

    @Test(arguments: StoreKind.available) func theAuthorOfAHiddenPostAsksForReviewOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: two replies by ana
            let board = try await Self.seeded(store)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana"), beto = try await Self.member(store, "beto")
            let (threadId, _) = try await Self.thread(store, board: board, by: beto, "Un hilo de beto")
            let first = try await Self.reply(store, to: threadId, by: ana, "Una cita")
            let second = try await Self.reply(store, to: threadId, by: ana, "Otra cita")
            func ask(_ postId: Int64, by user: User) async throws {
                try await store.appeal(postId: postId, by: user.id, text: "Era una cita textual", at: Self.start.addingTimeInterval(60))
            }

            // then: only a hidden post of one's own can be put up for review
            await #expect(throws: StoreError.notHidden) { try await ask(first, by: ana) }
            try await store.apply(.hidePost(first), by: moderator.id, reason: "insulto", at: Self.start)
            try await store.apply(.hidePost(second), by: moderator.id, reason: "insulto", at: Self.start)
            await #expect(throws: StoreError.notFound) { try await ask(first, by: beto) }
            await #expect(throws: StoreError.notFound) { try await ask(first + 100, by: ana) }

            // when: she asks, twice
            try await ask(first, by: ana)
            await #expect(throws: StoreError.alreadyAppealed) { try await ask(first, by: ana) }

            // then: it waits in the queue
            let appeal = try #require(try await store.openAppeal(postId: first))
            #expect(appeal.postId == first && appeal.text == "Era una cita textual" && appeal.outcome == nil && appeal.resolvedAt == nil)
            #expect(appeal.createdAt == Self.start.addingTimeInterval(60))
            #expect(try await store.moderationQueue(limit: 10).map(\.post.id) == [first])
            #expect(try await store.moderationQueue(limit: 10).first?.appeal == appeal)

            // when: dismissed: the post stays hidden, the request is decided, and is not asked again
            try await store.apply(.dismissAppeal(first), by: moderator.id, reason: "se mantiene", at: Self.start.addingTimeInterval(120))
            #expect(try await store.openAppeal(postId: first) == nil)
            #expect(try await store.post(id: first)?.isHidden == true)
            await #expect(throws: StoreError.notFound) {
                try await store.apply(.dismissAppeal(first), by: moderator.id, reason: "otra vez", at: Self.start)
            }
            await #expect(throws: StoreError.alreadyAppealed) { try await ask(first, by: ana) }
            let page = try #require(try await store.threadPage(id: threadId, viewerId: ana.id))
            #expect(page.appeals[first]?.outcome == .dismissed && page.appeals[first]?.resolvedAt == Self.start.addingTimeInterval(120))

            // when: the other is asked for and restored: the restore upholds it
            try await ask(second, by: ana)
            try await store.apply(.restorePost(second), by: moderator.id, reason: "era cita", at: Self.start.addingTimeInterval(180))
            #expect(try await store.openAppeal(postId: second) == nil)
            #expect(try await store.post(id: second)?.isHidden == false)
            #expect(try await store.moderationQueue(limit: 10).isEmpty)

            // then: the log says a restore decided a request; ana was told of each step
            let log = try await store.moderationLog(before: nil, limit: 10)
            #expect(log.map(\.action) == [.restorePost, .dismissAppeal, .hidePost, .hidePost])
            #expect(log.first?.detail == "appeal")
            #expect(try await Self.unread(store, ana) == 4)
            if let kinds = try await Self.notificationKinds(store, ana) {
                #expect(kinds == [.appealUpheld, .appealDismissed, .postHidden, .postHidden])
            }

            // when: a hidden post with an open request is deleted, the request goes with it
            try await store.apply(.hidePost(second), by: moderator.id, reason: "de nuevo", at: Self.start)
            let third = try await Self.reply(store, to: threadId, by: ana, "Tercera")
            try await store.apply(.hidePost(third), by: moderator.id, reason: "no", at: Self.start)
            try await ask(third, by: ana)
            try await store.deletePost(id: third, at: Self.start)
            #expect(try await store.openAppeal(postId: third) == nil)
            #expect(try await store.moderationQueue(limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func theQueueHoldsFlaggedHeldAndAppealedPostsNewestFirst(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a flagged post, a held one, and a hidden one put up for review
            let board = try await Self.seeded(store)
            let moderator = try await Self.member(store, "mod", role: .moderator)
            let ana = try await Self.member(store, "ana")
            let (threadId, flagged) = try await Self.thread(store, board: board, by: ana, "Un hilo marcado")
            _ = try await store.flag(postId: flagged, by: moderator.id, reason: .other, note: "", rule: AutoHideRule(), at: Self.start)
            let held = try await store.createReply(NewReply(threadId: threadId, parentId: nil, authorId: ana.id, markdown: "retenida",
                                                            html: "", createdAt: Self.start, held: true))
            let appealed = try await Self.reply(store, to: threadId, by: ana, "oculta")
            try await store.apply(.hidePost(appealed), by: moderator.id, reason: "no", at: Self.start)
            try await store.appeal(postId: appealed, by: ana.id, text: "revísela", at: Self.start)

            // then
            let queue = try await store.moderationQueue(limit: 10)
            #expect(queue.map(\.post.id) == [appealed, held, flagged])
            #expect(queue.map(\.flags.count) == [0, 0, 1] && queue.map { $0.appeal != nil } == [true, false, false])
            #expect(queue.allSatisfy { $0.threadTitle == "Un hilo marcado" && $0.post.authorName == "ana" })
            #expect(try await store.moderationQueue(limit: 2).map(\.post.id) == [appealed, held])

            // when: each is dealt with
            try await store.apply(.approvePost(held), by: moderator.id, reason: "ok", at: Self.start)
            try await store.apply(.dismissFlags(flagged), by: moderator.id, reason: "ok", at: Self.start)
            try await store.apply(.dismissAppeal(appealed), by: moderator.id, reason: "no", at: Self.start)

            // then
            #expect(try await store.moderationQueue(limit: 10).isEmpty)
        }
    }
}
