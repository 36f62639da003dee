import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Asking for a review of a hidden post (`POST /p/{id}/appeal`): once, by its author, from the
/// post; decided in the queue with a reason, logged publicly and notified.
@Suite struct AppealTests {
    /// ana's reply, hidden by a moderator; returns the thread and the reply.
    private func hiddenReply(_ ana: Browser, _ moderator: Browser) async throws -> (thread: Int64, post: Int64) {
        try await ana.register("ana")
        let thread = try await ana.openThread(title: "Seguridad digital", body: "Abro el tema")
        let post = try await ana.reply(thread: thread, body: "Una crítica dura pero justa")
        try await moderator.moderate("/mod/posts/\(post)/hide", reason: "Tono agresivo")
        return (thread, post)
    }

    @Test func theAuthorAsksOnceFromThePostAndTheRequestWaitsInTheQueue() async throws {
        try await withApp { ana, store in
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            let (thread, post) = try await hiddenReply(ana, moderator)

            // the hidden post shows its author the form, and nobody else
            let page = try await ana.get("/t/\(thread)")
            #expect(page.html.contains("<form method=\"post\" action=\"/p/\(post)/appeal\" class=\"appeal\">"))
            #expect(page.html.contains("<textarea id=\"appeal-\(post)\" name=\"text\" rows=\"3\" maxlength=\"500\" required>"))
            let beto = ana.stranger()
            try await beto.register("beto")
            #expect(!(try await beto.get("/t/\(thread)").html.contains("/appeal")))
            #expect(!(try await moderator.get("/t/\(thread)").html.contains("/appeal\"")))

            // an empty request is refused with a message; a real one goes back to the post
            try await ana.get("/t/\(thread)")
            let empty = try await ana.post("/p/\(post)/appeal", [("text", "   ")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.html.contains("Escriba por qué pide la revisión"))
            let long = try await ana.post("/p/\(post)/appeal", [("text", String(repeating: "a", count: 501))])
            #expect(long.status == .unprocessableContent)
            let sent = try await ana.post("/p/\(post)/appeal", [("text", "Critiqué una política, no a una persona")])
            #expect(sent.location == "/t/\(thread)#p\(post)")
            let after = try await ana.get("/t/\(thread)")
            #expect(after.html.contains("Pidió una revisión de este mensaje: espera la decisión de la moderación."))
            #expect(!after.html.contains("action=\"/p/\(post)/appeal\""))

            // a second request is refused, saying why
            let again = try await ana.post("/p/\(post)/appeal", [("text", "Insisto")])
            #expect(again.status == .unprocessableContent)
            #expect(again.html.contains("Ya pidió una revisión de este mensaje: se puede pedir una sola vez por mensaje."))

            // and the queue shows it, with its text and both decisions
            let queue = try await moderator.get("/mod")
            #expect(queue.html.contains("Su autor pide una revisión:</strong> Critiqué una política, no a una persona"))
            #expect(queue.html.contains("action=\"/mod/posts/\(post)/restore\""))
            #expect(queue.html.contains("Aceptar la revisión y restaurar"))
            #expect(queue.html.contains("action=\"/mod/posts/\(post)/dismiss-appeal\""))
            #expect(try await moderator.get("/mod/posts/\(post)").html.contains("Critiqué una política"))
        }
    }

    @Test func onlyTheAuthorOfAHiddenPostMayAskWithTheFormsToken() async throws {
        try await withApp { ana, store in
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            let (thread, post) = try await hiddenReply(ana, moderator)
            let visible = try await ana.reply(thread: thread, body: "Otro mensaje, visible")
            let beto = ana.stranger()
            try await beto.register("beto")
            try await beto.get("/")

            #expect(try await beto.post("/p/\(post)/appeal", [("text", "Por ella")]).status == .forbidden, "not by others")
            #expect(try await moderator.post("/p/\(post)/appeal", [("text", "Por ella")]).status == .forbidden, "not by staff")
            let visitor = ana.stranger()
            try await visitor.get("/")
            #expect(try await visitor.post("/p/\(post)/appeal", [("text", "x")]).location?.hasPrefix("/login") == true)
            try await ana.get("/")
            let notHidden = try await ana.post("/p/\(visible)/appeal", [("text", "No está oculto")])
            #expect(notHidden.status == .unprocessableContent)
            #expect(notHidden.html.contains("Solo se puede pedir la revisión de un mensaje oculto."))
            #expect(try await ana.post("/p/\(post)/appeal", [("text", "Sin token")], withToken: false).status == .forbidden)
            #expect(try await ana.post("/p/\(post)/appeal", []).status == .badRequest)
            #expect(try await ana.post("/p/99999/appeal", [("text", "x")]).status == .notFound)
            #expect(try await store.openAppeal(postId: post) == nil, "none of these made a request")
        }
    }

    @Test func keepingItHiddenNeedsAReasonIsLoggedAndTellsTheAuthor() async throws {
        try await withApp { ana, store in
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            let (thread, post) = try await hiddenReply(ana, moderator)
            try await ana.get("/t/\(thread)")
            try await ana.post("/p/\(post)/appeal", [("text", "Era ironía")])

            #expect(try await moderator.moderate("/mod/posts/\(post)/dismiss-appeal", reason: " ").status == .unprocessableContent)
            #expect(try await store.openAppeal(postId: post) != nil)
            #expect(try await moderator.moderate("/mod/posts/\(post)/dismiss-appeal", reason: "La ironía también ofende").status == .seeOther)

            // the post stays hidden, the queue is done with it, and everyone can read the decision
            #expect(!(try await ana.stranger().get("/t/\(thread)").html.contains("Una crítica dura")))
            #expect(!(try await moderator.get("/mod").html.contains("Era ironía")))
            let log = try await ana.stranger().get("/moderation-log").html
            #expect(log.contains("rechazó el pedido de revisión del"))
            #expect(log.contains("La ironía también ofende"))
            #expect(!log.contains("Era ironía"), "the request's text is not published")
            // the author is told, with the reason, and the post says it was reviewed
            let told = try #require(try await ana.notifications().first)
            #expect(told.text == "moderadora revisó su mensaje en «Seguridad digital» a su pedido y lo mantiene oculto")
            #expect(told.details.contains("Motivo: La ironía también ofende"))
            #expect(try await ana.get("/t/\(thread)").html.contains("La moderación revisó este mensaje a su pedido y lo mantiene oculto."))
            #expect(try await moderator.moderate("/mod/posts/\(post)/dismiss-appeal", reason: "Otra vez").status == .notFound,
                    "a decided request is not decided again")
        }
    }

