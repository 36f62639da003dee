import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// Each limit crossed through HTTP, with the clock in the test's hands.
@Suite struct RateLimitTests {
    let clock = TestClock.atNoonUTC()

    func config(_ change: (inout RateLimitSettings) -> Void = { _ in }) -> AppConfig {
        var config = limitedConfig(clock: clock)
        change(&config.rateLimits)
        return config
    }

    func expectRefused(_ page: Browser.Page, limit: Int, _ comment: Comment? = nil) {
        #expect(page.status == .tooManyRequests, comment)
        #expect(page.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
        #expect(page.headers[HTTPField.Name("RateLimit-Limit")!] == String(limit))
        #expect(page.headers[HTTPField.Name("RateLimit-Remaining")!] == "0")
        #expect(page.headers[HTTPField.Name("RateLimit-Reset")!].flatMap(Int.init).map { $0 >= 1 } == true)
    }

    func attemptLogin(_ browser: Browser, _ username: String, from address: String? = nil) async throws -> Browser.Page {
        let headers: HTTPFields = address.map { [HTTPField.Name("X-Forwarded-For")!: $0] } ?? [:]
        try await browser.get("/login", headers: headers)
        return try await browser.post("/login", [("username", username), ("password", "clave-equivocada")], headers: headers)
    }

    @Test func loginsPerAddressRefillAfterTheWindow() async throws {
        try await withApp(config: config()) { browser, _ in
            for _ in 0..<6 { #expect(try await attemptLogin(browser, "alguien").status == .unprocessableContent) }
            let refused = try await attemptLogin(browser, "alguien")
            expectRefused(refused, limit: 6)
            #expect(refused.html.contains("Demasiados intentos de inicio de sesión"))
            #expect(refused.headers[.retryAfter] == "10")
            clock.advance(days: 10.0 / 86400)
            #expect(try await attemptLogin(browser, "alguien").status == .unprocessableContent, "one token back after 10 s")
            expectRefused(try await attemptLogin(browser, "alguien"), limit: 6)
        }
    }

    @Test func loginsPerUsernameHoldAcrossAddressesAndOtherAddressesAreUnaffected() async throws {
        let config = config { $0.trustedProxies = AddressRanges(parsing: ["127.0.0.1", "::1"])! }
        try await withApp(config: config, framework: .live) { browser, _ in
            for i in 0..<10 {
                #expect(try await attemptLogin(browser, "victima", from: "203.0.113.\(i)").status == .unprocessableContent)
            }
            let sprayed = try await attemptLogin(browser, "victima", from: "203.0.113.99")
            expectRefused(sprayed, limit: 10)
            #expect(try await attemptLogin(browser, "otra-persona", from: "203.0.113.99").status == .unprocessableContent)

            for _ in 0..<6 { _ = try await attemptLogin(browser, "alguien", from: "198.51.100.7") }
            expectRefused(try await attemptLogin(browser, "alguien", from: "198.51.100.7"), limit: 6)
            #expect(try await attemptLogin(browser, "alguien", from: "198.51.100.8").status == .unprocessableContent,
                    "a different address is unaffected")
            // A client cannot pick its own address: the right-most untrusted hop is the one that counts.
            expectRefused(try await attemptLogin(browser, "alguien", from: "1.2.3.4, 198.51.100.7"), limit: 6)
        }
    }

    /// A local reverse proxy nobody declared trusted puts every visitor in one bucket: the operator
    /// is told once, not on every request.
    @Test func aForwardedForFromAnUntrustedLocalProxyIsWarnedAboutOnce() async throws {
        let logs = LogCapture()
        try await withApp(config: config(), framework: .live, logs: logs) { browser, _ in
            for i in 0..<3 { try await browser.get("/", headers: [.xForwardedFor: "203.0.113.\(i)"]) }
            try await browser.get("/")
            let warnings = logs.lines.filter { $0.contains("CABILDO_TRUSTED_PROXIES") }
            #expect(warnings.count == 1, "\(warnings)")
            #expect(warnings.first?.hasPrefix("warning") == true)
        }
        // Once the proxy is trusted there is nothing to say.
        let quiet = LogCapture()
        let trusted = config { $0.trustedProxies = AddressRanges(parsing: ["127.0.0.1", "::1"])! }
        try await withApp(config: trusted, framework: .live, logs: quiet) { browser, _ in
            try await browser.get("/", headers: [.xForwardedFor: "203.0.113.1"])
            #expect(!quiet.lines.contains { $0.contains("CABILDO_TRUSTED_PROXIES") })
        }
    }

    @Test func aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() async throws {
        try await withApp(config: config(), framework: .live) { browser, _ in
            for i in 0..<6 { _ = try await attemptLogin(browser, "alguien", from: "192.0.2.\(i)") }
            expectRefused(try await attemptLogin(browser, "alguien", from: "192.0.2.200"), limit: 6)
        }
    }

