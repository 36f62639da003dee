import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

@Suite struct CSRFTests {
    @Test func aPostWithoutTokenIsRefusedAndStoresNothing() async throws {
        try await withApp { browser, store in
            try await browser.register("nora")
            try await browser.get("/b/banda-ancha/new")
            let page = try await browser.post("/b/banda-ancha", [("title", "Sin token alguno"), ("body", "Texto que se conserva")],
                                              withToken: false)
            #expect(page.status == .forbidden)
            #expect(page.html.contains("Texto que se conserva</textarea>"), "what was typed is shown back")
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
        }
    }

    @Test func aForgedTokenIsRefused() async throws {
        try await withApp { browser, store in
            try await browser.register("oscar")
            try await browser.get("/b/banda-ancha/new")
            let page = try await browser.post("/b/banda-ancha", [
                ("title", "Con token falso"), ("body", "x"), ("csrf_token", String(repeating: "A", count: 43)),
            ])
            #expect(page.status == .forbidden)
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
        }
    }

    @Test func aTokenFromAnotherSessionIsRefused() async throws {
        try await withApp { browser, store in
            let attacker = browser.stranger()
            try await attacker.register("atacante")
            try await attacker.get("/b/banda-ancha/new")
            let stolen = try #require(attacker.csrfToken)

            try await browser.register("victima")
            let page = try await browser.post("/b/banda-ancha", [
                ("title", "Publicado por otro"), ("body", "x"), ("csrf_token", stolen),
            ])
            #expect(page.status == .forbidden)
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
        }
    }

    @Test func anonymousFormsNeedTheirTokenToo() async throws {
        try await withApp { browser, store in
            try await browser.get("/register")
            let page = try await browser.post("/register", [
                ("username", "sintoken"), ("password", "contraseña-larga"), ("password_confirmation", "contraseña-larga"),
                ("stakeholder", "academia"),
            ], withToken: false)
            #expect(page.status == .forbidden)
            #expect(try await store.credentials(usernameKey: "sintoken") == nil)
            let login = try await browser.post("/login", [("username", "x"), ("password", "y")], withToken: false)
            #expect(login.status == .forbidden)
        }
    }

    @Test func aCrossSiteOriginIsRefusedEvenWithAValidToken() async throws {
        try await withApp { browser, store in
            try await browser.register("pablo")
            try await browser.get("/b/banda-ancha/new")
            let crossOrigin = try await browser.post("/b/banda-ancha", [("title", "Desde otro sitio"), ("body", "x")],
                                                     headers: [.origin: "https://evil.example"])
            #expect(crossOrigin.status == .forbidden)
            let fetchSite = try await browser.post("/b/banda-ancha", [("title", "Desde otro sitio"), ("body", "x")],
                                                   headers: [.secFetchSite: "cross-site"])
            #expect(fetchSite.status == .forbidden)
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
        }
    }

    @Test func anExpiredSessionLosesNoText() async throws {
        try await withApp { browser, store in
            try await browser.register("quique")
            let thread = try await browser.openThread(title: "Hilo para responder", body: "Apertura")
            try await browser.get("/t/\(thread)")
            // given the session expires while the reply is being written
            let token = try #require(browser.cookies["cabildo_session"])
            try await store.deleteSession(tokenHash: Tokens.sha256(token))
            // when
            let page = try await browser.post("/t/\(thread)/reply", [("body", "Un párrafo largo escrito con cuidado")])
            // then
            #expect(page.status == .forbidden)
            #expect(page.html.contains("Un párrafo largo escrito con cuidado</textarea>"))
            #expect(try await store.posts(threadId: thread).count == 1)
        }
    }

    @Test func aReplyWithoutSessionKeepsTheText() async throws {
        try await withApp { browser, _ in
            let author = browser.stranger()
            try await author.register("autora")
            let thread = try await author.openThread(title: "Hilo de otra persona", body: "Apertura")
            // An anonymous visitor with a valid anonymous token posts a reply: sign-in is required, the text is kept.
            try await browser.get("/t/\(thread)")
            let page = try await browser.post("/t/\(thread)/reply", [("body", "Texto escrito sin sesión")])
            #expect(page.status == .unauthorized)
            #expect(page.html.contains("Texto escrito sin sesión</textarea>"))
            #expect(page.html.contains("href=\"/login?next="))
        }
    }
}

