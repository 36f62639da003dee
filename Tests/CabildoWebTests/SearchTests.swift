import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoWeb

@Suite struct SearchTests {
    @Test func searchFindsWordsWithAndWithoutAccents() async throws {
        try await withApp { browser, _ in
            try await browser.register("valeria")
            let thread = try await browser.openThread(board: "proteccion-de-datos", title: "Ley de protección de datos",
                                                      body: "Necesitamos una autoridad de protección independiente.")
            let plain = try await browser.get("/search?q=proteccion")
            #expect(plain.status == .ok)
            #expect(plain.html.contains("href=\"/t/\(thread)#p\(thread)\""))
            #expect(plain.html.contains("<mark>protección</mark>"))
            let accented = try await browser.get("/search?q=" + Browser.encode("PROTECCIÓN autoridad"))
            #expect(accented.html.contains("href=\"/t/\(thread)#p\(thread)\""))
            let formEncoded = try await browser.get("/search?q=proteccion+autoridad")
            #expect(formEncoded.html.contains("href=\"/t/\(thread)#p\(thread)\""), "+ is a space in a GET form")
            #expect(try await browser.get("/search?q=%FF").status == .badRequest)
            let none = try await browser.get("/search?q=inexistente")
            #expect(none.html.contains("No se encontraron mensajes."))
        }
    }

    @Test func resultsComeTwentyToAPageWithLinksBothWays() async throws {
        try await withApp { browser, store in
            try await browser.register("wilmer")
            let thread = try await browser.openThread(title: "Presupuesto municipal", body: "Apertura")
            let user = try #require(try await store.user(usernameKey: Rules.usernameKey("wilmer")))
            for n in 1...24 {
                _ = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: user.id,
                                                         markdown: "Propuesta municipal número \(n)", html: "", createdAt: Date()))
            }
            let first = try await browser.get("/search?q=municipal").html
            #expect(first.components(separatedBy: "<li><a href=").count - 1 == 20)
            #expect(first.contains("href=\"/search?q=municipal&amp;page=2\" rel=\"next\""))
            #expect(!first.contains("rel=\"prev\""))
            let second = try await browser.get("/search?q=municipal&page=2").html
            #expect(second.components(separatedBy: "<li><a href=").count - 1 == 5)
            #expect(second.contains("href=\"/search?q=municipal\" rel=\"prev\""))
            #expect(!second.contains("rel=\"next\""))
            for odd in ["0", "-3", "abc", "99999999999999999999"] {
                let page = try await browser.get("/search?q=municipal&page=" + odd)
                #expect(page.status == .ok, "page=\(odd)")
            }
            #expect(try await browser.get("/search?q=municipal&page=0").html.contains("rel=\"next\""), "below 1 is the first page")
        }
    }

    /// Visitors searching the same new words at once: one search runs and the others wait for
    /// its page. With one slot and no line, a second search of the words would be refused as busy.
    @Test func visitorsSearchingTheSameWordsAtOnceShareOneSearch() async throws {
        var config = testConfig()
        config.searchLimits.concurrent = 1
        config.searchLimits.waiting = 0
        try await withApp(config: config) { browser, _ in
            try await browser.register("zoila")
            let thread = try await browser.openThread(title: "Cobertura rural", body: "Antenas en cada municipio")
            let answers = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        let page = try await browser.stranger().get("/search?q=antenas")
                        return (page.status.code, page.html.contains("href=\"/t/\(thread)#p\(thread)\""))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 32)
            #expect(answers.allSatisfy { $0.0 == 200 && $0.1 }, "none refused as busy, every one with the result")
        }
    }

    /// A result page, kept as rendered, is rendered again after a write of content anywhere: a
    /// new thread on another board leaves that board's other pages kept, but may match any search.
    @Test func aKeptResultPageGoesStaleAtAnyWrite() async throws {
        try await withApp { browser, _ in
            try await browser.register("zoila")
            let first = try await browser.openThread(title: "Cobertura rural", body: "Antenas en cada municipio")
            let before = try await browser.stranger().get("/search?q=antenas")
            #expect(before.html.contains("href=\"/t/\(first)#p\(first)\""))
            #expect(before.headers[.cacheControl] == "private, no-cache", "an answer to keep")
            let second = try await browser.openThread(board: "proteccion-de-datos", title: "Datos de las antenas", body: "Otro tema")
            let after = try await browser.stranger().get("/search?q=antenas").html
            #expect(after.contains("href=\"/t/\(first)#p\(first)\""))
            #expect(after.contains("href=\"/t/\(second)#p\(second)\""))
        }
    }

    @Test(arguments: ["\"", "(", "AND", "a OR", "NEAR(", "*", "\"unterminated", "col:term", "^", "-x", "'; DROP TABLE posts; --"])
    func searchSyntaxNeverFails(_ query: String) async throws {
        try await withApp { browser, _ in
            let page = try await browser.get("/search?q=" + Browser.encode(query))
            #expect(page.status == .ok)
        }
    }
}

@Suite struct LanguageTests {
    @Test func spanishIsTheDefault() async throws {
        try await withApp { browser, _ in
            let page = try await browser.get("/")
            #expect(page.html.contains("<html lang=\"es\">"))
            #expect(page.html.contains("Temas de discusión"))
        }
    }