    @Test func restoringUpholdsItLogsItAndTellsTheAuthor() async throws {
        var config = testConfig()
        config.autoHide = AutoHideRule(threshold: 2, minimumAccountAge: 0, minimumPublishedPosts: 0)
        try await withApp(config: config) { ana, store in
            // given a post the forum hid by itself, on two members' flags
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Partidos y redes", body: "Una opinión incómoda")
            let post = try #require(try await store.posts(threadId: thread).first).id
            for name in ["uno", "dos"] {
                let member = ana.stranger()
                try await member.register("reporta-\(name)")
                try await member.flag(post, reason: "abuse")
            }
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            try await ana.get("/t/\(thread)")
            #expect(try await ana.post("/p/\(post)/appeal", [("text", "Es una opinión, no un ataque")]).status == .seeOther)

            #expect(try await moderator.moderate("/mod/posts/\(post)/restore", reason: "Opinión legítima").status == .seeOther)

            #expect(try await ana.stranger().get("/t/\(thread)").html.contains("Una opinión incómoda"))
            let log = try await ana.stranger().get("/moderation-log").html
            #expect(log.contains("restauró") && log.contains("(a pedido de su autor)") && log.contains("Opinión legítima"))
            let told = try #require(try await ana.notifications().first)
            #expect(told.text == "moderadora aceptó su pedido de revisión: su mensaje en «Partidos y redes» vuelve a verse")
            #expect(told.details.contains("Motivo: Opinión legítima"))
            #expect(!(try await ana.get("/t/\(thread)").html.contains("/appeal")), "a visible post offers no request")

            // hidden again later: the one request was used
            try await moderator.moderate("/mod/posts/\(post)/hide", reason: "Ahora sí insulta")
            let hiddenAgain = try await ana.get("/t/\(thread)").html
            #expect(hiddenAgain.contains("Ya pidió una revisión de este mensaje; se puede pedir una sola vez."))
            #expect(try await ana.post("/p/\(post)/appeal", [("text", "Otra vez")]).status == .unprocessableContent)
        }
    }
}
