import Foundation
import Mustache
import Testing
@testable import CabildoWeb

@Suite struct EscapingTests {
    @Test func theFiveHTMLCharactersAreEscapedAndNothingElse() {
        let escaping = HTMLEscaping()
        #expect(escaping.escapeText(#"<script>alert("x" & 'y')</script>"#)
                == "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;")
        #expect(escaping.escapeText("Peñón de Ñandú — ¿sí? 👍🏽 <b>") == "Peñón de Ñandú — ¿sí? 👍🏽 &lt;b&gt;")
        #expect(escaping.escapeText("sin nada que escapar: áéíóú") == "sin nada que escapar: áéíóú")
        #expect(escaping.escapeText("") == "")
        #expect(escaping.escapeText("&&&&") == "&amp;&amp;&amp;&amp;")
        // A combining accent after a quote stays after the entity (the library's Character walk
        // would see `"` + U+0301 as one character and not escape it at all).
        #expect(escaping.escapeText("\"\u{301}") == "&quot;\u{301}")
    }

    /// A template without the pragma would fall back to the library's slower escaping: still
    /// safe, but every template should say which it uses.
    @Test func everyTemplateSelectsTheEscaping() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Templates").standardized
        let templates = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(templates.count > 20)
        for name in templates {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(text.hasPrefix("{{% CONTENT_TYPE: \(HTMLEscaping.name)}}\n"), "\(name)")
        }
    }

    @Test func aPageRendersValuesThroughIt() async throws {
        try await withApp { browser, _ in
            try await browser.register("escapa")
            let id = try await browser.openThread(title: "Título con <b>etiquetas</b> & \"comillas\"", body: "Cuerpo")
            let html = try await browser.get("/t/\(id)").html
            #expect(html.contains("<h1>Título con &lt;b&gt;etiquetas&lt;/b&gt; &amp; &quot;comillas&quot;</h1>"))
        }
    }
}