    @Test func englishByAcceptLanguage() async throws {
        try await withApp { browser, _ in
            browser.acceptLanguage = "en-US,en;q=0.9,es;q=0.5"
            let page = try await browser.get("/")
            #expect(page.html.contains("<html lang=\"en\">"))
            #expect(page.html.contains("Discussion themes"))
            #expect(page.html.contains("Defending the principle of network neutrality"))
            let missing = try await browser.get("/nowhere")
            #expect(missing.html.contains("We could not find that page"))
        }
    }

    @Test func theFooterSwitchChangesLanguageWithoutAnAccount() async throws {
        try await withApp { browser, _ in
            try await browser.get("/b/banda-ancha")
            let board = try await browser.get("/b/banda-ancha?before=99")
            #expect(board.html.contains("name=\"next\" value=\"/b/banda-ancha?before=99\""))
            let switched = try await browser.post("/language", [("language", "en"), ("next", "/b/banda-ancha")])
            #expect(switched.status == .seeOther)
            #expect(switched.location == "/b/banda-ancha")
            let page = try await browser.follow(switched)
            #expect(page.html.contains("<html lang=\"en\">"))
            try await browser.post("/language", [("language", "es")])
            #expect(try await browser.get("/").html.contains("<html lang=\"es\">"))
        }
    }

    @Test func catalogsHaveTheSameKeysAndCoverEveryTemplate() throws {
        let catalogs = try Catalogs.load(directory: repositoryRoot.appendingPathComponent("Templates").path, timeZone: testConfig().timeZone)
        let spanish = Set(catalogs[.es].strings.keys)
        let english = try JSONKeys.english()
        #expect(spanish == english)
        let templates = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Templates").path)
            .filter { $0.hasSuffix(".mustache") }
        for name in templates {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Templates/\(name)"), encoding: .utf8)
            for key in text.matches(of: /\{\{[#^\/]?t\.([a-z_]+)\}\}/).map({ String($0.1) }) {
                #expect(spanish.contains(key), "\(name) uses t.\(key)")
            }
        }
    }
}

import Foundation

enum JSONKeys {
    static func english() throws -> Set<String> {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Templates/messages.en.json"))
        return Set(try JSONDecoder().decode([String: String].self, from: data).keys)
    }
}

@Suite struct FeedAndHealthTests {
    @Test func boardFeedIsAtomWithEscapedContent() async throws {
        try await withApp { browser, _ in
            try await browser.register("walter")
            let thread = try await browser.openThread(title: "Firma electrónica & pagos", body: "Texto con *énfasis*")
            let feed = try await browser.get("/b/banda-ancha/feed.atom")
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType]?.hasPrefix("application/atom+xml") == true)
            #expect(feed.html.hasPrefix("<?xml"))
            #expect(feed.html.contains("<title>Firma electrónica &amp; pagos</title>"))
            #expect(feed.html.contains("/t/\(thread)"))
            #expect(feed.html.contains("&lt;em&gt;énfasis&lt;/em&gt;"))
            #expect(feed.setCookies.isEmpty, "feeds set no cookies")
        }
    }

    /// The client chooses the `Host` header: a feed built from it would send readers anywhere.
    @Test func feedLinksNeverComeFromTheHostHeader() async throws {
        try await withApp(framework: .live) { browser, _ in
            try await browser.register("walter")
            let thread = try await browser.openThread(title: "Hilo del canal", body: "Texto")
            let port = try #require(browser.client.port)
            let feed = try rawHTTP(port: port, "GET /b/banda-ancha/feed.atom HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            #expect(feed.hasPrefix("HTTP/1.1 200"))
            #expect(!feed.contains("evil.example"))
            #expect(feed.contains("href=\"/t/\(thread)\""), "without CABILDO_BASE_URL links are relative")
        }
        var config = testConfig()
        config.baseURL = "https://foro.example.gt/"
        try await withApp(config: config) { browser, _ in
            try await browser.register("walter")
            let thread = try await browser.openThread(title: "Hilo del canal", body: "Texto")
            let feed = try await browser.get("/b/banda-ancha/feed.atom")
            #expect(feed.html.contains("href=\"https://foro.example.gt/t/\(thread)\""), "with it, absolute")
            #expect(feed.html.contains("<id>https://foro.example.gt/b/banda-ancha/feed.atom</id>"))
        }
    }

    @Test func healthzAnswersWhenTheDatabaseDoes() async throws {
        try await withApp { browser, _ in
            let page = try await browser.get("/healthz")
            #expect(page.status == .ok)
            #expect(page.html == "ok\n")
        }
    }

    @Test func theStylesheetIsServedSmallAndCached() async throws {
        try await withApp { browser, _ in
            let css = try await browser.get("/static/cabildo.css")
            #expect(css.status == .ok)
            #expect(css.html.utf8.count <= 10 * 1024)
            #expect(css.headers[.cacheControl]?.contains("max-age") == true)
        }
    }

    @Test func profilesListRecentPosts() async throws {
        try await withApp { browser, _ in
            try await browser.register("Ximena", stakeholder: "academia")
            let thread = try await browser.openThread(title: "Alfabetización digital", body: "Talleres en escuelas")
            let page = try await browser.get("/u/ximena")
            #expect(page.status == .ok)
            #expect(page.html.contains("<h1>Ximena</h1>"))
            #expect(page.html.contains("Academia"))
            #expect(page.html.contains("href=\"/t/\(thread)#p\(thread)\""))
        }
    }
}
