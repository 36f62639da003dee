import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoWeb

/// Flags, the queue and the post actions, through HTTP as moderators and members use them.
@Suite struct ModerationTests {
    @Test(arguments: StoreKind.available) func aMemberIsRefusedEveryModerationPageAndActionAndNothingChanges(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { author, store in
            try await author.register("autora")
            let thread = try await author.openThread(title: "Un hilo cualquiera", body: "Texto visible")
            let post = try #require(try await store.posts(threadId: thread).first).id
            let member = author.stranger()
            try await member.register("miembro")
            for path in ["/mod", "/mod/posts/\(post)", "/mod/threads/\(thread)", "/mod/boards", "/mod/words"] {
                #expect(try await member.get(path).status == .forbidden, "GET \(path)")
            }
            let actions = ["/mod/posts/\(post)/hide", "/mod/posts/\(post)/dismiss", "/mod/threads/\(thread)/lock",
                           "/mod/threads/\(thread)/pin", "/mod/users/autora/suspend", "/mod/users/miembro/role",
                           "/mod/boards", "/mod/boards/banda-ancha/archive", "/mod/words"]
            for path in actions {
                let page = try await member.moderate(path, [("role", "admin"), ("days", "3"), ("board", "proteccion-de-datos"),
                                                            ("slug", "nuevo"), ("title_es", "Nuevo"), ("title_en", "New"),
                                                            ("phrase", "hola"), ("response", "block")])
                #expect(page.status == .forbidden, "POST \(path)")
            }
            #expect(try await author.stranger().get("/t/\(thread)").html.contains("Texto visible"))
            let saved = try #require(try await store.thread(id: thread))
            #expect(!saved.locked && !saved.pinned)
            #expect(try await store.user(usernameKey: "miembro")?.role == .member)
            #expect(try await store.boards().count == 6)
            #expect(try await store.moderationLog(before: nil, limit: 10).isEmpty)
            // Anonymous visitors are sent to sign in first.
            #expect(try await member.stranger().get("/mod").location == "/login?next=%2Fmod")
        }
    }

