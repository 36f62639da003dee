import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// Issue 14's rule gaps (findings 4–8 and 10), each as the request that got through before.
@Suite struct RuleGapTests {
    func changePassword(_ browser: Browser, current: String) async throws -> Browser.Page {
        try await browser.get("/settings")
        return try await browser.post("/settings/password", [
            ("current_password", current), ("password", "otra-clave-nueva-2"), ("password_confirmation", "otra-clave-nueva-2"),
        ])
    }

    @Test func guessingTheCurrentPasswordSpendsSignInAttempts() async throws {
        var config = testConfig()
        config.rateLimits.enabled = true
        config.rateLimits.loginPerUsername = RateLimit(3, per: 3600)
        try await withApp(config: config) { member, _ in
            try await member.register("adivina")
            for _ in 0..<3 { #expect(try await changePassword(member, current: "no-es-la-clave").status == .unprocessableContent) }
            let refused = try await changePassword(member, current: "contraseña-segura")
            #expect(refused.status == .tooManyRequests, "the fourth guess waits, even the right one")
        }
    }

    @Test func aSuspendedMemberCannotChangeGroupPasswordOrLanguage() async throws {
        try await withApp { member, store in
            let moderator = try await member.staff("moderadora", role: .moderator, store: store)
            try await member.register("suspendida", stakeholder: "civil-society")
            #expect(try await moderator.moderate("/mod/users/suspendida/suspend", [("days", "3")]).status == .seeOther)
            try await member.get("/settings")
            let group = try await member.post("/settings", [("stakeholder", "government"), ("language", "en")])
            #expect(group.status == .forbidden)
            #expect(try await changePassword(member, current: "contraseña-segura").status == .forbidden)
            try await member.post("/language", [("language", "en")])
            let user = try #require(try await store.user(usernameKey: "suspendida"))
            #expect(user.stakeholder == .civilSociety)
            #expect(user.language == nil, "the footer switch only sets the cookie")
        }
    }

    @Test func postsKeepTheGroupTheirAuthorHadWhenWriting() async throws {
        try await withApp { member, store in
            try await member.register("cambiante", stakeholder: "civil-society")
            _ = try await member.openThread(title: "Aporte desde la sociedad civil", body: "Texto")
            try await member.get("/settings")
            #expect(try await member.post("/settings", [("stakeholder", "government"), ("language", "")]).status == .seeOther)
            _ = try await member.openThread(title: "Aporte desde el gobierno", body: "Otro texto")
            let participation = try await store.harvest(at: Date()).participation
            #expect(participation.first { $0.group == .civilSociety }?.posts == 1, "the first post stays with its group")
            #expect(participation.first { $0.group == .government }?.posts == 1)
        }
    }

    @Test func deletingAnOpeningPostUnlistsItsThreadAndErasesItsVersions() async throws {
        try await withApp { author, store in
            try await author.register("autora")
            let thread = try await author.openThread(title: "Propuesta que retiro", body: "Primera versión")
            let post = try #require(try await store.posts(threadId: thread).first).id
            try await author.get("/p/\(post)/edit")
            try await author.post("/p/\(post)/edit", [("body", "Segunda versión")])
            #expect(try await store.revisions(postId: post).count == 1)
            try await author.get("/t/\(thread)")
            #expect(try await author.post("/p/\(post)/delete", []).status == .seeOther)
            #expect(try await store.revisions(postId: post).isEmpty, "no earlier version survives a deletion")
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
            #expect(try await store.thread(id: thread)?.listed == false)
            let other = author.stranger()
            try await other.register("otra")
            try await other.get("/")
            #expect(try await other.post("/t/\(thread)/endorse", []).status == .notFound)
        }
    }

    @Test func staffCannotEndorseOrSummarizeAThreadThatIsNotListed() async throws {
        var config = testConfig()
        config.holdFirstPosts = 1
        try await withApp(config: config) { author, store in
            try await author.register("nueva")
            try await author.get("/b/banda-ancha/new")
            let made = try await author.post("/b/banda-ancha", [("title", "Propuesta retenida"), ("body", "Texto"), ("proposal", "1")])
            let thread = try #require(made.location.flatMap { Int64($0.dropFirst(3)) })
            let moderator = try await author.staff("moderador", role: .moderator, store: store)
            #expect(try await moderator.get("/t/\(thread)").status == .ok, "staff see it")
            #expect(try await moderator.post("/t/\(thread)/endorse", []).status == .forbidden)
            #expect(try await moderator.get("/t/\(thread)/summary").status == .forbidden)
            #expect(try await store.endorsements(threadId: thread).isEmpty)
        }
    }

    @Test func movesOutOfOrIntoAnArchivedBoardAreForAdmins() async throws {
        try await withApp { host, store in
            let admin = try await host.staff("administra", role: .admin, store: store)
            let moderator = try await host.staff("moderador", role: .moderator, store: store)
            try await host.register("participante")  // a member's threads: moderators may move those
            let archivedThread = try await host.openThread(board: "banda-ancha", title: "Hilo del año pasado", body: "Texto")
            let liveThread = try await host.openThread(board: "proteccion-de-datos", title: "Hilo de este año", body: "Otro texto")
            let archive = try #require(try await store.board(slug: "banda-ancha")).id
            #expect(try await admin.moderate("/mod/boards/banda-ancha/archive").status == .seeOther)
            #expect(try await moderator.moderate("/mod/threads/\(archivedThread)/move", [("board", "proteccion-de-datos")]).status == .forbidden)
            #expect(try await moderator.moderate("/mod/threads/\(liveThread)/move", [("board", "banda-ancha")]).status == .forbidden)
            #expect(try await store.thread(id: archivedThread)?.boardId == archive, "the archive stays as the admin left it")
            #expect(try await admin.moderate("/mod/threads/\(archivedThread)/move", [("board", "proteccion-de-datos")]).status == .seeOther)
        }
    }

    @Test func moderatorsDoNotRestoreTheirOwnHiddenPosts() async throws {
        try await withApp { host, store in
            let admin = try await host.staff("administra", role: .admin, store: store)
            let moderator = try await host.staff("moderador", role: .moderator, store: store)
            let thread = try await admin.openThread(title: "Hilo del equipo", body: "Texto")
            let reply = try await moderator.reply(thread: thread, body: "Respuesta que el admin oculta")
            #expect(try await admin.moderate("/mod/posts/\(reply)/hide").status == .seeOther)
            #expect(try await moderator.moderate("/mod/posts/\(reply)/restore").status == .forbidden)
            #expect(try await store.post(id: reply)?.isHidden == true)
        }
    }

    // MARK: 10. Smaller

    @Test func headIsAnsweredAsGetWithoutABody() async throws {
        try await withApp { browser, _ in
            for path in ["/", "/b/banda-ancha", "/b/banda-ancha/feed.atom", "/search?q=cobertura", "/static/cabildo.css"] {
                let page = try await browser.head(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.html.isEmpty, "\(path)")
                #expect(page.headers[.contentSecurityPolicy] != nil, "\(path)")
            }
            #expect(try await browser.head("/t/99999").status == .notFound)
        }
    }

    @Test func anHTTPOriginIsRefusedWhenTheForumIsServedOverHTTPS() async throws {
        var config = testConfig()
        config.baseURL = "https://localhost"
        try await withApp(config: config) { browser, _ in
            try await browser.register("segura")
            try await browser.get("/b/banda-ancha/new")
            let plain = try await browser.post("/b/banda-ancha", [("title", "Desde http"), ("body", "x")],
                                               headers: [.origin: "http://localhost"])
            #expect(plain.status == .forbidden, "same host, but not the same origin")
            let secure = try await browser.post("/b/banda-ancha", [("title", "Desde https"), ("body", "x")],
                                                headers: [.origin: "https://localhost"])
            #expect(secure.status == .seeOther)
        }
    }

    @Test func cachesNeverKeepSignedInPagesAndFeedsVaryByLanguage() async throws {
        try await withApp { browser, _ in
            let feed = try await browser.get("/b/banda-ancha/feed.atom")
            #expect(feed.headers[.cacheControl] == "public, max-age=300")
            #expect(feed.headers[.vary]?.contains("Accept-Language") == true)
            #expect(try await browser.get("/").headers[.cacheControl] != "no-store")
            try await browser.register("privada")
            for path in ["/", "/settings", "/u/privada", "/b/banda-ancha"] {
                #expect(try await browser.get(path).headers[.cacheControl] == "no-store", "\(path)")
            }
        }
    }

    @Test func aRefusedStaticPathStillCarriesTheSecurityHeaders() async throws {
        try await withApp { browser, _ in
            let traversal = try await browser.get("/static/%2e%2e/Package.swift")
            #expect(traversal.status != .ok)
            #expect(traversal.headers[.contentSecurityPolicy] != nil)
            #expect(traversal.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }
}
