import CabildoCore
import CabildoStore
import Foundation

/// A small SQLite forum with at least one row in every table `cabildo copy` copies, made through
/// the store's own methods as members and staff would (`PostgresCopyTests` checks that no table
/// is left empty): accounts of every role, an admin with two-factor sign-in and recovery codes,
/// sessions and a sign-in challenge, boards with dates and a panel, threads, replies, an edit,
/// a hidden post with its appeal, a held and a deleted one, a flag, a watched word, a proposal
/// with an endorsement, a synthesis, conclusions, notifications, watches, e-mail confirmed and
/// pending, mail in the outbox, a quota, and the server key.
struct CopyFixture {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    var admin: User
    var ana: User
    var beto: User
    var committee: User
    var moderator: User
    var board: Board
    var opening: (threadId: Int64, postId: Int64)
    var proposal: Int64
    var anaToken: Data
    var adminToken: Data

    var everyone: [User] { [admin, ana, beto, committee, moderator] }
    var threads: [Int64] { [opening.threadId, proposal] }

    static func build(_ store: AppDatabase) async throws -> CopyFixture {
        var clock = start
        func next() -> Date {
            clock = clock.addingTimeInterval(1)
            return clock
        }
        func account(_ name: String, _ role: Role, _ group: Stakeholder, _ department: Department? = nil) async throws -> User {
            try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$" + name, role: role,
                                               stakeholder: group, department: department, createdAt: next()))
        }
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let boards = try await store.boards()
        let board = boards[0], other = boards[1]
        let admin = try await account("presidencia", .admin, .government)
        let ana = try await account("ana_lópez", .member, .academia, .quetzaltenango)
        let beto = try await account("beto", .member, .civilSociety)
        let committee = try await account("comite", .committee, .internationalOrganization)
        let moderator = try await account("moderadora", .moderator, .technicalCommunity)
        _ = try await store.serverKey()

        // Boards: dates and a live panel; a watched word. Each leaves its line in the public log.
        try await store.apply(.scheduleBoard(other.id, BoardSchedule(opensAt: start.addingTimeInterval(-86_400),
                                                                     closesAt: start.addingTimeInterval(30 * 86_400))),
                              by: admin.id, reason: "calendario", at: next())
        try await store.apply(.setBoardPanel(other.id, BoardPanel(startsAt: start.addingTimeInterval(10 * 86_400),
                                                                  endsAt: start.addingTimeInterval(10 * 86_400 + 5_400),
                                                                  place: "Salón Los Lagos", moderators: "Una moderadora",
                                                                  panelists: "Tres ponentes", streamURL: "https://example.org/vivo")),
                              by: admin.id, reason: "panel", at: next())
        try await store.apply(.addWatchedWord("palabra-vigilada", .hold), by: admin.id, reason: "spam", at: next())

        // A thread, replies (each notifies the author replied to), an edit, and posts search must not find.
        let opening = try await store.createThread(NewThread(
            boardId: board.id, authorId: ana.id, title: "Protección de datos personales",
            markdown: "La privacidad importa: protección y consentimiento.", html: "<p>La privacidad importa.</p>", createdAt: next()))
        let first = try await store.createReply(NewReply(threadId: opening.threadId, parentId: nil, authorId: beto.id,
                                                         markdown: "De acuerdo.", html: "<p>De acuerdo.</p>", createdAt: next()))
        let second = try await store.createReply(NewReply(threadId: opening.threadId, parentId: first, authorId: ana.id,
                                                          markdown: "Gracias por responder.", html: "<p>Gracias.</p>", createdAt: next()))
        try await store.editPost(id: first, markdown: "De acuerdo con la privacidad.", html: "<p>De acuerdo con la privacidad.</p>",
                                 hold: false, at: next())
        let hidden = try await store.createReply(NewReply(threadId: opening.threadId, parentId: nil, authorId: beto.id,
                                                          markdown: "Texto oculto", html: "<p>Texto oculto</p>", createdAt: next()))
        try await store.apply(.hidePost(hidden), by: moderator.id, reason: "insulto", at: next())
        try await store.appeal(postId: hidden, by: beto.id, text: "Pido que lo revisen.", at: next())
        _ = try await store.createReply(NewReply(threadId: opening.threadId, parentId: nil, authorId: beto.id, markdown: "Mensaje retenido",
                                                 html: "<p>Mensaje retenido</p>", createdAt: next(), held: true))
        let deleted = try await store.createReply(NewReply(threadId: opening.threadId, parentId: nil, authorId: ana.id,
                                                           markdown: "Mensaje borrado", html: "<p>Mensaje borrado</p>", createdAt: next()))
        try await store.deletePost(id: deleted, at: next())
        _ = try await store.flag(postId: second, by: beto.id, reason: .offTopic, note: "fuera de tema",
                                 rule: AutoHideRule(threshold: 99), at: next())
        try await store.saveSummary(threadId: opening.threadId, markdown: "Síntesis del hilo.", html: "<p>Síntesis del hilo.</p>",
                                    authorId: committee.id, at: next())

        // A proposal on the scheduled board, endorsed.
        let proposal = try await store.createThread(NewThread(
            boardId: other.id, authorId: beto.id, title: "Propuesta: una mesa sobre banda ancha rural",
            markdown: "Propongo una mesa.", html: "<p>Propongo una mesa.</p>", createdAt: next(), isProposal: true))
        _ = try await store.toggleEndorsement(threadId: proposal.threadId, by: ana, at: next())
        _ = try await store.takeQuota(.threads, userId: ana.id, limit: RateLimit(5, per: 86_400), at: next())
        try await store.setWatch(userId: ana.id, boardId: board.id, level: .watching, at: next())
        try await store.setWatch(userId: committee.id, threadId: proposal.threadId, level: .watching, at: next())

        // Two-factor sign-in for the admin (one recovery code used), then her session; a sign-in halfway.
        _ = try await store.beginTwoFactor(userId: admin.id, secret: "JBSWY3DPEHPK3PXPJBSW", at: next())
        let codes = ["codigo-uno", "codigo-dos", "codigo-tres"].map(Tokens.sha256)
        _ = try await store.enableTwoFactor(userId: admin.id, step: 60_000_000, recoveryCodeDigests: codes, keepingSession: nil,
                                            at: next())
        _ = try await store.useRecoveryCode(userId: admin.id, digest: codes[0], at: next())
        let adminToken = Tokens.sha256("sesion-presidencia"), anaToken = Tokens.sha256("sesion-ana")
        try await store.createSession(tokenHash: adminToken, userId: admin.id, userAgent: "Firefox en Linux", at: next())
        try await store.createSession(tokenHash: anaToken, userId: ana.id, userAgent: "Chrome en Android", at: next())
        try await store.createSignInChallenge(tokenHash: Tokens.sha256("reto-presidencia"), userId: admin.id, at: next(), lifetime: 300)

        // E-mail: Ana's confirmed (its mail still in the outbox), Beto's waiting for its link.
        try await store.requestEmailConfirmation(userId: ana.id, address: "Ana@Example.org", token: "enlace-ana", language: .es, at: next())
        _ = try await store.confirmEmail(tokenHash: Tokens.sha256("enlace-ana"), at: next())
        try await store.requestEmailConfirmation(userId: beto.id, address: "beto@example.org", token: "enlace-beto", language: .en,
                                                 at: next())

        _ = try await store.saveConclusions(NewConclusions(
            boardId: board.id, conclusionsMarkdown: "Conclusiones.", conclusionsHTML: "<p>Conclusiones.</p>",
            recommendationsMarkdown: "Recomendaciones.", recommendationsHTML: "<p>Recomendaciones.</p>", status: .published,
            authorId: committee.id, date: next()))
        return CopyFixture(admin: admin, ana: ana, beto: beto, committee: committee, moderator: moderator, board: board,
                           opening: opening, proposal: proposal.threadId, anaToken: anaToken, adminToken: adminToken)
    }
}
