import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Thread and board pages carry Open Graph and Twitter-card tags and plain share links (issue
/// 18): escaped, cut, absolute only with `CABILDO_BASE_URL`, and no JavaScript anywhere.
@Suite(.serialized) struct SharingTests {
    static func sharingConfig() -> AppConfig {
        var config = testConfig()
        // Plain HTTP, so the in-process browser's posts pass the HTTPS checks `https://` would turn on.
        config.baseURL = "http://localhost"
        return config
    }

    static let title = #"Dijo "hola" <script>alert(1)</script> & más"#
    static let body = "Propongo que el Estado publique **mapas de cobertura** por municipio, con [datos abiertos](https://datos.example.gt) "
        + "y actualizados cada trimestre, para que las comunidades sepan dónde falta conexión y puedan pedirla con argumentos. "
        + "Las empresas ya tienen esa información; falta que sea pública y que se pueda descargar."

    /// The `content` of the first `<meta>` with this property or name, unescaped.
    static func meta(_ key: String, in html: String) -> String? {
        for attribute in ["property", "name"] {
            guard let start = html.range(of: "<meta \(attribute)=\"\(key)\" content=\"") else { continue }
            let raw = html[start.upperBound...].prefix { $0 != "\"" }
            return String(raw).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        return nil
    }

    @Test func aThreadPageCarriesEscapedOpenGraphTagsAndEncodedShareLinks() async throws {
        try await withApp(config: Self.sharingConfig()) { browser, _ in
            // given a thread whose title has quotes and a script tag, and whose opening post is long Markdown
            try await browser.register("martina")
            let thread = try await browser.openThread(title: Self.title, body: Self.body)

            // when a visitor reads it
            let page = try await browser.stranger().get("/t/\(thread)")
            let html = page.html

            // then the tags are there, escaped by the template: no markup gets out of the attribute
            #expect(html.contains(#"<meta property="og:title" content="Dijo &quot;hola&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; más">"#))
            #expect(!html.contains("<script"))
            #expect(Self.meta("og:title", in: html) == Self.title)
            #expect(Self.meta("og:type", in: html) == "article")
            #expect(Self.meta("og:url", in: html) == "http://localhost/t/\(thread)")
            #expect(Self.meta("og:site_name", in: html) == "Cabildo")
            #expect(Self.meta("og:locale", in: html) == "es_GT")
            #expect(Self.meta("twitter:card", in: html) == "summary")
            // and the description is the post's readable text, cut at a word boundary to about 200 characters
            let description = try #require(Self.meta("og:description", in: html))
            let text = ReadableText.of(html: "<p>Propongo que el Estado publique <strong>mapas de cobertura</strong> por municipio, con "
                + "<a href=\"https://datos.example.gt\">datos abiertos</a> y actualizados cada trimestre, para que las comunidades sepan "
                + "dónde falta conexión y puedan pedirla con argumentos. Las empresas ya tienen esa información; falta que sea pública y "
                + "que se pueda descargar.</p>").trimmingCharacters(in: .whitespaces)
            #expect(description.count <= Sharing.descriptionLength && description.count > 150, "\(description.count)")
            #expect(description.hasSuffix("…") && !description.contains("**") && !description.contains("https://"))
            let kept = String(description.dropLast())
            #expect(text.hasPrefix(kept) && text.dropFirst(kept.count).first == " ", "cut between words: \(description)")

            // and the share links are encoded, open in a new tab without a referrer, and need no script
            let url = "http%3A%2F%2Flocalhost%2Ft%2F\(thread)"
            let encodedTitle = "Dijo%20%22hola%22%20%3Cscript%3Ealert%281%29%3C%2Fscript%3E%20%26%20m%C3%A1s"
            #expect(html.contains(#"<a href="https://wa.me/?text=\#(encodedTitle)%20\#(url)" target="_blank" rel="noopener noreferrer">WhatsApp"#))
            #expect(html.contains(#"<a href="https://www.facebook.com/sharer/sharer.php?u=\#(url)" target="_blank" rel="noopener noreferrer">Facebook"#))
            #expect(html.contains(#"<a href="https://x.com/intent/post?url=\#(url)&amp;text=\#(encodedTitle)" target="_blank" rel="noopener noreferrer">X"#))
            #expect(html.contains(#"<a href="mailto:?subject=\#(encodedTitle)&amp;body=\#(url)">Correo electrónico</a>"#))
            #expect(html.contains("(se abre en una pestaña nueva)"))

            // and in English the locale follows
            let english = browser.stranger()
            english.acceptLanguage = "en"
            let inEnglish = try await english.get("/t/\(thread)").html
            #expect(Self.meta("og:locale", in: inEnglish) == "en_US")
            #expect(inEnglish.contains(">E-mail</a>"))
        }
    }

    @Test func withoutABaseURLThereIsNoOgURLAndNoShareLinks() async throws {
        try await withApp { browser, _ in
            try await browser.register("martina")
            let thread = try await browser.openThread(title: "Mapas de cobertura abiertos", body: "Que se publiquen por municipio.")
            for path in ["/t/\(thread)", "/b/banda-ancha"] {
                let html = try await browser.stranger().get(path).html
                #expect(Self.meta("og:title", in: html) != nil, "\(path)")
                #expect(Self.meta("og:url", in: html) == nil, "\(path): never built from the Host header")
                #expect(!html.contains("wa.me") && !html.contains("facebook.com") && !html.contains("mailto:"), "\(path)")
            }
            #expect(Self.meta("og:description", in: try await browser.get("/t/\(thread)").html) == "Que se publiquen por municipio.")
        }
    }

    @Test func aBoardPageCarriesItsOwnTagsAndLinksWithinItsBudget() async throws {
        try await withApp(config: Self.sharingConfig()) { browser, _ in
            try await browser.register("martina")
            for index in 1...30 {
                _ = try await browser.openThread(title: "Un hilo con un título de largo realista, número \(index)", body: "Texto")
            }
            let page = try await browser.stranger().get("/b/banda-ancha")
            #expect(Self.meta("og:title", in: page.html) == "Desarrollo sostenible de la banda ancha en Guatemala")
            #expect(Self.meta("og:type", in: page.html) == "website")
            #expect(Self.meta("og:url", in: page.html) == "http://localhost/b/banda-ancha")
            #expect(Self.meta("og:description", in: page.html)?.contains("Desarrollo sostenible de la banda ancha") == true)
            #expect(page.html.contains("https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Flocalhost%2Fb%2Fbanda-ancha"))
            #expect(page.html.utf8.count <= 30 * 1024, "\(page.html.utf8.count) bytes")
            // and the Content-Security-Policy still allows no script: the links are plain links
            let csp = try #require(page.headers[.init("Content-Security-Policy")!])
            #expect(csp.contains("default-src 'none'") && !csp.contains("script-src"), "\(csp)")
            #expect(!page.html.contains("<script"))
        }
    }
}
