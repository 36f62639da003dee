import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// Issue 13's findings, each as the attack that worked through HTTP before the fix.
@Suite struct AbuseTests {
    let clock = TestClock.atNoonUTC()

    /// Limits on, every request from one address allowed, the clock in the test's hands.
    func config(_ change: (inout AppConfig) -> Void = { _ in }) -> AppConfig {
        var config = limitedConfig(clock: clock)
        config.rateLimits.duplicateWindow = 0
        change(&config)
        return config
    }

    func from(_ address: String) -> HTTPFields { [HTTPField.Name("X-Forwarded-For")!: address] }

    func register(_ browser: Browser, _ name: String, from address: String) async throws -> HTTPResponse.Status {
        let person = browser.stranger()
        try await person.get("/register", headers: from(address))
        return try await person.post("/register", [("username", name), ("password", "contraseña-segura"),
                                                   ("password_confirmation", "contraseña-segura"), ("stakeholder", "academia")],
                                     headers: from(address)).status
    }

    // MARK: 1. Search cost

    @Test func aSearchPastItsTimeLimitSaysTooBroadAndNeverFails() async throws {
        try await withApp(config: config { $0.searchLimits.timeLimit = 0 }) { visitor, store in
            let author = try await store.createUser(NewUser(username: "autora", passwordHash: try fastHasher.hash("x"), role: .member,
                                                            stakeholder: .academia, createdAt: Date()))
            for i in 0..<50 {
                _ = try await store.createThread(NewThread(boardId: 1, authorId: author.id, title: "Cobertura rural \(i)",
                                                           markdown: "La cobertura llega tarde \(i)", html: "", createdAt: Date()))
            }
            let page = try await visitor.get("/search?q=cobertura")
            #expect(page.status == .ok)
            #expect(page.html.contains("Esa búsqueda abarca demasiado"))
            #expect(!page.html.contains("Cobertura rural"))
            // The time limit may be a busy moment's: the answer is kept neither here nor by the browser.
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test func signedInMembersHaveASearchLimitToo() async throws {
        try await withApp(config: config { $0.rateLimits.memberSearches = RateLimit(2, per: 60) }) { member, _ in
            try await member.register("buscadora")
            #expect(try await member.get("/search?q=uno").status == .ok)
            #expect(try await member.get("/search?q=dos").status == .ok)
            let refused = try await member.get("/search?q=tres")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
        }
    }

    // MARK: 2. Per-address limits

    @Test func rotatingAddressesWithinOneIPv6SubnetGainsNothing() async throws {
        let config = config {
            $0.rateLimits.trustedProxies = AddressRanges(parsing: ["127.0.0.1", "::1"])!
            $0.rateLimits.registration = RateLimit(2, per: 3600)
            $0.rateLimits.networkFactor = 2
        }
        try await withApp(config: config, framework: .live) { (browser: Browser, _: AppDatabase) async throws in
            // One /64: every address in it is one client.
            #expect(try await register(browser, "uno", from: "2001:db8:5:6::1") == .seeOther)
            #expect(try await register(browser, "dos", from: "2001:db8:5:6:aaaa::2") == .seeOther)
            #expect(try await register(browser, "tres", from: "2001:db8:5:6:ffff:1:2:3") == .tooManyRequests, "rotating within the /64")
            // The same /48 through another /64: its own 2, then the /48's aggregate (2 × 2) is spent.
            #expect(try await register(browser, "cuatro", from: "2001:db8:5:7::1") == .seeOther)
            #expect(try await register(browser, "cinco", from: "2001:db8:5:7::2") == .seeOther)
            #expect(try await register(browser, "seis", from: "2001:db8:5:8::1") == .tooManyRequests, "a third /64 of the same /48")
            #expect(try await register(browser, "siete", from: "2001:db8:6:8::1") == .seeOther, "another /48 is unaffected")
            #expect(try await register(browser, "ocho", from: "::ffff:198.51.100.9") == .seeOther, "IPv4 written as IPv6 is IPv4")
        }
    }

    @Test func dailyAllowancesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-quota-\(UUID().uuidString).sqlite").path
        defer { removeDatabase(at: path) }
        let config = config {
            $0.rateLimits.thread = RateLimit(100, per: 1)
            $0.rateLimits.threadNewAccount = RateLimit(100, per: 1)
            $0.rateLimits.threadsDaily = RateLimit(1, per: 86400)
            $0.rateLimits.threadsDailyNewAccount = RateLimit(1, per: 86400)
        }
        try await withApp(config: config, databasePath: path) { member, _ in
            try await member.register("constante")
            _ = try await member.openThread(title: "Primer hilo del día", body: "Uno al día")
        }
        // A new process on the same database: memory is empty, the count is not.
        try await withApp(config: config, databasePath: path) { member, _ in
            try await member.signIn("constante")
            try await member.get("/b/banda-ancha/new")
            let refused = try await member.post("/b/banda-ancha", [("title", "Segundo hilo del día"), ("body", "Otro más")])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.html.contains("Otro más"), "the text is kept")
        }
    }

