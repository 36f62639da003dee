import CabildoCore
import Foundation
import Testing

@Suite struct HarvestCoreTests {
    func thread(_ id: Int64, _ endorsements: [Stakeholder: Int], age: TimeInterval = 0) -> ThreadHarvest {
        ThreadHarvest(id: id, boardId: 1, boardSlug: "b", title: "t\(id)", isProposal: true, replies: 0, participants: 1,
                      endorsementsByGroup: endorsements, createdAt: Date(timeIntervalSince1970: 1_000_000 - age),
                      lastActivityAt: Date(timeIntervalSince1970: 1_000_000))
    }

    @Test func broadSupportOutranksLoudSupport() {
        let broad = thread(1, [.government: 1, .academia: 1, .civilSociety: 1, .privateSector: 1])
        let loud = thread(2, [.individual: 10])
        #expect(broad.bridgingScore == 4)                      // 4 × log2(2)
        #expect(abs(loud.bridgingScore - 3.4594) < 0.0001)     // log2(11)
        #expect(Bridging.rank([loud, broad]).map(\.id) == [1, 2])
        #expect(broad.groupsReached == 4 && loud.groupsReached == 1)
        // Two groups with 3 each: 2 × log2(4) = 4, a tie with `broad`; 6 endorsements beat 4.
        let twoGroups = thread(3, [.academia: 3, .government: 3])
        #expect(Bridging.rank([broad, twoGroups]).map(\.id) == [3, 1])
        // Same score and total: the older proposal first.
        let older = thread(4, [.academia: 1], age: 100), newer = thread(5, [.government: 1])
        #expect(Bridging.rank([newer, older]).map(\.id) == [4, 5])
        #expect(Bridging.score([:]) == 0)
    }

    /// Every field quoted: spreadsheets in Spanish locales also split on `;`.
    @Test func csvFollowsRFC4180AndDefusesFormulas() {
        #expect(CSV.record(["a", "b c", "1"]) == "\"a\",\"b c\",\"1\"\r\n")
        #expect(CSV.record(["x,y", "say \"hi\"", "two\nlines"]) == "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
        #expect(CSV.record(["=1+2", "+A1", "-3", "@SUM(A1)", "\tx"]) == "\"'=1+2\",\"'+A1\",\"'-3\",\"'@SUM(A1)\",\"'\tx\"\r\n")
        #expect(CSV.record(["=A1,B1"]) == "\"'=A1,B1\"\r\n")
        #expect(CSV.record(["x;=1+1", "a;b"]) == "\"x;=1+1\",\"a;b\"\r\n")
        #expect(CSV.record([""]) == "\"\"\r\n")
    }

    /// Member text in the Markdown report: all ASCII punctuation escaped, line breaks spaces.
    @Test func markdownTextEscapesAllPunctuationAndStaysOnOneLine() {
        #expect(MarkdownText.escape("Tema\n=== APROBADA") == "Tema \\=\\=\\= APROBADA")
        #expect(MarkdownText.escape("a\u{2028}# b\rc\u{2029}d\u{85}e") == "a \\# b c d e")
        #expect(MarkdownText.escape("<https://x.y>") == "\\<https\\:\\/\\/x\\.y\\>")
        #expect(MarkdownText.escape("1. ~a~ -b +c &amp;") == "1\\. \\~a\\~ \\-b \\+c \\&amp\\;")
        #expect(MarkdownText.escape("Protección ¿sí?") == "Protección ¿sí\\?", "only ASCII punctuation")
        #expect(MarkdownText.fromHTML("<p>Hola <!-- raw HTML omitted --> <a href=\"\">x</a></p>\n<h1>Y</h1>") == "Hola x Y")
    }

    @Test func chartsEscapeTheirText() {
        let svg = SVGChart.bars([("<script>", 3), ("b&c", 0)], title: "T\"itle")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("&lt;script&gt;") && !svg.contains("<script>"))
        #expect(svg.contains("b&amp;c"))
        #expect(svg.contains("aria-label=\"T&quot;itle\""))
        #expect(!svg.contains("style="))
        let columns = SVGChart.columns([("2026-11-01", 2), ("2026-11-02", 0), ("2026-11-03", 4)], title: "días")
        #expect(columns.contains("2026-11-01") && columns.contains("2026-11-03"))
        #expect(columns.components(separatedBy: "<rect").count == 4)
    }
}
