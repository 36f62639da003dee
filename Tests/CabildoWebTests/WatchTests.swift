import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Watching, returning to normal and muting threads and boards, through their buttons; what
/// each level lets through; the setting that watches the threads one writes in.
@Suite struct WatchTests {
    @Test func theThreadPageShowsTheStateAsButtonsToMembersOnly() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Tarifas de interconexión", body: "Abro")
            let beto = ana.stranger()
            try await beto.register("beto")

            // a member who never wrote there: normal, with the two other levels as buttons
            let normal = try await beto.get("/t/\(thread)").html
            #expect(normal.contains("<form method=\"post\" action=\"/t/\(thread)/watch\" class=\"watch\">"))
            #expect(normal.contains("Recibe avisos de este hilo cuando responden a sus mensajes o mencionan su nombre."))
            #expect(normal.contains("<button type=\"submit\" name=\"level\" value=\"watching\">Seguir</button>"))
            #expect(normal.contains("<button type=\"submit\" name=\"level\" value=\"muted\">Silenciar</button>"))
            #expect(!normal.contains("value=\"normal\""))
            // the author, who opened it: watching
            let watching = try await ana.get("/t/\(thread)").html
            #expect(watching.contains("Sigue este hilo: recibe un aviso por cada mensaje nuevo."))
            #expect(watching.contains("value=\"normal\">Volver a normal</button>"))
            // a visitor: no form (and the page kept for visitors has none)
            for _ in 0..<2 { #expect(!(try await ana.stranger().get("/t/\(thread)").html.contains("class=\"watch\""))) }

            // when beto mutes it, the page says so
            #expect(try await beto.watch("/t/\(thread)", "muted").location == "/t/\(thread)")
            #expect(try await beto.get("/t/\(thread)").html.contains("Silenció este hilo: no recibe ningún aviso de él."))
        }
    }

    @Test func aMutedThreadNotifiesNothingNotEvenRepliesOrMentions() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Ruido en el hilo", body: "Abro")
            try await ana.watch("/t/\(thread)", "muted")
            let beto = ana.stranger()
            try await beto.register("beto")
            let reply = try await beto.reply(thread: thread, body: "Hola @ana")
            _ = try await beto.reply(thread: thread, parent: reply, body: "Otra vez")
            #expect(try await ana.unread() == 0)

            // and back to normal, a reply to her post reaches her again, but not every post
            try await ana.watch("/t/\(thread)", "normal")
            let own = try await ana.reply(thread: thread, body: "Vuelvo")
            _ = try await beto.reply(thread: thread, body: "Un mensaje más")
            #expect(try await ana.unread() == 1, "beto's reply to the opening post is a reply to her thread")
            _ = try await beto.reply(thread: thread, parent: own, body: "Le respondo")
            #expect(try await ana.notifications().first?.text == "beto respondió a su mensaje en «Ruido en el hilo»")
            #expect(try await ana.get("/t/\(thread)").html.contains("Recibe avisos de este hilo cuando"), "replying did not watch it again")
        }
    }

    @Test func watchingFollowsTheSettingAndAMutedBoardMutesItsThreads() async throws {
        try await withApp { ana, _ in
            // given ana, who turned off watching the threads she writes in
            try await ana.register("ana")
            try await ana.get("/settings")
            #expect(try await ana.get("/settings").html.contains("name=\"watch_participation\" value=\"1\" checked"))
            #expect(try await ana.post("/settings", [("language", ""), ("stakeholder", "academia")]).status == .seeOther)
            #expect(!(try await ana.get("/settings").html.contains("value=\"1\" checked")))
            let beto = ana.stranger()
            try await beto.register("beto")
            let thread = try await beto.openThread(title: "Hilo de beto", body: "Abro")
            _ = try await ana.reply(thread: thread, body: "Paso por aquí")
            #expect(try await ana.get("/t/\(thread)").html.contains("Recibe avisos de este hilo cuando"))
            _ = try await beto.reply(thread: thread, body: "Sigo")
            #expect(try await ana.unread() == 0, "she does not watch it")

            // when she mutes the board: nothing from its threads, but a thread she chose to watch still speaks
            #expect(try await ana.watch("/b/banda-ancha", "muted").location == "/b/banda-ancha")
            #expect(try await ana.get("/b/banda-ancha").html.contains("Silenció este tablero"))
            let other = try await beto.openThread(title: "Otro hilo de beto", body: "Hola @ana")
            #expect(try await ana.unread() == 0)
            try await ana.watch("/t/\(other)", "watching")
            _ = try await beto.reply(thread: other, body: "Sigo aquí")
            #expect(try await ana.notifications().map(\.text) == ["beto escribió en «Otro hilo de beto», un hilo que usted sigue"])
            // and back to normal, the board shows it
            try await ana.watch("/b/banda-ancha", "normal")
            #expect(try await ana.get("/b/banda-ancha").html.contains("No recibe avisos de los hilos nuevos de este tablero."))
        }
    }

    @Test func watchFormsAreRefusedWithoutTokenSignInOrAValidLevel() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Hilo para probar", body: "Abro")
            let visitor = ana.stranger()
            try await visitor.get("/t/\(thread)")
            let anonymous = try await visitor.post("/t/\(thread)/watch", [("level", "muted")])
            #expect(anonymous.location?.hasPrefix("/login?next=") == true)
            try await ana.get("/t/\(thread)")
            #expect(try await ana.post("/t/\(thread)/watch", [("level", "muted")], withToken: false).status == .forbidden)
            #expect(try await ana.post("/b/banda-ancha/watch", [("level", "watching")], withToken: false).status == .forbidden)
            #expect(try await ana.post("/t/\(thread)/watch", [("level", "siempre")]).status == .badRequest)
            #expect(try await ana.post("/t/\(thread)/watch", []).status == .badRequest)
            #expect(try await ana.post("/t/99999/watch", [("level", "muted")]).status == .notFound)
            #expect(try await ana.post("/b/no-existe/watch", [("level", "muted")]).status == .notFound)
            #expect(try await ana.get("/t/\(thread)").html.contains("Sigue este hilo"), "nothing changed")

            // a thread the member may not see cannot be watched either
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            let opening = try #require(try await store.posts(threadId: thread).first).id
            try await moderator.moderate("/mod/posts/\(opening)/hide", reason: "Fuera de tema")
            let beto = ana.stranger()
            try await beto.register("beto")
            try await beto.get("/")
            #expect(try await beto.post("/t/\(thread)/watch", [("level", "watching")]).status == .notFound)
        }
    }
}