    // MARK: 3. Markdown cost

    @Test func pathologicalMarkdownIsRefusedWithAMessageAndOrdinaryTablesPass() async throws {
        try await withApp(config: config()) { member, _ in
            try await member.register("tablas")
            let thread = try await member.openThread(title: "Tabla de cobertura", body: "| depto | % |\n| --- | --- |\n| Petén | 40 |")
            #expect(try await member.get("/t/\(thread)").html.contains("<table>"))
            let pipes = String(repeating: "|", count: 19_000)
            try await member.get("/t/\(thread)")
            let refused = try await member.post("/t/\(thread)/reply", [("body", "a\n" + pipes)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("estructura demasiado compleja"))
            let quotes = String(repeating: "> ", count: 200) + "hola"
            #expect(try await member.post("/t/\(thread)/reply", [("body", quotes)]).status == .unprocessableContent)
        }
    }

    // MARK: 4. Edits pass the same pre-moderation as new posts

    @Test func anEditIntoAHoldingWordWaitsForAModeratorAgain() async throws {
        try await withApp(config: config()) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            #expect(try await admin.moderate("/mod/words", [("phrase", "rifa"), ("response", "hold")]).status == .seeOther)
            let moderator = try await member.staff("moderador", role: .moderator, store: store)
            try await member.register("editora")
            let thread = try await admin.openThread(title: "Hilo del equipo", body: "Opinen")
            let reply = try await member.reply(thread: thread, body: "Una opinión aprobada")
            #expect(try await store.thread(id: thread)?.replyCount == 1)

            try await member.get("/p/\(reply)/edit")
            #expect(try await member.post("/p/\(reply)/edit", [("body", "Participe en la gran rifa")]).status == .seeOther)
            #expect(!(try await member.stranger().get("/t/\(thread)").html.contains("gran rifa")), "not public at once")
            #expect(try await member.get("/t/\(thread)").html.contains("En espera de aprobación"), "its author sees it waiting")
            #expect(try await moderator.get("/mod").html.contains("gran rifa"), "it is in the queue")
            #expect(try await store.thread(id: thread)?.replyCount == 0)
            #expect(try await store.search("rifa", limit: 5).isEmpty)
        }
    }

    @Test func anEditWithinTheFirstHeldPostsWaitsToo() async throws {
        try await withApp(config: config { $0.holdFirstPosts = 2 }) { member, store in
            let moderator = try await member.staff("moderador", role: .moderator, store: store)
            let thread = try await moderator.openThread(title: "Hilo del equipo", body: "Opinen")
            try await member.register("nueva")
            let reply = try await member.reply(thread: thread, body: "Primera respuesta")
            try await moderator.moderate("/mod/posts/\(reply)/approve")
            #expect(try await member.stranger().get("/t/\(thread)").html.contains("Primera respuesta"))
            try await member.get("/p/\(reply)/edit")
            #expect(try await member.post("/p/\(reply)/edit", [("body", "Reescrita después de aprobada")]).status == .seeOther)
            #expect(!(try await member.stranger().get("/t/\(thread)").html.contains("Reescrita")))
            #expect(try await moderator.get("/mod").html.contains("Reescrita después de aprobada"))
        }
    }

