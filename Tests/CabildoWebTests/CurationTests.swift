import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoWeb

/// Thread actions, suspensions, pre-moderation, watched words and board administration, through HTTP.
@Suite struct CurationTests {
    @Test(arguments: StoreKind.available) func lockPinAndMoveAThread(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { member, store in
            try await member.register("vecino")
            let older = try await member.openThread(title: "Hilo más antiguo", body: "Primero")
            let thread = try await member.openThread(title: "Hilo que se cierra", body: "Apertura")
            _ = try await member.openThread(title: "Hilo más nuevo", body: "Último")
            let moderator = try await member.staff("moderadora", role: .moderator, store: store)
            #expect(try await moderator.get("/t/\(thread)").html.contains("href=\"/mod/threads/\(thread)\""))
            #expect(try await moderator.get("/mod/threads/\(thread)").status == .ok)

            #expect(try await moderator.moderate("/mod/threads/\(thread)/lock", reason: "Debate agotado").location == "/t/\(thread)")
            let locked = try await member.get("/t/\(thread)")
            #expect(locked.html.contains("cerrado"))
            #expect(!locked.html.contains("action=\"/t/\(thread)/reply\""))
            let refused = try await member.post("/t/\(thread)/reply", [("body", "Mi respuesta tardía")])
            #expect(refused.status == .forbidden)
            #expect(refused.html.contains("Mi respuesta tardía"), "the refused reply is shown back")
            #expect(try await store.thread(id: thread)?.replyCount == 0)
            #expect(try await moderator.moderate("/mod/threads/\(thread)/unlock").status == .seeOther)
            _ = try await member.reply(thread: thread, body: "Ahora sí")

            try await moderator.moderate("/mod/threads/\(older)/pin", reason: "Hilo de referencia")
            let board = try await member.get("/b/banda-ancha").html
            let pinnedAt = try #require(board.range(of: "Hilo más antiguo")).lowerBound
            let newestAt = try #require(board.range(of: "Hilo más nuevo")).lowerBound
            #expect(pinnedAt < newestAt, "a pinned thread comes first")
            try await moderator.moderate("/mod/threads/\(older)/unpin")

            let moved = try await moderator.moderate("/mod/threads/\(thread)/move", reason: "Corresponde a otro tema",
                                                     [("board", "proteccion-de-datos")])
            #expect(moved.status == .seeOther)
            #expect(try await member.get("/b/proteccion-de-datos").html.contains("Hilo que se cierra"))
            #expect(!(try await member.get("/b/banda-ancha").html.contains("Hilo que se cierra")))
            #expect(try await store.board(slug: "proteccion-de-datos")?.threadCount == 1)
            #expect(try await store.board(slug: "proteccion-de-datos")?.postCount == 2)
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 2)
            #expect(try await moderator.moderate("/mod/threads/\(thread)/move", [("board", "no-existe")]).status == .unprocessableContent)

            let log = try await member.get("/moderation-log").html
            for words in ["cerró", "reabrió", "fijó", "desfijó", "movió", "Debate agotado", "Corresponde a otro tema",
                          "banda-ancha → proteccion-de-datos"] {
                #expect(log.contains(words), "log mentions \(words)")
            }
        }
    }

    @Test(arguments: StoreKind.available) func aSuspendedMemberReadsButCannotPostFlagOrEditUntilItRunsOut(_ kind: StoreKind) async throws {
        let clock = TestClock()
        var config = testConfig()
        config.clock = { clock.now }
        try await withApp(on: kind, config: config) { member, store in
            try await member.register("suspendida")
            let thread = try await member.openThread(title: "Antes de la suspensión", body: "Mi mensaje")
            let post = try #require(try await store.posts(threadId: thread).first).id
            let other = member.stranger()
            try await other.register("otra")
            let otherThread = try await other.openThread(title: "Un hilo ajeno", body: "Hola")
            let otherPost = try #require(try await store.posts(threadId: otherThread).first).id
            let moderator = try await member.staff("moderador", role: .moderator, store: store)

            let days = try await moderator.moderate("/mod/users/suspendida/suspend", reason: "Insultos", [("days", "99999")])
            #expect(days.status == .unprocessableContent)
            #expect(try await moderator.get("/u/suspendida").html.contains("action=\"/mod/users/suspendida/suspend\""))
            #expect(try await moderator.moderate("/mod/users/suspendida/suspend", reason: "Insultos reiterados",
                                                 [("days", "3")]).location == "/u/suspendida")

            let home = try await member.get("/")
            #expect(home.status == .ok)
            #expect(home.html.contains("Su cuenta está suspendida hasta"))
            #expect(home.html.contains("Insultos reiterados"))
            #expect(try await member.get("/t/\(thread)").status == .ok, "reading still works")
            let reply = try await member.post("/t/\(thread)/reply", [("body", "Texto que no se pierde")])
            #expect(reply.status == .forbidden)
            #expect(reply.html.contains("Su cuenta está suspendida"))
            #expect(reply.html.contains("Texto que no se pierde"))
            #expect(try await member.post("/b/banda-ancha", [("title", "Hilo nuevo"), ("body", "Texto")]).status == .forbidden)
            #expect(try await member.flag(otherPost).status == .forbidden)
            #expect(try await member.get("/p/\(post)/edit").status == .forbidden)
            let profile = try await member.stranger().get("/u/suspendida").html
            #expect(profile.components(separatedBy: "Suspendido hasta").count == 2, "the profile says so publicly, once")
            #expect(!profile.contains("Su cuenta está suspendida"), "and a visitor is not told their own account is")
            #expect(try await member.get("/u/otra").html.contains("Su cuenta está suspendida"), "the banner follows the member")

            clock.advance(days: 3.1)
            #expect(!(try await member.get("/").html.contains("suspendida hasta")))
            _ = try await member.reply(thread: thread, body: "De vuelta")

            try await moderator.moderate("/mod/users/suspendida/suspend", reason: "Reincidencia", [("days", "")])
            clock.advance(days: 10)
            #expect(try await member.get("/").html.contains("hasta nuevo aviso"), "an indefinite suspension does not run out")
            #expect(try await moderator.moderate("/mod/users/suspendida/unsuspend", reason: "Apelación aceptada").status == .seeOther)
            _ = try await member.reply(thread: thread, body: "Gracias")

            let log = try await member.get("/moderation-log").html
            #expect(log.contains("suspendió a") && log.contains("levantó la suspensión de"))
            #expect(log.contains("Insultos reiterados") && log.contains("hasta nuevo aviso") && log.contains("Apelación aceptada"))
        }
    }

    @Test(arguments: StoreKind.available) func aNewAccountsFirstPostsWaitForApproval(_ kind: StoreKind) async throws {
        var config = testConfig()
        config.holdFirstPosts = 1
        try await withApp(on: kind, config: config) { newcomer, store in
            try await newcomer.register("recien-llegada")
            let thread = try await newcomer.openThread(title: "Mi primera propuesta", body: "Texto por aprobar")
            let reader = newcomer.stranger()
            #expect(try await reader.get("/t/\(thread)").status == .notFound)
            #expect(!(try await reader.get("/b/banda-ancha").html.contains("Mi primera propuesta")))
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
            #expect(try await store.search("aprobar", limit: 5, offset: 0).isEmpty)
            let own = try await newcomer.get("/t/\(thread)")
            #expect(own.html.contains("En espera de aprobación"))
            #expect(own.html.contains("Texto por aprobar"))

            let moderator = try await newcomer.staff("moderador", role: .moderator, store: store)
            let post = try #require(try await store.posts(threadId: thread).first).id
            let queue = try await moderator.get("/mod")
            #expect(queue.html.contains("Texto por aprobar"))
            #expect(queue.html.contains("action=\"/mod/posts/\(post)/approve\""))
            #expect(try await moderator.moderate("/mod/posts/\(post)/approve", reason: "Cumple las normas").status == .seeOther)

            #expect(try await reader.get("/t/\(thread)").html.contains("Texto por aprobar"))
            #expect(try await reader.get("/b/banda-ancha").html.contains("Mi primera propuesta"))
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 1)
            #expect(try await store.search("aprobar", limit: 5, offset: 0).count == 1)
            let reply = try await newcomer.reply(thread: thread, body: "Ya no espero")
            #expect(try await reader.get("/t/\(thread)").html.contains("Ya no espero"), "only the first post waits")
            #expect(reply > post)
            #expect(try await moderator.get("/mod").html.contains("No hay nada pendiente"))
        }
    }

    @Test(arguments: StoreKind.available) func heldRepliesStayOutOfCountsUntilApproved(_ kind: StoreKind) async throws {
        var config = testConfig()
        config.holdFirstPosts = 1
        try await withApp(on: kind, config: config) { host, store in
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let thread = try await moderator.openThread(title: "Hilo abierto por el equipo", body: "Participen")
            let newcomer = host.stranger()
            try await newcomer.register("nuevo")
            let reply = try await newcomer.reply(thread: thread, body: "Respuesta retenida")
            #expect(!(try await host.stranger().get("/t/\(thread)").html.contains("Respuesta retenida")))
            #expect(try await store.thread(id: thread)?.replyCount == 0)
            try await moderator.moderate("/mod/posts/\(reply)/approve")
            #expect(try await store.thread(id: thread)?.replyCount == 1)
            #expect(try await store.thread(id: thread)?.lastPostId == reply)
            #expect(try await host.stranger().get("/t/\(thread)").html.contains("Respuesta retenida"))
        }
    }

    @Test(arguments: StoreKind.available) func watchedWordsBlockOrHoldAndTheLogDoesNotRevealThem(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            #expect(try await admin.get("/mod/words").status == .ok)
            #expect(try await admin.moderate("/mod/words", reason: "Spam de apuestas",
                                             [("phrase", "Casino"), ("response", "block")]).status == .seeOther)
            #expect(try await admin.moderate("/mod/words", reason: "Ofertas",
                                             [("phrase", "oferta especial"), ("response", "hold")]).status == .seeOther)
            let duplicate = try await admin.moderate("/mod/words", [("phrase", "CASINO"), ("response", "hold")])
            #expect(duplicate.status == .unprocessableContent)

            try await member.register("participante")
            try await member.get("/b/banda-ancha/new")
            let blocked = try await member.post("/b/banda-ancha", [("title", "Gane dinero fácil"), ("body", "Juegue en el CASINÓ hoy")])
            #expect(blocked.status == .unprocessableContent)
            #expect(blocked.html.contains("«casino»"))
            #expect(blocked.html.contains("Juegue en el CASINÓ hoy</textarea>"))
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
            #expect(try await member.openThread(title: "Palabras parecidas", body: "Los casinos no cuentan: solo palabras enteras") > 0)

            let thread = try await member.openThread(title: "Una Oferta Especial", body: "Vea esto")
            #expect(try await member.stranger().get("/t/\(thread)").status == .notFound, "a holding word holds the post")
            #expect(try await admin.get("/mod").html.contains("Vea esto"))

            let words = try await store.watchedWords()
            let casino = try #require(words.first { $0.phrase == "casino" })
            #expect(try await admin.moderate("/mod/words/\(casino.id)/delete", reason: "Ya no hace falta").status == .seeOther)
            #expect(try await store.watchedWords().count == 1)
            let log = try await member.get("/moderation-log").html
            #expect(log.contains("una palabra vigilada") && log.contains("Spam de apuestas") && log.contains("quitó"))
            #expect(!log.contains("casino") && !log.contains("oferta especial"))
            #expect(try await member.get("/mod/words").status == .forbidden)
        }
    }

    @Test(arguments: StoreKind.available) func adminsCreateRenameReorderAndArchiveBoards(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            let moderator = try await member.staff("moderador", role: .moderator, store: store)
            #expect(try await moderator.get("/mod/boards").status == .forbidden)
            #expect(try await admin.get("/mod/boards").status == .ok)

            let bad = try await admin.moderate("/mod/boards", [("slug", "Con Espacios"), ("title_es", "T"), ("title_en", "T")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.html.contains("value=\"con espacios\""))
            #expect(try await admin.moderate("/mod/boards", reason: "Tema pedido por el comité",
                                             [("slug", "mujeres-y-tic"), ("title_es", "Mujeres y TIC"),
                                              ("title_en", "Women and ICT")]).status == .seeOther)
            #expect(try await admin.moderate("/mod/boards", [("slug", "mujeres-y-tic"), ("title_es", "Otro"),
                                                             ("title_en", "Other")]).status == .unprocessableContent)
            #expect(try await member.get("/b/mujeres-y-tic").html.contains("Mujeres y TIC"))
            var boards = try await store.boards()
            #expect(boards.last?.slug == "mujeres-y-tic")

            try await admin.moderate("/mod/boards/mujeres-y-tic/rename", [("title_es", "Género y TIC"), ("title_en", "Gender and ICT")])
            try await admin.moderate("/mod/boards/mujeres-y-tic/up")
            boards = try await store.boards()
            #expect(boards[boards.count - 2].slug == "mujeres-y-tic")
            #expect(boards[boards.count - 2].titleES == "Género y TIC")
            try await admin.moderate("/mod/boards/mujeres-y-tic/down")
            #expect(try await store.boards().last?.slug == "mujeres-y-tic")
            let logged = try await store.moderationLog(before: nil, limit: 100).count
            #expect(try await admin.moderate("/mod/boards/mujeres-y-tic/down").status == .notFound, "the last board goes no lower")
            #expect(try await store.moderationLog(before: nil, limit: 100).count == logged, "and nothing is logged")
            #expect(!(try await admin.get("/mod/boards").html.contains("/mod/boards/mujeres-y-tic/down")))

            try await admin.moderate("/mod/boards/mujeres-y-tic/archive", reason: "El foro terminó")
            try await member.register("participante")
            #expect(try await member.get("/b/mujeres-y-tic/new").status == .forbidden)
            let refused = try await member.post("/b/mujeres-y-tic", [("title", "Un hilo tardío"), ("body", "Texto tardío")])
            #expect(refused.status == .forbidden)
            #expect(refused.html.contains("archivado"))
            #expect(refused.html.contains("Texto tardío"))
            #expect(try await member.get("/b/mujeres-y-tic").html.contains("archivado"))
            try await admin.moderate("/mod/boards/mujeres-y-tic/unarchive")
            #expect(try await member.openThread(board: "mujeres-y-tic", title: "Ya se puede", body: "Abierto otra vez") > 0)

            let log = try await member.get("/moderation-log").html
            for words in ["creó el tema", "renombró el tema", "reordenó el tema", "archivó el tema", "desarchivó el tema",
                          "Tema pedido por el comité", "El foro terminó"] {
                #expect(log.contains(words), "log mentions \(words)")
            }
        }
    }

    @Test(arguments: StoreKind.available) func adminsGrantAndRevokeRoles(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            try await member.register("futura-moderadora")
            #expect(try await member.get("/mod").status == .forbidden)
            #expect(try await admin.get("/u/futura-moderadora").html.contains("action=\"/mod/users/futura-moderadora/role\""))
            #expect(try await admin.moderate("/mod/users/futura-moderadora/role", reason: "Voluntaria del comité",
                                             [("role", "moderator")]).status == .seeOther)
            #expect(try await member.get("/mod").status == .ok)
            #expect(try await member.get("/").html.contains("href=\"/mod\""))
            #expect(try await member.moderate("/mod/users/admin/role", [("role", "member")]).status == .forbidden)
            #expect(try await admin.moderate("/mod/users/admin/role", [("role", "member")]).status == .forbidden,
                    "an admin cannot demote themselves")
            #expect(try await admin.moderate("/mod/users/futura-moderadora/role", [("role", "nonsense")]).status == .badRequest)
            try await admin.moderate("/mod/users/futura-moderadora/role", reason: "Terminó su periodo", [("role", "member")])
            #expect(try await member.get("/mod").status == .forbidden)
            let log = try await member.get("/moderation-log").html
            #expect(log.contains("member → moderator") && log.contains("moderator → member") && log.contains("Terminó su periodo"))
        }
    }

    @Test(arguments: StoreKind.available) func theLogIsPublicAndPaginated(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { visitor, store in
            let admin = try await visitor.staff("admin", role: .admin, store: store)
            let thread = try await admin.openThread(title: "Hilo muy moderado", body: "Texto")
            for i in 0..<55 {
                try await store.apply(i % 2 == 0 ? .lockThread(thread) : .unlockThread(thread), by: 1, reason: "motivo-\(i)", at: Date())
            }
            let first = try await visitor.get("/moderation-log")
            #expect(first.status == .ok)
            #expect(first.html.contains("motivo-54") && !first.html.contains("motivo-4<"))
            let entries = try await store.moderationLog(before: nil, limit: 50)
            let next = try #require(entries.last?.id)
            #expect(first.html.contains("href=\"/moderation-log?before=\(next)\""))
            let second = try await visitor.get("/moderation-log?before=\(next)")
            #expect(second.html.contains("motivo-0<") && second.html.contains("motivo-4<"))
            #expect(!second.html.contains("motivo-5<"))
            #expect(!second.html.contains("rel=\"next\""))
        }
    }
}