@Suite struct InputTests {
    @Test func oversizedBodiesAre413() async throws {
        try await withApp { browser, store in
            try await browser.register("rosa")
            try await browser.get("/b/banda-ancha/new")
            let huge = String(repeating: "a", count: 70 * 1024)
            let page = try await browser.post("/b/banda-ancha", [("title", "Demasiado largo"), ("body", huge)])
            #expect(page.status == .contentTooLarge)
            #expect(page.html.contains("demasiado largo"))
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)
        }
    }

    @Test func invalidUTF8AndBadEscapesAre400() async throws {
        try await withApp { browser, _ in
            try await browser.register("sofia")
            try await browser.get("/b/banda-ancha/new")
            let token = try #require(browser.csrfToken)
            let percent = try await browser.postRaw("/b/banda-ancha", body: "csrf_token=\(token)&title=T%FF%FEitulo&body=x")
            #expect(percent.status == .badRequest)
            let raw = try await browser.postBytes("/b/banda-ancha", body: Array("csrf_token=\(token)&title=".utf8) + [0xC3, 0x28] + Array("&body=x".utf8))
            #expect(raw.status == .badRequest)
            let escape = try await browser.postRaw("/b/banda-ancha", body: "csrf_token=\(token)&title=%zz&body=x")
            #expect(escape.status == .badRequest)
            let missing = try await browser.postRaw("/b/banda-ancha", body: "csrf_token=\(token)&title=Falta+el+cuerpo")
            #expect(missing.status == .badRequest)
            let json = try await browser.postRaw("/b/banda-ancha", body: "{}", headers: [.contentType: "application/json"])
            #expect(json.status == .badRequest)
        }
    }

    /// A field its typed form cannot read is a hand-made request: 400, and nothing is stored.
    @Test func unreadableTypedFieldsAre400() async throws {
        try await withApp { browser, store in
            // given a thread, and its reply form's token
            try await browser.register("tomas")
            let thread = try await browser.openThread(title: "Hilo para responder", body: "Texto inicial")
            try await browser.get("/t/\(thread)/reply")
            let token = try #require(browser.csrfToken)

            // when the reply's body is not UTF-8, its parent not a number, or a select sends what it does not offer
            let body = try await browser.postRaw("/t/\(thread)/reply", body: "csrf_token=\(token)&body=Hola%C3%28")
            let parent = try await browser.postRaw("/t/\(thread)/reply", body: "csrf_token=\(token)&body=Hola&parent=abc")
            let language = try await browser.postRaw("/language", body: "csrf_token=\(token)&language=fr&next=/")

            // then each is a 400
            #expect(body.status == .badRequest)
            #expect(parent.status == .badRequest)
            #expect(language.status == .badRequest)
            #expect(try await store.posts(threadId: thread).count == 1)
        }
    }

    @Test func pagesCarryTheSecurityHeaders() async throws {
        try await withApp { browser, _ in
            for path in ["/", "/login", "/no-such-page"] {
                let page = try await browser.get(path)
                let csp = try #require(page.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("script-src"))
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[.referrerPolicy] == "same-origin")
                #expect(page.headers[.strictTransportSecurity] == nil, "no HSTS over plain HTTP")
            }
        }
    }
}

@Suite struct XSSTests {
    static let corpus = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg/onload=alert(1)>",
        "<iframe src=//x>",
        "<details open ontoggle=alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](https://tracker.example/pixel.png)",
    ]

    /// No executable markup survives. Escaped text and quoted attribute values may hold the payload
    /// as text; what must not exist is a tag from the payload, an event-handler attribute, a `src`,
    /// or a link whose target is a script or data URL.
    static func assertHarmless(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for tag in html.matches(of: /<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/) {
            let name = tag.1.lowercased()
            #expect(!["script", "img", "svg", "iframe", "details", "object", "embed"].contains(name),
                    "tag <\(name)>", sourceLocation: sourceLocation)
            // Values are quoted and escaped by the templates, so a payload cannot leave its quotes.
            for attribute in String(tag.2).matches(of: /\s([a-zA-Z-]+)(?:="([^"]*)")?/) {
                let attributeName = attribute.1.lowercased()
                let value = (attribute.2.map(String.init) ?? "").lowercased().trimmingCharacters(in: .whitespaces)
                #expect(!attributeName.hasPrefix("on"), "handler \(attributeName) in <\(name)>", sourceLocation: sourceLocation)
                #expect(attributeName != "src", "remote resource in <\(name)>", sourceLocation: sourceLocation)
                if ["href", "action", "formaction"].contains(attributeName) {
                    #expect(!value.hasPrefix("javascript:") && !value.hasPrefix("data:"), "\(attributeName)=\(value)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(arguments: corpus)
    func postBodiesAreRenderedHarmless(_ payload: String) async throws {
        try await withApp { browser, _ in
            try await browser.register("tomas")
            let thread = try await browser.openThread(title: "Prueba de contenido", body: payload)
            Self.assertHarmless(try await browser.get("/t/\(thread)").html)
            Self.assertHarmless(try await browser.get("/b/banda-ancha/feed.atom").html)
            Self.assertHarmless(try await browser.get("/search?q=alert").html)
        }
    }

    @Test(arguments: corpus)
    func threadTitlesAreEscaped(_ payload: String) async throws {
        try await withApp { browser, _ in
            try await browser.register("ursula")
            let title = "Título " + payload
            let thread = try await browser.openThread(title: title, body: "cuerpo")
            let page = try await browser.get("/t/\(thread)")
            Self.assertHarmless(page.html)
            #expect(page.html.contains("&lt;") || !payload.contains("<"))
            Self.assertHarmless(try await browser.get("/b/banda-ancha").html)
            Self.assertHarmless(try await browser.get("/search?q=" + Browser.encode(payload)).html)
        }
    }

    @Test(arguments: corpus)
    func usernamesWithMarkupAreRefusedAndEchoedEscaped(_ payload: String) async throws {
        try await withApp { browser, store in
            let page = try await browser.register(payload)
            #expect(page.status == .unprocessableContent)
            Self.assertHarmless(page.html)
            #expect(try await store.credentials(usernameKey: Rules.usernameKey(payload)) == nil)
            // Failed login echoes the name back, escaped.
            let login = try await browser.post("/login", [("username", payload), ("password", "cualquier-cosa")])
            Self.assertHarmless(login.html)
        }
    }
}

@Suite struct HarmlessnessCheckTests {
    /// The XSS assertions above are only worth something if they catch real markup.
    @Test(arguments: ["<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "<p onclick=\"x\">",
                      "<script>alert(1)</script>", "<a href=\" data:text/html,x\">"])
    func theCheckCatchesRawMarkup(_ html: String) {
        withKnownIssue { XSSTests.assertHarmless(html) }
    }
}
