import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What members are told, through HTTP: each event that notifies, the header's count, the
/// page, and marking read.
@Suite struct NotificationTests {
    @Test func aReplyNotifiesTheAuthorOfThePostItAnswersAndNobodyElse() async throws {
        try await withApp { ana, _ in
            // given ana's thread, beto's reply to it and carla's reply to beto
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Cobertura rural", body: "¿Quién paga el tendido?")
            let beto = ana.stranger()
            try await beto.register("beto")
            let betoReply = try await beto.reply(thread: thread, body: "El fondo de **servicio universal**.")
            let carla = ana.stranger()
            try await carla.register("carla")
            let carlaReply = try await carla.reply(thread: thread, parent: betoReply, body: "¿Y las cooperativas?")

            // then beto is told carla answered him, with a link to her post and its first words
            let page = try await beto.get("/notifications")
            #expect(page.unreadCount == 1)
            #expect(page.notifications == [ListedNotification(
                unread: true, path: "/t/\(thread)#p\(carlaReply)", text: "carla respondió a su mensaje en «Cobertura rural»",
                details: page.notifications.first?.details ?? "")])
            #expect(page.notifications.first?.details.contains("¿Y las cooperativas?") == true)
            // and ana, whose thread it is (and who watches it), of both replies in it, in one notification
            #expect(try await ana.notifications().map(\.text) == ["2 respuestas nuevas en su hilo «Cobertura rural»"])
            #expect(try await ana.notifications().last?.path == "/t/\(thread)#p\(betoReply)")
            // and carla of nothing: her own posts
            #expect(try await carla.unread() == 0)
            #expect(try await carla.notifications().isEmpty)
        }
    }

    @Test func newPostsInAWatchedThreadComeInOneNotificationUntilTheThreadIsRead() async throws {
        try await withApp { ana, _ in
            // given beto, who replied in ana's thread and so watches it
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Redes comunitarias", body: "Experiencias")
            let beto = ana.stranger()
            try await beto.register("beto")
            _ = try await beto.reply(thread: thread, body: "En Alta Verapaz hay una")

            // when carla writes three times
            let carla = ana.stranger()
            try await carla.register("carla")
            let first = try await carla.reply(thread: thread, body: "Una")
            _ = try await carla.reply(thread: thread, body: "Dos")
            _ = try await carla.reply(thread: thread, body: "Tres")

            // then beto has one notification counting them, leading to the first, and ana one counting four replies
            let forBeto = try await beto.get("/notifications")
            #expect(forBeto.unreadCount == 1)
            #expect(forBeto.notifications.map(\.text) == ["3 mensajes nuevos en «Redes comunitarias», un hilo que usted sigue"])
            #expect(forBeto.notifications.first?.path == "/t/\(thread)#p\(first)")
            #expect(try await ana.notifications().map(\.text) == ["4 respuestas nuevas en su hilo «Redes comunitarias»"])

            // when beto reads the thread: the header says so on that very page, and the next post starts a new notification
            #expect(try await beto.get("/t/\(thread)").unreadCount == 0)
            #expect(try await beto.notifications().map(\.unread) == [false])
            let fourth = try await carla.reply(thread: thread, body: "Cuatro")
            let again = try await beto.notifications()
            #expect(again.map(\.text) == ["carla escribió en «Redes comunitarias», un hilo que usted sigue",
                                          "3 mensajes nuevos en «Redes comunitarias», un hilo que usted sigue"])
            #expect(again.first?.path == "/t/\(thread)#p\(fourth)" && again.first?.unread == true)
        }
    }

    @Test func aNewThreadInAWatchedBoardIsNotifiedToItsWatchers() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let beto = ana.stranger()
            try await beto.register("beto")
            #expect(try await beto.watch("/b/banda-ancha", "watching").location == "/b/banda-ancha")

            let thread = try await ana.openThread(board: "banda-ancha", title: "Espectro para comunidades", body: "Propuesta")
            _ = try await ana.openThread(board: "proteccion-de-datos", title: "Otro tablero", body: "Nada")

            let listed = try await beto.notifications()
            #expect(listed.map(\.text) == ["ana abrió el hilo «Espectro para comunidades» en Desarrollo sostenible de la banda ancha en Guatemala"])
            #expect(listed.first?.path.hasPrefix("/t/\(thread)#p") == true)
        }
    }

    @Test func mentionsLinkOpenAccountsAndNotifyThemButEditsNotify() async throws {
        try await withApp { dario, _ in
            // given accounts, one of them closed, and a thread by dario
            for name in ["ana", "beto"] { try await dario.stranger().register(name) }
            let ida = dario.stranger()
            try await ida.register("ida")
            try await ida.get("/settings/delete")
            try await ida.post("/settings/delete", [("password", "contraseña-segura")])
            try await dario.register("dario")
            let thread = try await dario.openThread(title: "Quién decide el espectro", body: "Abro el tema")

            // when carla mentions them, in text and in code
            let carla = dario.stranger()
            try await carla.register("carla")
            let post = try await carla.reply(thread: thread, body: "Hola @Ana y @BETO, @nadie y @ida; en código `@beto`.")

            // then the open accounts are links to their profiles, as typed; the others stay text
            let html = try await dario.stranger().get("/t/\(thread)").html
            #expect(html.contains("<a class=\"mention\" href=\"/u/ana\">@Ana</a>"))
            #expect(html.contains("<a class=\"mention\" href=\"/u/beto\">@BETO</a>"))
            #expect(html.contains("@nadie y @ida;"), "no account, or a closed one: plain text")
            #expect(html.contains("<code>@beto</code>"))
            // and ana and beto are told, once each
            let ana = dario.stranger()
            try await ana.signIn("ana")
            #expect(try await ana.notifications() == [ListedNotification(
                unread: true, path: "/t/\(thread)#p\(post)", text: "carla mencionó su nombre en «Quién decide el espectro»",
                details: try await ana.notifications().first?.details ?? "")])
            let beto = dario.stranger()
            try await beto.signIn("beto")
            #expect(try await beto.notifications().count == 1)

            // when carla edits her post to mention dario too: linked, but nobody is notified of an edit
            try await carla.get("/p/\(post)/edit")
            try await carla.post("/p/\(post)/edit", [("body", "Hola @Ana, @BETO y @dario.")])
            #expect(try await dario.stranger().get("/t/\(thread)").html.contains("<a class=\"mention\" href=\"/u/dario\">@dario</a>"))
            #expect(try await dario.notifications().map(\.text) == ["carla respondió en su hilo «Quién decide el espectro»"])
            #expect(try await ana.notifications().count == 1)
            #expect(try await beto.notifications().count == 1)
        }
    }

    @Test func aPostLinksAndNotifiesAtMostTenMentions() async throws {
        try await withApp { host, store in
            let names = (1...11).map { String(format: "persona%02d", $0) }
            for name in names { try await host.stranger().register(name) }
            try await host.register("autora")
            let thread = try await host.openThread(title: "Convocatoria amplia", body: names.map { "@" + $0 }.joined(separator: " "))

            let html = try await host.stranger().get("/t/\(thread)").html
            #expect(html.components(separatedBy: "class=\"mention\"").count - 1 == 10)
            #expect(html.contains("@persona11</p>"), "the eleventh stays text")
            for (index, name) in names.enumerated() {
                let user = try #require(try await store.user(usernameKey: name))
                #expect(try await store.notifications(userId: user.id, before: nil, limit: 5).count == (index < 10 ? 1 : 0), "\(name)")
            }
        }
    }

    @Test func endorsementsOfAProposalComeInOneNotificationPerBatchWithoutNames() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            try await ana.get("/b/banda-ancha/new")
            let created = try await ana.post("/b/banda-ancha", [("title", "Fondo para redes"), ("body", "Propongo"), ("proposal", "1")])
            let thread = try #require(created.location.flatMap { Int64($0.split(separator: "/").last ?? "") })
            var supporters: [Browser] = []
            for (name, group) in [("beto", "academia"), ("carla", "government"), ("dario", "private-sector")] {
                let member = ana.stranger()
                try await member.register(name, stakeholder: group)
                try await member.get("/t/\(thread)")
                try await member.post("/t/\(thread)/endorse", [])
                supporters.append(member)
            }

            let page = try await ana.get("/notifications")
            #expect(page.unreadCount == 1)
            #expect(page.notifications.map(\.text) == ["3 apoyos nuevos a su propuesta «Fondo para redes»"])
            #expect(page.notifications.first?.path == "/t/\(thread)")
            for name in ["beto", "carla", "dario"] { #expect(!page.html.contains(name), "who endorses is never said") }

            // when ana marks them read, a withdrawal says nothing and the next endorsement starts a new batch
            try await ana.post("/notifications/read", [])
            try await supporters[0].get("/t/\(thread)")
            try await supporters[0].post("/t/\(thread)/endorse", [])
            #expect(try await ana.unread() == 0)
            try await supporters[0].post("/t/\(thread)/endorse", [])
            #expect(try await ana.notifications().map(\.text) == ["1 apoyo nuevo a su propuesta «Fondo para redes»",
                                                                   "3 apoyos nuevos a su propuesta «Fondo para redes»"])
        }
    }

    @Test func theHeaderCountsUnreadOnEveryPageAndMarkingAllReadNeedsTheFormsToken() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Cobertura móvil", body: "¿Dónde falta?")
            let beto = ana.stranger()
            try await beto.register("beto")
            for index in 1...3 { _ = try await beto.reply(thread: thread, body: "Respuesta \(index)") }
            let reply = try await beto.reply(thread: thread, body: "Una más")
            _ = try await ana.reply(thread: thread, parent: reply, body: "Gracias")

            for path in ["/", "/b/banda-ancha", "/search?q=cobertura", "/settings", "/u/beto", "/notifications", "/privacy"] {
                let page = try await beto.get(path)
                #expect(page.unreadCount == 1, "\(path)")
                #expect(page.html.contains("Avisos <strong>1</strong><span class=\"vh\"> sin leer</span>"), "\(path)")
            }
            #expect(!(try await beto.stranger().get("/").html.contains("href=\"/notifications\"")), "visitors have no notifications")

            // a forged form (no token) changes nothing; the page's own form does
            let forged = try await beto.post("/notifications/read", [], withToken: false)
            #expect(forged.status == .forbidden)
            #expect(try await beto.unread() == 1)
            try await beto.get("/notifications")
            #expect(try await beto.post("/notifications/read", []).location == "/notifications")
            let after = try await beto.get("/notifications")
            #expect(after.unreadCount == 0)
            #expect(after.notifications.map(\.unread) == [false])
            #expect(!after.html.contains("action=\"/notifications/read\""), "nothing left to mark")
        }
    }

    @Test func theListIsPagedNewestFirstAndOnlyForItsMember() async throws {
        try await withApp { ana, store in
            #expect(try await ana.get("/notifications").location == "/login?next=%2Fnotifications")
            try await ana.register("ana")
            var threads: [Int64] = []
            for index in 1...32 { threads.append(try await ana.openThread(title: "Hilo número \(index)", body: "Texto")) }
            let beto = ana.stranger()
            try await beto.register("beto")
            for thread in threads { _ = try await beto.reply(thread: thread, body: "Respuesta") }

            let first = try await ana.get("/notifications")
            #expect(first.notifications.count == 30)
            #expect(first.notifications.first?.text == "beto respondió en su hilo «Hilo número 32»")
            #expect(first.unreadCount == 32)
            let user = try #require(try await store.user(usernameKey: "ana"))
            let thirtieth = try #require(try await store.notifications(userId: user.id, before: nil, limit: 30).last)
            #expect(first.html.contains("href=\"/notifications?before=\(thirtieth.id)\""))
            let second = try await ana.get("/notifications?before=\(thirtieth.id)")
            #expect(second.notifications.map(\.text) == ["beto respondió en su hilo «Hilo número 2»", "beto respondió en su hilo «Hilo número 1»"])
            #expect(second.html.contains("href=\"/notifications\""))
            #expect(try await beto.notifications().isEmpty, "each member reads only their own")
        }
    }
}