    @Test(arguments: StoreKind.available) func aModeratorHidesAndRestoresAPostWithAReason(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { author, store in
            try await author.register("ana")
            let thread = try await author.openThread(title: "Datos abiertos", body: "Apertura")
            let reply = try await author.reply(thread: thread, body: "Un comentario fuera de lugar")
            let moderator = try await author.staff("moderadora", role: .moderator, store: store)
            let reader = author.stranger()

            let noReason = try await moderator.moderate("/mod/posts/\(reply)/hide", reason: "  ")
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.html.contains("Indique el motivo"))
            #expect(try await reader.get("/t/\(thread)").html.contains("Un comentario fuera de lugar"))

            let hidden = try await moderator.moderate("/mod/posts/\(reply)/hide", reason: "Lenguaje ofensivo")
            #expect(hidden.status == .seeOther)
            let forReader = try await reader.get("/t/\(thread)")
            #expect(forReader.html.contains("Oculto por moderación."))
            #expect(!forReader.html.contains("Un comentario fuera de lugar"))
            let forAuthor = try await author.get("/t/\(thread)")
            #expect(forAuthor.html.contains("Un comentario fuera de lugar"))
            #expect(forAuthor.html.contains("solo su autor y el equipo de moderación lo ven"))
            #expect(try await moderator.get("/t/\(thread)").html.contains("Un comentario fuera de lugar"))
            #expect(try await store.search("comentario", limit: 5, offset: 0).isEmpty, "hidden posts leave the search index")

            #expect(try await moderator.moderate("/mod/posts/\(reply)/restore", reason: "Revisado").status == .seeOther)
            #expect(try await reader.get("/t/\(thread)").html.contains("Un comentario fuera de lugar"))
            #expect(try await store.search("comentario", limit: 5, offset: 0).count == 1)

            let log = try await reader.get("/moderation-log")
            #expect(log.html.contains("ocultó"))
            #expect(log.html.contains("Lenguaje ofensivo"))
            #expect(log.html.contains("restauró"))
            #expect(log.html.contains("href=\"/t/\(thread)#p\(reply)\""))
        }
    }

    @Test(arguments: StoreKind.available) func moderatorsCannotActOnAdminsOrOtherModeratorsButAdminsCan(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, store in
            let admin = try await browser.staff("administra", role: .admin, store: store)
            let moderator = try await browser.staff("modera", role: .moderator, store: store)
            let colleague = try await browser.staff("colega", role: .moderator, store: store)
            let adminThread = try await admin.openThread(title: "Normas del foro", body: "Lean las normas")
            let adminPost = try #require(try await store.posts(threadId: adminThread).first).id
            let colleagueThread = try await colleague.openThread(title: "Otro hilo de moderador", body: "Hola")

            #expect(try await moderator.moderate("/mod/posts/\(adminPost)/hide").status == .forbidden)
            #expect(try await moderator.get("/mod/posts/\(adminPost)").status == .forbidden)
            #expect(try await moderator.moderate("/mod/threads/\(adminThread)/lock").status == .forbidden)
            #expect(try await moderator.moderate("/mod/users/administra/suspend", [("days", "1")]).status == .forbidden)
            #expect(try await moderator.moderate("/mod/users/colega/suspend", [("days", "1")]).status == .forbidden)
            #expect(try await moderator.moderate("/mod/threads/\(colleagueThread)/pin").status == .forbidden)
            #expect(try await moderator.moderate("/mod/users/modera/suspend", [("days", "1")]).status == .forbidden,
                    "nobody suspends themselves")
            #expect(try await store.moderationLog(before: nil, limit: 10).isEmpty)
            // The thread page offers no moderation link where the policy says no.
            #expect(!(try await moderator.get("/t/\(adminThread)").html.contains("/mod/posts/\(adminPost)")))

            #expect(try await admin.moderate("/mod/users/colega/suspend", [("days", "2")]).status == .seeOther)
            #expect(try await store.user(usernameKey: "colega")?.suspendedUntil != nil)
            #expect(try await admin.moderate("/mod/posts/\(adminPost)/hide").status == .seeOther, "admins may act on their own posts")
        }
    }

    @Test(arguments: StoreKind.available) func threeDistinctFlagsHideAPostPendingReview(_ kind: StoreKind) async throws {
        // Who counts as an established flagger has its own tests (AbuseTests); here everyone does.
        var config = testConfig()
        config.autoHide = AutoHideRule(threshold: 3, minimumAccountAge: 0, minimumPublishedPosts: 0)
        try await withApp(on: kind, config: config) { author, store in
            try await author.register("spammer")
            let thread = try await author.openThread(title: "Compre seguidores baratos", body: "Visite mi sitio")
            let post = try #require(try await store.posts(threadId: thread).first).id
            var flaggers: [Browser] = []
            for name in ["uno", "dos", "tres"] {
                let member = author.stranger()
                try await member.register("miembro-\(name)")
                flaggers.append(member)
            }
            #expect(try await author.flag(post).status == .forbidden, "authors do not flag their own posts")
            let first = try await flaggers[0].flag(post, reason: "spam", note: "Publicidad")
            #expect(first.html.contains("Gracias"))
            let again = try await flaggers[0].flag(post, reason: "abuse")
            #expect(again.html.contains("ya reportó"), "one flag per member per post")
            try await flaggers[1].flag(post, reason: "off-topic")
            #expect(try await author.stranger().get("/t/\(thread)").html.contains("Visite mi sitio"), "two flags hide nothing")
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 1)

            try await flaggers[2].flag(post, reason: "spam")
            let reader = author.stranger()
            #expect(try await reader.get("/t/\(thread)").status == .notFound, "a thread whose opening post is hidden is gone for the public")
            let own = try await author.get("/t/\(thread)")
            #expect(own.html.contains("Oculto por moderación: solo su autor"), "its author still sees it, with the notice")
            #expect(!(try await reader.get("/b/banda-ancha").html.contains("Compre seguidores")), "a hidden opening post unlists its thread")
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
            let log = try await reader.get("/moderation-log")
            #expect(log.html.contains("Cabildo (automático)"))
            #expect(log.html.contains("ocultó por reportes"))
            #expect(log.html.contains("3 reportes de miembros distintos"), "the forum's own reason, in the reader's language")

            let moderator = try await author.staff("moderador", role: .moderator, store: store)
            let queue = try await moderator.get("/mod")
            #expect(queue.status == .ok)
            #expect(queue.html.contains("Visite mi sitio"))
            #expect(queue.html.contains("Publicidad"))
            #expect(queue.html.contains("miembro-uno") && queue.html.contains("miembro-tres"))
            #expect(queue.html.contains("action=\"/mod/posts/\(post)/restore\""))
            #expect(queue.html.contains("value=\"Revisado: cumple las normas del foro\""), "queue actions come with a reason filled in")
            #expect(try await moderator.moderate("/mod/posts/\(post)/dismiss", reason: "Ya revisado", [("next", "/mod")]).location == "/mod")
            #expect(!(try await moderator.get("/mod").html.contains("Visite mi sitio")), "dismissed flags leave the queue")
            #expect(try await reader.get("/t/\(thread)").status == .notFound, "dismissing leaves the post as it is")
        }
    }

    @Test(arguments: StoreKind.available) func flagFormRejectsAMissingReasonAndKeepsTheNote(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { author, store in
            try await author.register("autor")
            let thread = try await author.openThread(title: "Hilo para reportar", body: "Contenido")
            let post = try #require(try await store.posts(threadId: thread).first).id
            let member = author.stranger()
            try await member.register("reportera")
            try await member.get("/p/\(post)/flag")
            let page = try await member.post("/p/\(post)/flag", [("reason", "nonsense"), ("note", "Mi nota detallada")])
            #expect(page.status == .unprocessableContent)
            #expect(page.html.contains("Mi nota detallada</textarea>"))
            #expect(try await member.get("/p/999999/flag").status == .notFound)
            #expect(try await author.stranger().get("/p/\(post)/flag").location?.hasPrefix("/login") == true)
        }
    }
}