    @Test func registrationsPerAddressAndTheHoneypot() async throws {
        try await withApp(config: config()) { browser, store in
            for i in 0..<3 {
                let person = browser.stranger()
                #expect(try await person.register("persona-\(i)").status == .seeOther)
            }
            let fourth = browser.stranger()
            try await fourth.get("/register")
            let refused = try await fourth.post("/register", [("username", "persona-3"), ("password", "contraseña-segura"),
                                                              ("password_confirmation", "contraseña-segura"), ("stakeholder", "academia")])
            expectRefused(refused, limit: 3)
            #expect(try await store.user(usernameKey: "persona-3") == nil)

            clock.advance(days: 1)
            let bot = browser.stranger()
            try await bot.get("/register")
            let trapped = try await bot.post("/register", [("username", "robot"), ("password", "contraseña-segura"),
                                                           ("password_confirmation", "contraseña-segura"),
                                                           ("stakeholder", "academia"), ("website", "http://spam.example")])
            #expect(trapped.status == .unprocessableContent)
            #expect(try await store.user(usernameKey: "robot") == nil)
            let sloppy = bot.stranger()
            try await sloppy.get("/register")
            #expect(try await sloppy.post("/register", [("website", "http://spam.example")]).status == .unprocessableContent,
                    "a bot's form is refused for the honeypot even when it leaves out the fields people fill")
            #expect(try await browser.stranger().register("persona-real").status == .seeOther, "the honeypot spent no token")
        }
    }

    @Test func aNewAccountWaitsLongerBetweenThreadsAndTheTextSurvives() async throws {
        try await withApp(config: config()) { browser, store in
            try await browser.register("nueva")
            // The account's age is the server's clock's, not the wall's: run just after noon UTC, a
            // wall-clock creation date made the account a day old by the end of this test.
            #expect(try await store.user(usernameKey: "nueva").map { Int($0.createdAt.timeIntervalSince1970) } == Int(clock.now.timeIntervalSince1970))
            _ = try await browser.openThread(title: "Primer hilo del día", body: "Uno")
            try await browser.get("/b/banda-ancha/new")
            let refused = try await browser.post("/b/banda-ancha", [("title", "Segundo hilo"), ("body", "Texto que no se pierde")])
            expectRefused(refused, limit: 1)
            #expect(refused.html.contains("Texto que no se pierde</textarea>"))
            #expect(refused.html.contains("value=\"Segundo hilo\""))
            #expect(refused.html.contains("Está abriendo hilos muy seguido"))
            clock.advance(days: 60.0 / 86400)
            #expect(try await browser.post("/b/banda-ancha", [("title", "Segundo hilo"), ("body", "Texto")]).status == .tooManyRequests,
                    "new accounts wait 120 s, not 15")
            clock.advance(days: 61.0 / 86400)
            _ = try await browser.openThread(title: "Segundo hilo", body: "Dos")
            clock.advance(days: 121.0 / 86400)
            _ = try await browser.openThread(title: "Tercer hilo", body: "Tres")
            clock.advance(days: 121.0 / 86400)
            let daily = try await browser.post("/b/banda-ancha", [("title", "Cuarto hilo"), ("body", "Cuatro")])
            expectRefused(daily, limit: 3)
        }
    }

    @Test func anEstablishedAccountWaitsFifteenSecondsBetweenThreads() async throws {
        try await withApp(config: config()) { browser, store in
            _ = try await store.createUser(NewUser(username: "veterana", passwordHash: try fastHasher.hash("contraseña-segura"),
                                                   role: .member, stakeholder: .academia, createdAt: clock.now.addingTimeInterval(-3 * 86400)))
            try await browser.signIn("veterana")
            _ = try await browser.openThread(title: "Primer hilo", body: "Uno")
            try await browser.get("/b/banda-ancha/new")
            expectRefused(try await browser.post("/b/banda-ancha", [("title", "Segundo hilo"), ("body", "Dos")]), limit: 1)
            clock.advance(days: 15.0 / 86400)
            _ = try await browser.openThread(title: "Segundo hilo", body: "Dos")
        }
    }

    @Test func repliesAreSpacedAndAnIdenticalReplyIsRefused() async throws {
        try await withApp(config: config()) { browser, store in
            _ = try await store.createUser(NewUser(username: "veterano", passwordHash: try fastHasher.hash("contraseña-segura"),
                                                   role: .member, stakeholder: .academia, createdAt: clock.now.addingTimeInterval(-3 * 86400)))
            try await browser.signIn("veterano")
            let thread = try await browser.openThread(title: "Hilo de respuestas", body: "Apertura")
            _ = try await browser.reply(thread: thread, body: "Primera respuesta")
            let tooSoon = try await browser.post("/t/\(thread)/reply", [("body", "Segunda respuesta")])
            expectRefused(tooSoon, limit: 1)
            #expect(tooSoon.html.contains("Segunda respuesta</textarea>"))
            clock.advance(days: 5.0 / 86400)
            let duplicate = try await browser.post("/t/\(thread)/reply", [("body", "Primera respuesta")])
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.html.contains("Ya publicó este mismo texto"))
            #expect(duplicate.html.contains("Primera respuesta</textarea>"))
            clock.advance(days: 300.0 / 86400)
            _ = try await browser.reply(thread: thread, body: "Primera respuesta")
            #expect(try await store.thread(id: thread)?.replyCount == 2)
        }
    }

    @Test func flagsEditsAndAnonymousSearchesHaveDailyAndMinuteLimits() async throws {
        let config = config {
            $0.flagsDaily = RateLimit(2, per: 86400)
            $0.editsDaily = RateLimit(2, per: 86400)
            $0.registration = RateLimit(10, per: 3600)
        }
        try await withApp(config: config) { browser, store in
            try await browser.register("autora")
            let thread = try await browser.openThread(title: "Hilo con mensajes", body: "Texto")
            let post = try #require(try await store.posts(threadId: thread).first).id
            for n in 0..<2 {
                try await browser.get("/p/\(post)/edit")
                #expect(try await browser.post("/p/\(post)/edit", [("body", "Versión \(n)")]).status == .seeOther)
            }
            try await browser.get("/p/\(post)/edit")
            let edit = try await browser.post("/p/\(post)/edit", [("body", "Versión que no se pierde")])
            expectRefused(edit, limit: 2)
            #expect(edit.html.contains("Versión que no se pierde</textarea>"))

            let flagger = browser.stranger()
            try await flagger.register("reportero")
            var posts: [Int64] = [post]
            for n in 0..<2 { posts.append(try await browser.stranger().registeredThread(n)) }
            for id in posts.prefix(2) { #expect(try await flagger.flag(id).status == .ok) }
            expectRefused(try await flagger.flag(posts[2]), limit: 2)

            let anonymous = browser.stranger()
            for _ in 0..<15 { #expect(try await anonymous.get("/search?q=texto").status == .ok) }
            expectRefused(try await anonymous.get("/search?q=texto"), limit: 15)
            for _ in 0..<20 { #expect(try await flagger.get("/search?q=texto").status == .ok, "members search freely") }
        }
    }

    @Test func everyRequestCountsPerAddressButStaticFilesDoNot() async throws {
        try await withApp(config: config { $0.requestsBurst = RateLimit(5, per: 10) }) { browser, _ in
            for _ in 0..<5 { #expect(try await browser.get("/").status == .ok) }
            for _ in 0..<10 { #expect(try await browser.get("/static/cabildo.css").status == .ok) }
            let refused = try await browser.get("/b/banda-ancha")
            expectRefused(refused, limit: 5)
            #expect(refused.html.contains("Demasiadas solicitudes"))
            browser.acceptLanguage = "en"
            #expect(try await browser.get("/").html.contains("Too many requests"))
        }
    }

    @Test func limitsCanBeTurnedOffAndAreReadFromTheEnvironment() throws {
        let settings = try AppConfig.fromEnvironment(["CABILDO_RATE_LIMITS": "off", "CABILDO_RATE_LOGIN": "3/30",
                                                      "CABILDO_TRUSTED_PROXIES": "10.0.0.0/8, ::1"]).rateLimits
        #expect(!settings.enabled)
        #expect(settings.login == RateLimit(3, per: 30))
        #expect(settings.trustedProxies.contains("10.20.30.40") && settings.trustedProxies.contains("::1"))
        #expect(!settings.trustedProxies.contains("11.0.0.1"))
        for (name, value) in [("CABILDO_RATE_LOGIN", "tres"), ("CABILDO_RATE_LIMITS", "maybe"), ("CABILDO_TRUSTED_PROXIES", "10.0.0.0/33")] {
            #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment([name: value]) }
        }
    }
}

extension Browser {
    /// Registers as someone new and opens a thread; returns its opening post's id.
    func registeredThread(_ n: Int) async throws -> Int64 {
        try await register("autor-\(n)")
        let thread = try await openThread(title: "Hilo número \(n)", body: "Texto \(n)")
        try await get("/t/\(thread)")
        let page = try await get("/t/\(thread)")
        guard let range = page.html.range(of: "id=\"p"), let end = page.html[range.upperBound...].firstIndex(of: "\""),
              let id = Int64(page.html[range.upperBound..<end]) else { throw TestFailure("no post id on the thread page") }
        return id
    }
}
