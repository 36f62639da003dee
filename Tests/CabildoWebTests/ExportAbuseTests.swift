import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What members type must reach the committee's exports as text: a title or a summary must not
/// write headings, links or HTML into the Markdown report, nor formulas into the spreadsheet.
@Suite(.serialized) struct ExportAbuseTests {
    @Test func titlesWithLineBreaksOrControlCharactersAreRefused() async throws {
        try await withApp { host, store in
            try await host.register("autora")
            for title in ["Tema\n=== APROBADA", "Tema\r# APROBADA", "Tema\u{2028}# APROBADA", "Tema\u{2029}x", "Tema\tcon tab",
                          "Tema\u{85}NEL", "Tema\u{1B}[31mrojo", "Tema\u{7F}del"] {
                try await host.get("/b/banda-ancha/new")
                let page = try await host.post("/b/banda-ancha", [("title", title), ("body", "Cuerpo del hilo")])
                #expect(page.status == .unprocessableContent, "\(title.debugDescription)")
                #expect(page.html.contains("una sola línea"), "\(title.debugDescription)")
            }
            #expect(try await store.board(slug: "banda-ancha")?.threadCount == 0)

            let admin = try await host.staff("admin", role: .admin, store: store)
            let board = try await admin.moderate("/mod/boards", [("slug", "tema-nuevo"), ("title_es", "Tema\n# APROBADA"), ("title_en", "Theme")])
            #expect(board.status == .unprocessableContent)
            #expect(try await store.board(slug: "tema-nuevo") == nil)
            let rename = try await admin.moderate("/mod/boards/banda-ancha/rename", [("title_es", "Banda\u{2028}ancha"), ("title_en", "Broadband")])
            #expect(rename.status == .unprocessableContent)
            #expect(try await store.board(slug: "banda-ancha")?.titleES.contains("\u{2028}") == false)
        }
    }

    @Test func theMarkdownReportKeepsTitlesAndSummariesAsText() async throws {
        try await withApp { host, store in
            // given proposals whose titles try to write Markdown, two of them rows from before
            // titles were checked (the form refuses them now), and a summary with HTML and links
            try await host.register("proponente")
            let linky = try await HarvestTests.openProposal(host, title: "Ver <https://evil.example> y [x](javascript:alert(1))", body: "Texto")
            let numbered = try await HarvestTests.openProposal(host, title: "1. === ~~tachado~~ www.evil.example", body: "Texto")
            let author = try #require(try await store.user(usernameKey: "proponente"))
            let board = try #require(try await store.board(slug: "banda-ancha"))
            var old: [Int64] = []
            for title in ["Tema\u{2028}# APROBADA POR EL COMITÉ", "Tema\n=== APROBADA", "Tema\r- [live](https://evil.example)"] {
                old.append(try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: title, markdown: "Texto",
                                                                  html: "<p>Texto</p>", createdAt: Date(), isProposal: true)).threadId)
            }
            let committee = try await host.staff("comite", role: .committee, store: store)
            try await committee.get("/t/\(old[0])/summary")
            let summary = "Ver <img src=x> y [aquí](javascript:alert(1)) o <https://evil.example/s>\n\n# APROBADA\n\n1. uno"
            #expect(try await committee.post("/t/\(old[0])/summary", [("body", summary)]).status == .seeOther)

            // when the committee downloads the report
            let markdown = try await committee.get("/harvest.md").html

            // then only the report's own headings start a line: its title, five sections (one by
            // department, with its reach by board), the summaries' section and one heading per summary
            let lines = markdown.split(whereSeparator: \.isNewline)
            #expect(lines.filter { $0.hasPrefix("#") }.count == 9, "\(lines.filter { $0.hasPrefix("#") })")
            #expect(!lines.contains { $0.hasPrefix("=") || $0.hasPrefix("APROBADA") || $0.hasPrefix("- [live]") })
            #expect(!markdown.contains("\u{2028}") && !markdown.contains("\r"))
            for thread in [linky, numbered] + old { #expect(markdown.contains("](/t/\(thread))"), "thread \(thread) is listed") }
            #expect(!markdown.contains("<img") && !markdown.contains("javascript:") && !markdown.contains("https://"))
            #expect(!markdown.contains("www.evil"), "a GFM bare link needs an unescaped dot")
            #expect(markdown.contains("Ver y aquí o https\\:\\/\\/evil\\.example\\/s APROBADA uno"),
                    "the summary is the text the site shows, escaped, not its Markdown")

            // and rendered as GitHub-flavoured Markdown, the report has only its own headings and links
            let html = Markdown.render(markdown)
            #expect(html.components(separatedBy: "<h1").count - 1 == 1)
            #expect(html.components(separatedBy: "<h2").count - 1 == 6)
            #expect(html.components(separatedBy: "<h3").count - 1 == 2)
            #expect(!html.contains("raw HTML omitted"), "no raw HTML reached the file")
            #expect(!html.contains("<del>"))
            let targets = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(!targets.isEmpty && targets.allSatisfy { $0.hasPrefix("/t/") }, "\(targets)")
        }
    }

    @Test func everyCSVFieldIsQuotedSoSemicolonsSplitNothing() async throws {
        try await withApp { host, store in
            try await host.register("atacante")
            _ = try await host.openThread(title: "x;=1+1", body: "Texto")
            let committee = try await host.staff("comite", role: .committee, store: store)
            let csv = try await committee.get("/harvest.csv").html
            #expect(csv.contains(",\"x;=1+1\","))
            let records = csv.components(separatedBy: "\r\n").dropLast()
            #expect(records.count == 2)
            for record in records {
                #expect(record.hasPrefix("\"") && record.hasSuffix("\""), "\(record)")
                #expect(record.components(separatedBy: "\",\"").count == HarvestExport.csvColumns.count, "\(record)")
            }
        }
    }
}