    @Test func watchedWordsMatchTheTextReadersSee() async throws {
        try await withApp(config: config { $0.rateLimits.enabled = false }) { member, store in
            let admin = try await member.staff("admin", role: .admin, store: store)
            try await admin.moderate("/mod/words", [("phrase", "estafa"), ("response", "block")])
            try await member.register("esquiva")
            try await member.get("/b/banda-ancha/new")
            for body in ["Una es**ta**fa clara", "Una es\u{200B}tafa clara", "Una es&shy;tafa clara", "Una *estafa*"] {
                let page = try await member.post("/b/banda-ancha", [("title", "Oferta de internet"), ("body", body)])
                #expect(page.status == .unprocessableContent, "\(body)")
                #expect(page.html.contains("«estafa»"), "\(body)")
            }
            let title = try await member.post("/b/banda-ancha", [("title", "Es\u{200B}tafa"), ("body", "Texto")])
            #expect(title.status == .unprocessableContent, "the title too")
        }
    }

    // MARK: 5. Unlisted threads keep their titles

    @Test func aHeldThreadsTitleLeaksNowhere() async throws {
        try await withApp(config: config { $0.holdFirstPosts = 1 }) { author, store in
            try await author.register("autor")
            let thread = try await author.openThread(title: "Título retenido secreto", body: "Cuerpo retenido")
            let other = author.stranger()
            try await other.register("curioso")
            for path in ["/t/\(thread)", "/t/\(thread)/reply", "/t/\(thread)/reply?parent=1"] {
                let page = try await other.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.html.contains("Título retenido"), "\(path)")
            }
            // The author replying to their own held thread does not publish its title.
            try await author.get("/t/\(thread)")
            let reply = try await author.post("/t/\(thread)/reply", [("body", "Me respondo para publicarlo")])
            #expect(reply.status == .forbidden)
            #expect(try await store.search("publicarlo", limit: 5).isEmpty)
            #expect(!(try await other.get("/u/autor").html.contains("Título retenido")))
            let committee = try await author.staff("comite", role: .committee, store: store)
            let summary = try await committee.get("/t/\(thread)/summary")
            #expect(summary.status == .notFound, "the committee is not staff: the summary form shows no held title")
            #expect(!summary.html.contains("Título retenido"))
        }
    }

    @Test func aHiddenThreadsTitleIsNotInSearchOrTheLog() async throws {
        try await withApp(config: config()) { author, store in
            let moderator = try await author.staff("moderadora", role: .moderator, store: store)
            try await author.register("autor")
            let thread = try await author.openThread(title: "Título ofensivo escondido", body: "Apertura")
            let replier = author.stranger()
            try await replier.register("respondona")
            _ = try await replier.reply(thread: thread, body: "Respuesta indexada")
            let opening = try #require(try await store.posts(threadId: thread).first).id
            try await moderator.moderate("/mod/posts/\(opening)/hide", reason: "Título ofensivo")
            let reader = author.stranger()
            let search = try await reader.get("/search?q=indexada")
            #expect(!search.html.contains("Título ofensivo escondido"))
            let log = try await reader.get("/moderation-log")
            #expect(log.html.contains("Título ofensivo"), "the reason is public")
            #expect(!log.html.contains("escondido"), "the title is not")
            #expect(log.html.contains("mensaje #\(opening)"))
        }
    }

    // MARK: 6. Guessing a name does not lock its owner out

    @Test func theOwnerSignsInFromAKnownBrowserAfterAGuessingSpree() async throws {
        let config = config { $0.rateLimits.trustedProxies = AddressRanges(parsing: ["127.0.0.1", "::1"])! }
        try await withApp(config: config, framework: .live) { owner, store in
            _ = try await owner.staff("guardiana", role: .moderator, store: store)  // a name the log makes public
            try await owner.get("/login", headers: from("198.51.100.1"))
            #expect(try await owner.post("/login", [("username", "guardiana"), ("password", "contraseña-segura")],
                                         headers: from("198.51.100.1")).status == .seeOther)
            try await owner.post("/logout", [], headers: from("198.51.100.1"))

            let attacker = owner.stranger()
            for i in 0..<8 {  // with the two sign-ins above, the name's 10 an hour are spent
                try await attacker.get("/login", headers: from("203.0.113.\(i)"))
                #expect(try await attacker.post("/login", [("username", "guardiana"), ("password", "adivinanza-\(i)")],
                                                headers: from("203.0.113.\(i)")).status == .unprocessableContent)
            }
            try await attacker.get("/login", headers: from("203.0.113.50"))
            let locked = try await attacker.post("/login", [("username", "guardiana"), ("password", "contraseña-segura")],
                                                 headers: from("203.0.113.50"))
            #expect(locked.status == .tooManyRequests, "guessers stay limited per name, even with the right password")

            try await owner.get("/login", headers: from("198.51.100.2"))
            let back = try await owner.post("/login", [("username", "guardiana"), ("password", "contraseña-segura")],
                                            headers: from("198.51.100.2"))
            #expect(back.status == .seeOther, "the owner's browser signed in before, so it is not locked out")
        }
    }

    @Test func aDeviceCookieForAnotherNameOrForgedHelpsNobody() async throws {
        let config = config { $0.rateLimits.loginPerUsername = RateLimit(1, per: 3600) }
        try await withApp(config: config) { browser, store in
            let ana = try await browser.staff("ana", role: .member, store: store)  // signed in: this browser holds a cookie for ana
            try await ana.post("/logout", [])
            let wrong: [(String, String)] = [("username", "beto"), ("password", "adivinanza")]
            try await ana.get("/login")
            #expect(try await ana.post("/login", wrong).status == .unprocessableContent)
            #expect(try await ana.post("/login", wrong).status == .tooManyRequests, "ana's cookie does not open beto's bucket")
            let forger = browser.stranger()
            forger.setCookie("cabildo_device", "YmV0bw.abc.forged")  // "beto", with a made-up signature
            try await forger.get("/login")
            #expect(try await forger.post("/login", wrong).status == .tooManyRequests)
        }
    }

    // MARK: 7. Automatic hiding

    @Test func flagsFromBrandNewAccountsDoNotHideUntilTheyAreEstablished() async throws {
        try await withApp(config: config { $0.rateLimits.enabled = false }) { author, store in
            try await author.register("autora")
            let thread = try await author.openThread(title: "Propuesta de cobertura", body: "Texto legítimo")
            let post = try #require(try await store.posts(threadId: thread).first).id
            var flaggers: [Browser] = []
            for name in ["uno", "dos", "tres", "cuatro"] {
                let member = author.stranger()
                try await member.register("recien-\(name)")
                flaggers.append(member)
            }
            for flagger in flaggers.prefix(3) { try await flagger.flag(post) }
            #expect(try await author.stranger().get("/t/\(thread)").html.contains("Texto legítimo"), "three accounts made seconds ago")
            let moderator = try await author.staff("moderador", role: .moderator, store: store)
            #expect(try await moderator.get("/mod").html.contains("Texto legítimo"), "their flags still reach the queue")

            clock.advance(days: 2)
            for (index, flagger) in flaggers.enumerated() {
                _ = try await flagger.reply(thread: thread, body: "Mi aporte número \(index)")
            }
            try await flaggers[3].flag(post)
            #expect(!(try await author.stranger().get("/t/\(thread)").html.contains("Texto legítimo")),
                    "established members' flags hide it")
        }
    }

    @Test func staffPostsAreQueuedNotHiddenAndModeratorsUndoTheForumsHiding() async throws {
        var config = config { $0.rateLimits.enabled = false }
        config.autoHide = AutoHideRule(threshold: 3, minimumAccountAge: 0, minimumPublishedPosts: 0)
        try await withApp(config: config) { host, store in
            let admin = try await host.staff("administra", role: .admin, store: store)
            let thread = try await admin.openThread(title: "Anuncio del comité", body: "Fechas de los paneles")
            let announcement = try #require(try await store.posts(threadId: thread).first).id
            for name in ["uno", "dos", "tres"] {
                let member = host.stranger()
                try await member.register("bromista-\(name)")
                try await member.flag(announcement)
            }
            #expect(try await host.stranger().get("/t/\(thread)").html.contains("Fechas de los paneles"), "staff posts are never hidden by flags")
            let moderator = try await host.staff("moderador", role: .moderator, store: store)
            #expect(try await moderator.get("/mod").html.contains("Fechas de los paneles"), "they are queued")
        }
    }
}
