import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Synchronization
import Testing
@testable import CabildoWeb

/// Signed-in members get their pages kept too (`PageCache`, `SessionCache`; issue 20): each
/// member their own, each session its own token, and every change shown at once.
@Suite struct MemberPageCacheTests {
    @Test(arguments: StoreKind.available) func aMemberIsServedTheirKeptPageAndSeesEachChangeAtOnce(_ kind: StoreKind) async throws {
        try await withApp(on: kind, framework: .live) { marta, _ in
            try await marta.register("marta")
            let thread = try await marta.openThread(title: "Un hilo para volver a leer", body: "Apertura")
            let keptBefore = try await Self.keptMemberPages(marta)
            // when: she reads her thread twice
            try await marta.get("/t/\(thread)")
            let again = try await marta.get("/t/\(thread)")
            // then: the second time it comes from memory, the same page
            #expect(try await Self.keptMemberPages(marta) > keptBefore)
            #expect(again.html.contains(Self.header("marta")))

            // when: she follows it (a change only she sees)
            try await marta.watch("/t/\(thread)", "watching")
            // then: her page shows it at once
            #expect(try await marta.get("/t/\(thread)").html.contains("Sigue este hilo: recibe un aviso por cada mensaje nuevo."))

            // when: someone else replies, which notifies her
            let beto = marta.stranger()
            try await beto.register("beto")
            try await beto.reply(thread: thread, body: "Una respuesta de Beto")
            // then: her thread page shows the reply, and her header the notice, at once
            #expect(try await marta.get("/").unreadCount == 1)
            #expect(try await marta.get("/notifications").notifications.count == 1)
            let page = try await marta.get("/t/\(thread)")
            #expect(page.html.contains("Una respuesta de Beto"))
            // reading the thread read its notice: the next page's header says so
            #expect(try await marta.get("/").unreadCount == 0)
        }
    }

    @Test func aKeptPageIsNeverShownToAnotherMemberOrAVisitor() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Un hilo de Ana", body: "Apertura")
            let beto = ana.stranger()
            try await beto.register("beto")
            let visitor = ana.stranger()
            for path in ["/", "/b/banda-ancha", "/t/\(thread)"] {
                for _ in 0..<2 {
                    let anas = try await ana.get(path).html, betos = try await beto.get(path).html, visitors = try await visitor.get(path).html
                    #expect(anas.contains(Self.header("ana")) && !anas.contains(Self.header("beto")), "\(path)")
                    #expect(betos.contains(Self.header("beto")) && !betos.contains(Self.header("ana")), "\(path)")
                    #expect(!visitors.contains("action=\"/logout\""), "\(path)")
                }
            }
            // Her own post's tools are on her page only.
            #expect(try await ana.get("/t/\(thread)").html.contains("/edit\""))
            #expect(!(try await beto.get("/t/\(thread)").html.contains("/edit\"")))
        }
    }

    @Test func eachSessionOfAMemberGetsItsOwnWorkingTokenFromAKeptPage() async throws {
        try await withApp { phone, _ in
            try await phone.register("carla")
            let thread = try await phone.openThread(title: "Un hilo desde dos aparatos", body: "Apertura")
            let laptop = phone.stranger()
            try await laptop.signIn("carla", password: "contraseña-segura")
            let phonePage = try await phone.get("/t/\(thread)").html
            let laptopPage = try await laptop.get("/t/\(thread)").html
            let phoneToken = try #require(Browser.csrfToken(in: phonePage))
            let laptopToken = try #require(Browser.csrfToken(in: laptopPage))
            #expect(phoneToken != laptopToken)
            #expect(phonePage.replacingOccurrences(of: phoneToken, with: "") == laptopPage.replacingOccurrences(of: laptopToken, with: ""),
                    "the same page, but for the token")
            // Each session's token works for it, and not for the other.
            #expect(try await laptop.reply(thread: thread, body: "Desde la computadora") > 0)
            phone.csrfToken = laptopToken
            #expect(try await phone.post("/t/\(thread)/reply", [("body", "Con la ficha ajena")]).status == .forbidden)
        }
    }

    @Test func aSessionEndedElsewhereIsRefusedAtOnceThoughItWasKept() async throws {
        try await withApp { browser, _ in
            try await browser.register("dora")
            let cookie = try #require(browser.cookies["cabildo_session"])
            let copy = browser.stranger()
            copy.cookies["cabildo_session"] = cookie
            // given: the session was just read, and the settings page kept, for the copy
            for _ in 0..<2 { #expect(try await copy.get("/settings").status == .ok) }
            // when: the member signs out
            try await browser.get("/")
            #expect(try await browser.post("/logout", []).status == .seeOther)
            // then: the same cookie signs no one in, at once
            let page = try await copy.get("/settings")
            #expect(page.status == .seeOther)
            #expect(page.location?.hasPrefix("/login") == true)
            #expect(!(try await copy.get("/").html.contains("action=\"/logout\"")))
        }
    }

    /// Many requests of one session at once, none finding it kept, read it once; a read begun
    /// before a member write is not shared with the requests that come after it.
    @Test func requestsOfOneSessionAtOnceShareOneRead() async throws {
        let store = try AppDatabase.temporary()
        let dora = try await store.createUser(NewUser(username: "dora", passwordHash: "$argon2id$v=19$x", role: .member, stakeholder: .academia, createdAt: Date()))
        let cache = SessionCache(store: store)
        let reads = Mutex(0)
        let read: @Sendable () async throws -> User? = {
            reads.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            return dora
        }
        // when: 32 requests at once
        let users = try await withThrowingTaskGroup(of: User?.self) { group in
            for _ in 0..<32 { group.addTask { try await cache.user(tokenHash: Data([1]), now: Date(), read: read) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // then: one read answered them all
        #expect(users.count == 32 && users.allSatisfy { $0?.id == dora.id })
        #expect(reads.withLock { $0 } == 1)

        // and: a request after a member write while a read is under way reads again
        let slow = Task { try await cache.user(tokenHash: Data([2]), now: Date(), read: read) }
        try await Task.sleep(for: .milliseconds(10))
        try await store.setDepartment(userId: dora.id, .guatemala, shown: false)
        _ = try await cache.user(tokenHash: Data([2]), now: Date(), read: read)
        _ = try await slow.value
        #expect(reads.withLock { $0 } == 3)
    }

    @Test func aMembersKeptPageIsRenderedAgainAfterAMinute() async throws {
        let clock = TestClock.atNoonUTC()
        var config = testConfig()
        config.clock = { clock.now }
        try await withApp(config: config, framework: .live) { emma, _ in
            try await emma.register("emma")
            try await emma.get("/")
            let kept = try await Self.keptMemberPages(emma)
            try await emma.get("/")
            #expect(try await Self.keptMemberPages(emma) == kept + 1)
            // when: a minute passes with no write (a suspension could have ended meanwhile)
            clock.advance(seconds: 61)
            let rendered = try await Self.renderedMemberPages(emma)
            try await emma.get("/")
            // then: the page is rendered again
            #expect(try await Self.renderedMemberPages(emma) == rendered + 1)
        }
    }

    /// The header's link to the signed-in member's profile.
    static func header(_ username: String) -> String { "<a href=\"/u/\(username)\">\(username)</a>\n<a href=\"/settings\">" }

    static func keptMemberPages(_ browser: Browser) async throws -> Int { try await PageCounter(browser).count("member", "kept") }
    static func renderedMemberPages(_ browser: Browser) async throws -> Int { try await PageCounter(browser).count("member", "rendered") }
}
