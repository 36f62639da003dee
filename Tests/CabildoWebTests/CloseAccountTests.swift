import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// `/settings/delete`: a member closes their account with their password. Signed out
/// everywhere, named nowhere ("cuenta eliminada"), counted anonymously, the name kept taken.
@Suite struct CloseAccountTests {
    @Test func aWrongPasswordOrNoTokenChangesNothing() async throws {
        try await withApp { host, store in
            // given a signed-in member on the page
            let member = host.stranger()
            try await member.register("dudosa")
            let page = try await member.get("/settings/delete")
            #expect(page.status == .ok)
            #expect(page.html.contains("href=\"/settings/export\""), "the page offers the export first")
            #expect(page.html.contains("cuenta eliminada"))
            #expect(page.html.contains("anónima"), "it says the harvest keeps counting")
            #expect(page.html.contains("queda reservado"))
            #expect(try await member.get("/settings").html.contains("href=\"/settings/delete\""), "linked from the settings")

            // when she confirms with a wrong password, or without the form's token
            let wrong = try await member.post("/settings/delete", [("password", "no-es-la-clave"), ("remove_text", "1")])
            let forged = try await member.post("/settings/delete", [("password", "contraseña-segura")], withToken: false)

            // then nothing changed and she is still signed in
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.html.contains("La contraseña actual no es correcta."))
            #expect(wrong.html.contains("name=\"remove_text\" value=\"1\" checked"), "her choice is kept")
            #expect(forged.status == .forbidden)
            #expect(try await store.user(usernameKey: "dudosa")?.isClosed == false)
            #expect(try await member.get("/settings").status == .ok)
            #expect(try await host.stranger().get("/settings/delete").status == .seeOther, "a visitor is sent to sign in")
        }
    }

    @Test func closingSignsOutEverywhereAndNamesTheMemberNowhere() async throws {
        try await withApp { host, store in
            // given a member signed in on two browsers, with a thread another member answered,
            // and a flag she raised on another post
            let leaving = host.stranger()
            try await leaving.register("mariposa", stakeholder: "academia")
            let thread = try await leaving.openThread(title: "Cobertura en aldeas", body: "Faltan antenas en las aldeas lejanas")
            let other = host.stranger()
            try await other.register("vecina")
            _ = try await other.reply(thread: thread, body: "Estoy de acuerdo con lo de las antenas")
            let flagged = try await other.reply(thread: thread, body: "Compren antenas baratas aquí")
            try await leaving.flag(flagged, note: "Publicidad")
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let phone = host.stranger()
            try await phone.signIn("mariposa")
            let committee = try await host.staff("comite", role: .committee, store: store)
            let harvestBefore = try await Self.harvest(committee)

            // when she closes her account
            try await leaving.get("/settings/delete")
            let closed = try await leaving.post("/settings/delete", [("password", "contraseña-segura")])

            // then she is signed out and told so
            #expect(closed.status == .seeOther)
            #expect(closed.location == "/settings/delete?closed=1")
            let notice = try await leaving.follow(closed)
            #expect(notice.html.contains("Su cuenta está cerrada"))
            #expect(try await leaving.get("/settings").status == .seeOther)
            #expect(try await phone.get("/settings").status == .seeOther, "her other session ended too")
            let user = try #require(try await store.user(usernameKey: "mariposa"))
            #expect(user.isClosed)
            #expect(try await store.sessions(userId: user.id, current: nil).isEmpty)

            // and signing in is refused exactly as a wrong password is
            let visitor = host.stranger()
            try await visitor.get("/login")
            let right = try await visitor.post("/login", [("username", "mariposa"), ("password", "contraseña-segura")])
            let wrong = try await visitor.post("/login", [("username", "mariposa"), ("password", "otra-cosa-cualquiera")])
            #expect(right.status == .unprocessableContent)
            #expect(right.html == wrong.html)

            // and wherever she wrote, the page says "cuenta eliminada" and never her name
            let threadPage = try await visitor.get("/t/\(thread)")
            #expect(threadPage.html.contains("Faltan antenas"), "her post stays in the conversation")
            #expect(threadPage.html.contains("cuenta eliminada"))
            #expect(threadPage.html.contains("/u/vecina"), "the others keep their names")
            let search = try await visitor.get("/search?q=antenas")
            #expect(search.html.contains("cuenta eliminada"))
            let board = try await visitor.get("/b/banda-ancha")
            #expect(board.html.contains("Cobertura en aldeas") && board.html.contains("cuenta eliminada"))
            let feed = try await visitor.get("/b/banda-ancha/feed.atom")
            #expect(feed.html.contains("<name>cuenta eliminada</name>"))
            let profile = try await visitor.get("/u/mariposa")
            #expect(profile.status == .ok)
            #expect(profile.html.contains("Su titular cerró esta cuenta."))
            #expect(!profile.html.contains("Cobertura en aldeas"), "no list of her posts under the name")
            let english = host.stranger()
            english.acceptLanguage = "en"
            #expect(try await english.get("/t/\(thread)").html.contains("account deleted"))
            for page in [threadPage, search, board, feed, profile] {
                #expect(!page.html.replacingOccurrences(of: "/u/mariposa", with: "").contains("mariposa"),
                        "only the profile's own address may hold the name")
                #expect(!page.html.contains("href=\"/u/mariposa\""))
            }

            // and her open flag still waits for a moderator, under the label
            let queue = try await moderator.get("/mod")
            #expect(queue.html.contains("Publicidad") && queue.html.contains("cuenta eliminada"))
            #expect(!queue.html.contains("mariposa"))

            // and the harvest counts her as before, without a name
            let harvestAfter = try await Self.harvest(committee)
            #expect(harvestAfter == harvestBefore)
            #expect(!harvestAfter.contains("mariposa"))

            // and nobody can take her name, nor a look-alike of it
            for name in ["mariposa", "Mariposa", "rnariposa"] {
                let newcomer = host.stranger()
                let taken = try await newcomer.register(name)
                #expect(taken.status == .unprocessableContent, "\(name)")
                #expect(taken.html.contains("Ese nombre de usuario ya está en uso."), "\(name)")
            }
        }
    }

    @Test func removingTheTextLeavesTheDeletedPlaceholderAndSearchForgetsIt() async throws {
        try await withApp { host, store in
            // given a member's reply (edited once) in another's thread, and a thread of her own
            let host1 = host.stranger()
            try await host1.register("anfitriona")
            let others = try await host1.openThread(title: "Hilo de otra persona", body: "Apertura ajena")
            let leaving = host.stranger()
            try await leaving.register("borradora")
            let reply = try await leaving.reply(thread: others, body: "Primera versión con quetzales")
            try await leaving.get("/p/\(reply)/edit")
            try await leaving.post("/p/\(reply)/edit", [("body", "Respuesta con palabra zarzamora")])
            let own = try await leaving.openThread(title: "Mi hilo que se irá", body: "Texto de apertura con zarzamora")
            #expect(try await host.stranger().get("/search?q=zarzamora").html.contains("Respuesta con palabra"))

            // when she closes her account and removes her text
            try await leaving.get("/settings/delete")
            let closed = try await leaving.post("/settings/delete", [("password", "contraseña-segura"), ("remove_text", "1")])
            #expect(closed.status == .seeOther)

            // then each post is the placeholder a post deleted by its author shows
            let visitor = host.stranger()
            let page = try await visitor.get("/t/\(others)")
            #expect(page.html.contains("[mensaje eliminado por su autor]"))
            #expect(page.html.contains("cuenta eliminada"))
            #expect(!page.html.contains("zarzamora"))
            #expect(try await store.post(id: reply)?.isDeleted == true)
            #expect(try await store.revisions(postId: reply).isEmpty, "no earlier version survives")
            #expect(try await visitor.get("/p/\(reply)/history").status == .notFound)
            // and search finds none of it, and her thread left its board as a deleted opening post makes it
            #expect(try await store.search("zarzamora", limit: 10).isEmpty)
            #expect(try await store.search("quetzales", limit: 10).isEmpty)
            #expect(!(try await visitor.get("/search?q=zarzamora").html.contains("Respuesta con palabra")))
            #expect(!(try await visitor.get("/b/banda-ancha").html.contains("Mi hilo que se irá")))
            #expect(try await store.thread(id: own)?.listed == false)
            #expect(try await visitor.get("/t/\(own)").status == .notFound)
        }
    }

    @Test func theLastAdminCannotCloseTheirAccountButOneOfTwoCan() async throws {
        try await withApp { host, store in
            // given the forum's only admin, who once locked a thread and wrote its synthesis
            let first = try await host.staff("fundadora", role: .admin, store: store)
            let member = host.stranger()
            try await member.register("autora")
            let thread = try await member.openThread(title: "Hilo bloqueado", body: "Texto")
            try await first.moderate("/mod/threads/\(thread)/lock")
            try await first.get("/t/\(thread)/summary")
            try await first.post("/t/\(thread)/summary", [("body", "La síntesis")])

            // when she tries to close her account
            try await first.get("/settings/delete")
            let refused = try await first.post("/settings/delete", [("password", "contraseña-segura")])

            // then she is told why, and nothing changed
            #expect(refused.status == .forbidden)
            #expect(refused.html.contains("El foro no puede quedarse sin administradores"))
            #expect(try await store.user(usernameKey: "fundadora")?.role == .admin)
            #expect(try await first.get("/mod").status == .ok)

            // when there is a second admin, she can leave: her role goes with her
            _ = try await host.staff("segunda", role: .admin, store: store)
            try await first.get("/settings/delete")
            #expect(try await first.post("/settings/delete", [("password", "contraseña-segura")]).status == .seeOther)
            let closed = try #require(try await store.user(usernameKey: "fundadora"))
            #expect(closed.isClosed && closed.role == .member)

            // and the public log keeps her action, and the thread her synthesis, without her name
            let log = try await host.stranger().get("/moderation-log")
            #expect(log.html.contains("cuenta eliminada"))
            #expect(!log.html.contains("fundadora"))
            let page = try await host.stranger().get("/t/\(thread)")
            #expect(page.html.contains("La síntesis") && page.html.contains("Escrita por cuenta eliminada"))
            #expect(!page.html.contains("fundadora"))
        }
    }

    @Test func aSuspendedMemberMayCloseTheAccountButNotDeleteTheirPosts() async throws {
        try await withApp { host, store in
            // given a suspended member
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let member = host.stranger()
            try await member.register("lorena_s")
            _ = try await member.openThread(title: "Hilo de la suspendida", body: "Lo que escribió")
            try await moderator.moderate("/mod/users/lorena_s/suspend", reason: "Insultos", [("days", "7")])

            // when she opens the page, the box to remove her text is not offered, and forcing it is refused
            let page = try await member.get("/settings/delete")
            #expect(page.html.contains("Mientras su cuenta está suspendida"))
            #expect(!page.html.contains("name=\"remove_text\""))
            let forced = try await member.post("/settings/delete", [("password", "contraseña-segura"), ("remove_text", "1")])
            #expect(forced.status == .forbidden)
            #expect(try await store.user(usernameKey: "lorena_s")?.isClosed == false)

            // but she can close it: the posts stay under the label, and the suspension stays on record
            try await member.get("/settings/delete")
            #expect(try await member.post("/settings/delete", [("password", "contraseña-segura")]).status == .seeOther)
            let user = try #require(try await store.user(usernameKey: "lorena_s"))
            #expect(user.isClosed && user.suspensionReason == "Insultos")
            #expect(try await host.stranger().get("/b/banda-ancha").html.contains("Hilo de la suspendida"))
            let log = try await host.stranger().get("/moderation-log")
            #expect(log.html.contains("cuenta eliminada") && !log.html.contains("lorena_s"))
            // and a closed account is no one to suspend or promote any more
            #expect(try await moderator.moderate("/mod/users/lorena_s/unsuspend").status == .notFound)
        }
    }

    @Test func guessingThePasswordCostsSignInAttempts() async throws {
        let clock = TestClock.atNoonUTC()
        var config = limitedConfig(clock: clock)
        config.rateLimits.loginPerUsername = RateLimit(3, per: 3600)
        try await withApp(config: config) { host, store in
            let member = host.stranger()
            try await member.register("tanteada")
            try await member.get("/settings/delete")
            for _ in 0..<3 {
                #expect(try await member.post("/settings/delete", [("password", "adivinanza-mala")]).status == .unprocessableContent)
            }
            let limited = try await member.post("/settings/delete", [("password", "contraseña-segura")])
            #expect(limited.status == .tooManyRequests)
            #expect(try await store.user(usernameKey: "tanteada")?.isClosed == false)
        }
    }

    /// The harvest's JSON without its time of making.
    private static func harvest(_ committee: Browser) async throws -> String {
        try await committee.get("/harvest.json").html.split(separator: "\n").filter { !$0.contains("generated_at") }.joined(separator: "\n")
    }
}
