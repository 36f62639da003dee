import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoStore

/// The counters, listing and search index follow a post through held, published and hidden.
@Suite final class ModerationStoreTests {
    let store: AppDatabase

    init() async throws {
        store = try AppDatabase.temporary()
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
    }

    deinit { removeDatabase(at: store.path) }

    func board() async throws -> Board { try #require(try await store.board(slug: "banda-ancha")) }

    /// The handler checks lock, archive and listing before the write; a moderator's action can land
    /// in between, so the write transaction checks again.
    @Test func aReplyWrittenAfterALockOrArchiveOrHideIsRefusedInsideTheWrite() async throws {
        let author = try await store.createUser(NewUser(username: "ana", passwordHash: "$argon2id$v=19$x", role: .admin,
                                                        stakeholder: .academia, createdAt: Date()))
        let boardId = try await board().id
        func thread() async throws -> (Int64, Int64) {
            try await store.createThread(NewThread(boardId: boardId, authorId: author.id, title: "Título largo",
                                                   markdown: "apertura", html: "<p>apertura</p>", createdAt: Date()))
        }
        func reply(_ thread: Int64) async throws {
            _ = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: author.id, markdown: "tarde",
                                                     html: "<p>tarde</p>", createdAt: Date()))
        }
        let (locked, _) = try await thread()
        try await store.apply(.lockThread(locked), by: author.id, reason: "cerrado", at: Date())
        await #expect(throws: StoreError.closed) { try await reply(locked) }
        let (hidden, opening) = try await thread()
        try await store.apply(.hidePost(opening), by: author.id, reason: "oculto", at: Date())
        await #expect(throws: StoreError.closed) { try await reply(hidden) }
        let (open, openingPost) = try await thread()
        try await store.apply(.archiveBoard(boardId), by: author.id, reason: "fin", at: Date())
        await #expect(throws: StoreError.closed) { try await reply(open) }
        await #expect(throws: StoreError.closed) { _ = try await thread() }
        await #expect(throws: StoreError.closed) {
            try await store.editPost(id: openingPost, markdown: "x", html: "<p>x</p>", hold: false, at: Date())
        }
        #expect(try await store.thread(id: open)?.replyCount == 0)
    }

    @Test func anEditThatHoldsAPublishedPostTakesItOutOfCountsAndSearch() async throws {
        let author = try await store.createUser(NewUser(username: "ana", passwordHash: "$argon2id$v=19$x", role: .admin,
                                                        stakeholder: .academia, createdAt: Date()))
        let boardId = try await board().id
        let (thread, _) = try await store.createThread(NewThread(boardId: boardId, authorId: author.id, title: "Título largo",
                                                                 markdown: "apertura", html: "<p>apertura</p>", createdAt: Date()))
        let reply = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: author.id, markdown: "visible",
                                                         html: "<p>visible</p>", createdAt: Date()))
        #expect(try await board().postCount == 2)
        try await store.editPost(id: reply, markdown: "retenida", html: "<p>retenida</p>", hold: true, at: Date())
        #expect(try await board().postCount == 1)
        #expect(try await store.thread(id: thread)?.replyCount == 0)
        #expect(try await store.search("retenida", limit: 5).isEmpty)
        #expect(try await store.post(id: reply)?.held == true)
        try await store.apply(.approvePost(reply), by: author.id, reason: "ok", at: Date())
        #expect(try await board().postCount == 2)
        #expect(try await store.search("retenida", limit: 5).count == 1)
    }

    @Test func hidingAndRestoringKeepCountersListingAndSearchInStep() async throws {
        let author = try await store.createUser(NewUser(username: "ana", passwordHash: "$argon2id$v=19$x", role: .admin,
                                                        stakeholder: .academia, createdAt: Date()))
        let boardId = try await board().id
        let (thread, opening) = try await store.createThread(NewThread(boardId: boardId, authorId: author.id, title: "Título largo",
                                                                       markdown: "apertura", html: "<p>apertura</p>", createdAt: Date()))
        let reply = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: author.id,
                                                         markdown: "respuesta", html: "<p>respuesta</p>", createdAt: Date(), held: true))
        #expect(try await board().postCount == 1)
        #expect(try await store.search("respuesta", limit: 5).isEmpty)

        try await store.apply(.approvePost(reply), by: author.id, reason: "ok", at: Date())
        #expect(try await board().postCount == 2)
        #expect(try await store.thread(id: thread)?.replyCount == 1)
        #expect(try await store.search("respuesta", limit: 5).count == 1)

        try await store.apply(.hidePost(opening), by: author.id, reason: "no", at: Date())
        #expect(try await board().threadCount == 0)
        #expect(try await store.threads(boardId: boardId, before: nil, limit: 10).isEmpty)
        #expect(try await store.search("apertura", limit: 5).isEmpty)
        try await store.apply(.hidePost(opening), by: author.id, reason: "twice", at: Date())
        #expect(try await board().threadCount == 0, "hiding twice changes nothing more")

        try await store.apply(.restorePost(opening), by: author.id, reason: "sí", at: Date())
        #expect(try await board().threadCount == 1)
        #expect(try await store.search("apertura", limit: 5).count == 1)
        #expect(try await board().postCount == 2)
        #expect(try await store.moderationLog(before: nil, limit: 10).map(\.action) == [.restorePost, .hidePost, .hidePost, .approvePost])
    }

    /// Two admins demoting each other at once: the writes run one after the other, and the
    /// second finds its actor no longer an admin. And nobody demotes the last admin.
    @Test func theActorsRoleIsCheckedInsideTheWriteAndTheLastAdminStays() async throws {
        func make(_ name: String, _ role: Role) async throws -> User {
            try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: role,
                                               stakeholder: .academia, createdAt: Date()))
        }
        let ana = try await make("ana", .admin), beto = try await make("beto", .admin)
        try await store.apply(.setRole(beto.id, .moderator), by: ana.id, reason: "r", at: Date())
        await #expect(throws: StoreError.notPermitted) {
            try await store.apply(.setRole(ana.id, .member), by: beto.id, reason: "r", at: Date())
        }
        await #expect(throws: StoreError.lastAdmin) {
            try await store.apply(.setRole(ana.id, .moderator), by: ana.id, reason: "r", at: Date())
        }
        #expect(try await store.user(id: ana.id)?.role == .admin)
        let suspended = try await make("carla", .moderator)
        try await store.apply(.suspendUser(suspended.id, until: nil), by: ana.id, reason: "r", at: Date())
        await #expect(throws: StoreError.notPermitted) {
            try await store.apply(.lockThread(1), by: suspended.id, reason: "r", at: Date())
        }
    }

    @Test func actionsOnMissingTargetsFailAndLogNothing() async throws {
        let admin = try await store.createUser(NewUser(username: "admin", passwordHash: "$argon2id$v=19$x", role: .admin,
                                                       stakeholder: .academia, createdAt: Date()))
        for action in [ModerationAction.hidePost(99), .lockThread(99), .suspendUser(99, until: nil), .setRole(99, .admin),
                       .renameBoard(99, titleES: "a", titleEN: "b"), .moveThread(99, toBoard: 1)] {
            await #expect(throws: StoreError.notFound) { try await store.apply(action, by: admin.id, reason: "r", at: Date()) }
        }
        #expect(try await store.moderationLog(before: nil, limit: 10).isEmpty)
    }

    @Test func theLogRefusesAnEmptyReason() async throws {
        let admin = try await store.createUser(NewUser(username: "admin", passwordHash: "$argon2id$v=19$x", role: .admin,
                                                       stakeholder: .academia, createdAt: Date()))
        await #expect(throws: DatabaseError.self) {
            try await store.apply(.createBoard(slug: "nuevo", titleES: "Nuevo", titleEN: "New"), by: admin.id, reason: "", at: Date())
        }
        #expect(try await store.boards().count == 6, "the action rolled back with its log line")
        try await store.apply(.createBoard(slug: "nuevo", titleES: "Nuevo", titleEN: "New"), by: admin.id, reason: "r", at: Date())
        #expect(try await store.boards().count == 7)
    }
}
