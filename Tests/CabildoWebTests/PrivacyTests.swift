import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// `/privacy` tells what the forum keeps. These tests hold it to the schema (every column of a
/// freshly migrated database is accounted for by a sentence of the page), to the page as served
/// in both languages, and to what the code does with client addresses.
@Suite struct PrivacyTests {
    static let catalogs = try! Catalogs.load(directory: repositoryRoot.appendingPathComponent("Templates").path, timeZone: testConfig().timeZone)

    @Test func everyColumnOfTheSchemaIsAccountedForByThePage() async throws {
        // given a freshly migrated database
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }

        // when its columns are listed
        let schema = try await store.schemaColumns()

        // then they are exactly the inventory's: a new column fails, and so does one dropped
        let inventory = PrivacyInventory.columns
        #expect(Set(inventory).count == inventory.count, "a column is listed twice: \(inventory.sorted())")
        let notOnThePage = Set(schema).subtracting(inventory).sorted()
        let gone = Set(inventory).subtracting(schema).sorted()
        #expect(notOnThePage == [], "add these to an item of PrivacyInventory (and its sentence to both catalogs)")
        #expect(gone == [], "the schema no longer has these: take them out of PrivacyInventory and its sentences")
        // and the search index counts by its own columns, not by its shadow tables
        #expect(schema.contains("post_search.body"))
        #expect(!schema.contains { $0.hasPrefix("post_search_") || $0.hasPrefix("sqlite_") })
    }

    @Test func thePageShowsEverySectionAndSentenceInBothLanguages() async throws {
        try await withApp { host, _ in
            for language in Language.allCases {
                // given a visitor in each language
                let visitor = host.stranger()
                visitor.acceptLanguage = language.rawValue
                let t = Self.catalogs[language]

                // when they open /privacy
                let page = try await visitor.get("/privacy")

                // then it is there, in their language, with every section of the inventory
                #expect(page.status == .ok)
                #expect(page.html.contains("<html lang=\"\(language.rawValue)\">"))
                #expect(page.html.contains("<h1>\(t["privacy"])</h1>"))
                for section in PrivacyInventory.sections {
                    #expect(page.html.contains("<h2 id=\"\(section.id)\">\(Self.html(t[section.key]))</h2>"), "\(language) \(section.key)")
                    for item in section.items {
                        let text = Self.html(t.format(item.key, ["idle": "14", "max": "60"]))
                        #expect(page.html.contains(text), "\(language) \(item.key)")
                        #expect(!text.contains("{") && text != item.key, "\(language) \(item.key) has no sentence")
                        if let link = item.link {
                            #expect(page.html.contains("<a href=\"\(link.path)\">\(Self.html(t[link.label]))</a>"), "\(language) \(item.key)")
                        }
                    }
                }
            }
        }
    }

    /// The page quotes what the code does, not what someone remembered.
    @Test func thePageQuotesTheSessionLimitsAndNamesEveryCookie() async throws {
        try await withApp { host, _ in
            let html = try await host.get("/privacy").html
            // AppConfig's defaults: 14 days idle, 60 days in all
            #expect(html.contains("tras 14 días sin uso o 60 días después de empezar"))
            for cookie in [CookieJar.session, CookieJar.anonymous, CookieJar.language, DeviceCookies.name, CookieJar.signInChallenge] {
                #expect(html.contains("<li>\(cookie): "), "\(cookie) is not on the page")
            }
            #expect(html.contains("href=\"/settings/export\"") && html.contains("href=\"\(SiteURL.settingsDelete.path)\""))
        }
        var config = testConfig()
        config.sessionIdleLimit = 3 * 86400
        config.sessionAbsoluteLimit = 30 * 86400
        try await withApp(config: config) { host, _ in
            let html = try await host.get("/privacy").html
            #expect(html.contains("tras 3 días sin uso o 30 días después de empezar"),
                    "the page follows CABILDO_SESSION_IDLE_DAYS and CABILDO_SESSION_MAX_DAYS")
        }
    }

    @Test func everyPageLinksToItAndTheRegistrationFormToo() async throws {
        try await withApp { host, _ in
            // given a member with a thread, and a visitor
            let member = host.stranger()
            try await member.register("lectora")
            let thread = try await member.openThread(title: "Datos de quien participa", body: "¿Qué se guarda?")
            let visitor = host.stranger()

            // then the footer of every page, signed in or not, error pages too, links to /privacy
            for (browser, path) in [(visitor, "/"), (visitor, "/t/\(thread)"), (visitor, "/login"), (visitor, "/no-such-page"),
                                    (member, "/settings"), (member, "/b/banda-ancha")] {
                let html = try await browser.get(path).html
                let footer = try #require(html.split(separator: "<footer class=\"site\">").last, "\(path) has a footer")
                #expect(footer.contains("<a href=\"/privacy\">Privacidad</a>"), "\(path)")
            }
            // and the registration form says where to read it before signing up
            let register = try await visitor.get("/register").html
            let form = try #require(register.split(separator: "<footer").first)
            #expect(form.contains("<a href=\"/privacy\">Qué guarda el foro sobre usted y quién lo ve</a>"))
            visitor.acceptLanguage = "en"
            #expect(try await visitor.get("/register").html.contains("<a href=\"/privacy\">What the forum keeps about you, and who sees it</a>"))
        }
    }

    /// The page is the same for everyone, so it is kept like the home page: each visitor still
    /// gets their own form token, and a member their own navigation.
    @Test func aKeptPageCarriesEachVisitorsOwnTokenAndAMembersOwnNavigation() async throws {
        try await withApp { host, _ in
            let first = host.stranger()
            let second = host.stranger()
            let one = try #require(Browser.csrfToken(in: try await first.get("/privacy").html))
            let two = try #require(Browser.csrfToken(in: try await second.get("/privacy").html))
            #expect(one != two)
            #expect(Browser.csrfToken(in: try await first.get("/privacy").html) == one)
            #expect(try await first.post("/language", [("language", "en"), ("next", "/privacy")]).location == "/privacy")
            #expect(try await first.get("/privacy").html.contains("<h1>Privacy</h1>"))

            let member = host.stranger()
            try await member.register("miembra")
            let html = try await member.get("/privacy").html
            #expect(html.contains("href=\"/u/miembra\"") && !html.contains("href=\"/register\">"))
        }
    }

    /// What the page says about addresses: the database never gets one, the request log never
    /// has one, and a refusal's log line does.
    @Test func clientAddressesNeverReachTheDatabaseAndOnlyRefusalsLogThem() async throws {
        let address = "203.0.113.77"
        let from: HTTPFields = [.xForwardedFor: address]
        var config = limitedConfig(clock: TestClock.atNoonUTC())
        config.rateLimits.trustedProxies = AddressRanges(parsing: ["127.0.0.1", "::1"])!
        let logs = LogCapture()
        try await withApp(config: config, framework: .live, logs: logs) { author, store in
            // given a member who registers, posts, edits, searches and flags from that address
            try await author.get("/register", headers: from)
            let password = "contraseña-segura"
            #expect(try await author.post("/register", [("username", "desde_lejos"), ("password", password),
                                                        ("password_confirmation", password), ("stakeholder", "academia")],
                                          headers: from).status == .seeOther)
            try await author.get("/b/banda-ancha/new", headers: from)
            let opened = try await author.post("/b/banda-ancha", [("title", "Direcciones y privacidad"), ("body", "Cuerpo")], headers: from)
            let thread = try #require(opened.location.flatMap { Int64($0.dropFirst(3)) })
            let post = try #require(try await store.posts(threadId: thread).first?.id)
            try await author.get("/p/\(post)/edit", headers: from)
            #expect(try await author.post("/p/\(post)/edit", [("body", "Cuerpo corregido")], headers: from).status == .seeOther)
            try await author.get("/search?q=privacidad", headers: from)
            let reader = author.stranger()
            try await reader.register("lectora")
            try await reader.get("/p/\(post)/flag", headers: from)
            #expect(try await reader.post("/p/\(post)/flag", [("reason", "spam"), ("note", "")], headers: from).status == .ok)
            try await reader.post("/logout", [], headers: from)
            try await reader.signIn("lectora", headers: from)

            // then no byte of the database file holds the address (though it holds what was written)
            let bytes = [store.path, store.path + "-wal"].reduce(into: Data()) { bytes, file in
                bytes += (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            }
            #expect(bytes.range(of: Data("desde_lejos".utf8)) != nil && bytes.range(of: Data("Cuerpo corregido".utf8)) != nil)
            #expect(bytes.range(of: Data(address.utf8)) == nil, "the database holds the client's address")
            // nor does any log line so far
            #expect(!logs.lines.contains { $0.contains(address) }, "\(logs.lines.filter { $0.contains(address) })")

            // when a limit refuses that address, its log line names it, as the page says
            var refused = false
            for _ in 0..<10 where !refused {
                let visitor = author.stranger()
                try await visitor.get("/login", headers: from)
                refused = try await visitor.post("/login", [("username", "nadie"), ("password", "no-es-esta")], headers: from).status
                    == .tooManyRequests
            }
            #expect(refused)
            let naming = logs.lines.filter { $0.contains(address) }
            #expect(!naming.isEmpty && naming.allSatisfy { $0.hasPrefix("notice rate limited") }, "\(naming)")
        }
    }

    /// How a sentence reads in the page's HTML.
    static func html(_ text: String) -> String { HTMLEscaping().escapeText(text) }
}