/// What moderation hides stays hidden on every other page that shows a post.
@Suite struct ModerationLeakTests {
    @Test(arguments: StoreKind.available) func theReplyFormDoesNotQuoteHiddenOrHeldPosts(_ kind: StoreKind) async throws {
        var config = testConfig()
        config.holdFirstPosts = 1
        try await withApp(on: kind, config: config) { host, store in
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let thread = try await moderator.openThread(title: "Hilo con respuestas", body: "Apertura")
            let troll = host.stranger()
            try await troll.register("troll")
            let held = try await troll.reply(thread: thread, body: "Texto retenido secreto")
            try await moderator.moderate("/mod/posts/\(held)/approve")
            let hidden = try await troll.reply(thread: thread, body: "Texto ofensivo oculto")
            try await moderator.moderate("/mod/posts/\(hidden)/hide")
            let stillHeld = host.stranger()
            try await stillHeld.register("otro-nuevo")
            let waiting = try await stillHeld.reply(thread: thread, body: "Otro texto retenido")

            let reader = host.stranger()
            try await reader.register("lectora")
            let quoteHidden = try await reader.get("/t/\(thread)/reply?parent=\(hidden)")
            #expect(quoteHidden.status == .ok)
            #expect(!quoteHidden.html.contains("Texto ofensivo oculto"))
            #expect(try await reader.get("/t/\(thread)/reply?parent=\(waiting)").status == .notFound)
            #expect(try await reader.post("/t/\(thread)/reply", [("body", "Respuesta"), ("parent", "\(waiting)")]).status == .notFound)
            #expect(try await reader.get("/p/\(waiting)/history").status == .notFound)
            #expect(try await reader.get("/p/\(waiting)/flag").status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available) func anEditCannotAddABlockedWord(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            try await admin.moderate("/mod/words", [("phrase", "estafa"), ("response", "block")])
            try await member.register("editora")
            let thread = try await member.openThread(title: "Un hilo correcto", body: "Texto correcto")
            let post = try #require(try await store.posts(threadId: thread).first).id
            try await member.get("/p/\(post)/edit")
            let page = try await member.post("/p/\(post)/edit", [("body", "Ahora es una ESTAFA")])
            #expect(page.status == .unprocessableContent)
            #expect(page.html.contains("«estafa»"))
            #expect(try await store.post(id: post)?.bodyMarkdown == "Texto correcto")
        }
    }
}
