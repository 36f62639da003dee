import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoWeb

/// Proposals, endorsements, summaries and the committee's harvest, through HTTP (the CLI's copy of the
/// exports is checked in CabildoCLITests).
@Suite(.serialized) struct HarvestTests {
    /// Opens a thread as a proposal through the form.
    static func openProposal(_ browser: Browser, title: String, body: String, board: String = "banda-ancha") async throws -> Int64 {
        try await browser.get("/b/\(board)/new")
        let page = try await browser.post("/b/\(board)", [("title", title), ("body", body), ("proposal", "1")])
        guard page.status == .seeOther, let location = page.location, let id = Int64(location.dropFirst(3)) else {
            throw TestFailure("opening a proposal answered \(page.status)")
        }
        return id
    }

    /// A member of `group` who endorses `thread`.
    static func endorser(_ host: Browser, _ name: String, group: Stakeholder, endorses thread: Int64) async throws {
        let member = host.stranger()
        try await member.register(name, stakeholder: group.rawValue)
        try await member.get("/t/\(thread)")
        let page = try await member.post("/t/\(thread)/endorse", [])
        guard page.status == .seeOther else { throw TestFailure("endorsing answered \(page.status)") }
    }

    @Test(arguments: StoreKind.available) func membersEndorseOthersProposalsAndTheCountsShow(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { author, store in
            try await author.register("proponente")
            let proposal = try await Self.openProposal(author, title: "Mapas de cobertura abiertos", body: "Que se publiquen")
            let plain = try await author.openThread(title: "Un hilo que no es propuesta", body: "Conversación")
            #expect(try await author.get("/b/banda-ancha").html.contains("0 apoyos"))

            let member = author.stranger()
            try await member.register("simpatizante", stakeholder: "academia")
            let thread = try await member.get("/t/\(proposal)")
            #expect(thread.html.contains("Apoyar esta propuesta"))
            #expect(try await member.post("/t/\(proposal)/endorse", []).location == "/t/\(proposal)#endorse")
            let after = try await member.get("/t/\(proposal)")
            #expect(after.html.contains("1 apoyo"))
            #expect(after.html.contains("Academia 1"))
            #expect(after.html.contains("Retirar mi apoyo"))
            #expect(try await member.get("/b/banda-ancha").html.contains("1 apoyo"))
            try await member.post("/t/\(proposal)/endorse", [])
            #expect(try await store.thread(id: proposal)?.endorsementCount == 0, "a second press takes it back")

            #expect(try await author.post("/t/\(proposal)/endorse", []).status == .forbidden, "not one's own proposal")
            #expect(!(try await author.get("/t/\(proposal)").html.contains("Apoyar esta propuesta")))
            try await member.get("/t/\(plain)")
            #expect(try await member.post("/t/\(plain)/endorse", []).status == .unprocessableContent)
            #expect(try await author.stranger().post("/t/\(proposal)/endorse", []).status == .forbidden, "no CSRF token, no account")

            let moderator = try await author.staff("moderadora", role: .moderator, store: store)
            #expect(try await moderator.moderate("/mod/threads/\(plain)/propose", reason: "Es una propuesta concreta").status == .seeOther)
            #expect(try await store.thread(id: plain)?.isProposal == true)
            #expect(try await member.get("/moderation-log").html.contains("marcó como propuesta"))
            #expect(try await member.moderate("/mod/threads/\(plain)/unpropose").status == .forbidden)
        }
    }

    /// The page is kept until the next write, and read anew from the store's overview after it:
    /// a proposal, its endorsement and its board show at once, and a board that does not exist is a 404.
    @Test(arguments: StoreKind.available) func theHarvestPageShowsAWriteAtOnce(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { author, store in
            try await author.register("proponente")
            _ = try await Self.openProposal(author, title: "Mapas de cobertura abiertos", body: "Que se publiquen")
            let committee = try await author.staff("comite", role: .committee, store: store)
            let before = try await committee.get("/harvest").html
            #expect(before.contains("Mapas de cobertura abiertos"))
            #expect(!before.contains("Radios comunitarias"))

            let second = try await Self.openProposal(author, title: "Radios comunitarias", body: "Frecuencias", board: "neutralidad-de-la-red")
            try await Self.endorser(author, "simpatizante", group: .academia, endorses: second)

            let forum = try await committee.get("/harvest").html
            #expect(forum.contains("Radios comunitarias"))
            #expect(forum.contains("Academia 1"), "the endorsement, by group")
            let board = try await committee.get("/harvest?board=neutralidad-de-la-red").html
            #expect(board.contains("Radios comunitarias") && !board.contains("Mapas de cobertura abiertos"))
            #expect(try await committee.get("/harvest?board=no-existe").status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available) func onlyCommitteeAndAdminsSeeTheHarvest(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { visitor, store in
            for path in ["/harvest", "/harvest.csv", "/harvest.json", "/harvest.md", "/harvest?board=banda-ancha"] {
                let anonymous = try await visitor.get(path)
                #expect(anonymous.status == .forbidden, "anonymous \(path)")
                #expect(anonymous.html.contains("/login?next=%2Fharvest"))
            }
            try await visitor.register("miembro")
            let moderator = try await visitor.staff("moderador", role: .moderator, store: store)
            let committee = try await visitor.staff("comite", role: .committee, store: store)
            let admin = try await visitor.staff("admin", role: .admin, store: store)
            for path in ["/harvest", "/harvest.csv", "/harvest.json", "/harvest.md"] {
                #expect(try await visitor.get(path).status == .forbidden, "member \(path)")
                #expect(try await moderator.get(path).status == .forbidden, "moderator \(path)")
                #expect(try await committee.get(path).status == .ok, "committee \(path)")
                #expect(try await admin.get(path).status == .ok, "admin \(path)")
            }
            #expect(try await committee.get("/harvest?board=no-existe").status == .notFound)
            let csv = try await committee.get("/harvest.csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
        }
    }

    @Test(arguments: StoreKind.available) func theHarvestCountsGroupsRanksByBridgingAndLeavesHiddenPostsOut(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { host, store in
            try await host.register("autora", stakeholder: "civil-society")
            let broad = try await Self.openProposal(host, title: "Propuesta de amplio consenso", body: "Conectividad rural")
            let loud = try await Self.openProposal(host, title: "Propuesta de un solo sector", body: "Subsidios")
            for (index, group) in [Stakeholder.government, .academia, .privateSector, .technicalCommunity].enumerated() {
                try await Self.endorser(host, "amplio-\(index)", group: group, endorses: broad)
            }
            for index in 0..<10 { try await Self.endorser(host, "ruidoso-\(index)", group: .individual, endorses: loud) }
            let replier = host.stranger()
            try await replier.register("academica", stakeholder: "academia")
            _ = try await replier.reply(thread: broad, body: "Estoy de acuerdo con la conectividad")
            let secret = try await replier.reply(thread: broad, body: "Texto ofensivo que el comité no debe ver")
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let committee = try await host.staff("comite", role: .committee, store: store)

            let before = try await committee.get("/harvest.json")
            #expect(before.html.contains("Texto ofensivo") == false, "bodies are never exported")
            try await moderator.moderate("/mod/posts/\(secret)/hide", reason: "Ofensivo")

            let json = try JSONSerialization.jsonObject(with: Data(try await committee.get("/harvest.json?board=banda-ancha").html.utf8)) as? [String: Any]
            let proposals = try #require(json?["proposals"] as? [[String: Any]])
            #expect(proposals.map { $0["title"] as? String } == ["Propuesta de amplio consenso", "Propuesta de un solo sector"])
            #expect(proposals[0]["bridging_score"] as? Double == 4.0)
            #expect(proposals[0]["groups_reached"] as? Int == 4)
            #expect(proposals[1]["bridging_score"] as? Double == 3.459, "log2(11)")
            #expect(proposals[1]["endorsements"] as? Int == 10)
            let participation = try #require(json?["participation"] as? [[String: Any]])
            func group(_ name: String) -> [String: Any]? { participation.first { $0["group"] as? String == name } }
            #expect(group("civil-society")?["posters"] as? Int == 1)
            #expect(group("civil-society")?["posts"] as? Int == 2, "two opening posts")
            #expect(group("academia")?["posters"] as? Int == 1)
            #expect(group("academia")?["posts"] as? Int == 1, "the hidden reply is not counted")
            #expect(group("government")?["posts"] as? Int == 0, "endorsing is not posting")
            let threads = try #require(json?["threads"] as? [[String: Any]])
            #expect(threads.first?["title"] as? String == "Propuesta de amplio consenso")
            #expect(threads.first?["replies"] as? Int == 1)
            #expect(threads.first?["participants"] as? Int == 2)

            let page = try await committee.get("/harvest?board=banda-ancha")
            #expect(page.html.contains("4 de 7 sectores"))
            #expect(page.html.contains("<svg"))
            #expect(page.html.contains("Sociedad civil"))
            for export in ["/harvest", "/harvest.csv", "/harvest.json", "/harvest.md"] {
                let text = try await committee.get(export).html
                #expect(!text.contains("Texto ofensivo"), "\(export) leaves the hidden post out")
            }
        }
    }

    @Test(arguments: StoreKind.available) func csvCellsThatLookLikeFormulasAreDefused(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { host, store in
            try await host.register("atacante")
            _ = try await host.openThread(title: "=HYPERLINK(\"http://x\",\"clic\")", body: "Texto")
            _ = try await host.openThread(title: "Título, con \"comillas\"", body: "Texto")
            let committee = try await host.staff("comite", role: .committee, store: store)
            let csv = try await committee.get("/harvest.csv").html
            #expect(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\","))
            #expect(csv.contains(",\"Título, con \"\"comillas\"\"\","))
            #expect(csv.hasPrefix("\"board\",\"id\",\"title\",\"url\",\"is_proposal\",\"replies\",\"participants\",\"endorsements\",\"endorsements_government\","))
            #expect(csv.contains("\r\n"))
        }
    }

    @Test(arguments: StoreKind.available) func summariesShowAtopTheThreadAndInTheHarvest(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { host, store in
            try await host.register("participante")
            let thread = try await host.openThread(title: "Hilo para sintetizar", body: "Mucho debate")
            #expect(try await host.get("/t/\(thread)/summary").status == .forbidden)
            let committee = try await host.staff("comite", role: .committee, store: store)
            #expect(try await committee.get("/t/\(thread)").html.contains("href=\"/t/\(thread)/summary\""))
            try await committee.get("/t/\(thread)/summary")
            #expect(try await committee.post("/t/\(thread)/summary", [("body", "  ")]).status == .unprocessableContent)
            #expect(try await committee.post("/t/\(thread)/summary", [("body", "Hubo **acuerdo** sobre la fibra")]).status == .seeOther)
            let page = try await host.get("/t/\(thread)")
            #expect(page.html.contains("<strong>acuerdo</strong>"))
            #expect(page.html.contains("Escrita por comite"))
            #expect(try await committee.get("/harvest").html.contains("<strong>acuerdo</strong>"))
            #expect(try await committee.get("/harvest.md").html.contains("Hubo acuerdo sobre la fibra"))
        }
    }

    /// The downloads written a piece at a time are byte for byte the documents made whole: with
    /// more threads than a piece holds, with threads but no proposals, and with nothing at all.
    @Test func exportsWrittenInPiecesEqualTheWholeDocuments() async throws {
        let renderer = try await Renderer.load(directory: repositoryRoot.appendingPathComponent("Templates").path, timeZone: testConfig().timeZone)
        let export = HarvestExport(baseURL: "https://foro.example.gt", t: renderer.catalogs[.es])
        let board = HarvestReport.BoardRef(id: 1, slug: "banda-ancha", titleES: "Banda \"ancha\"", titleEN: "Broadband")
        func thread(_ id: Int64, proposal: Bool) -> ThreadHarvest {
            ThreadHarvest(id: id, boardId: 1, boardSlug: "banda-ancha", title: "Tema \(id): \"comillas\", ñ, \\ y\nlíneas", isProposal: proposal,
                          replies: Int(id % 7), participants: Int(id % 5), endorsementsByGroup: proposal ? [.academia: Int(id % 3), .government: 1] : [:],
                          createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(id)), lastActivityAt: Date(timeIntervalSince1970: 1_700_100_000),
                          summaryMarkdown: id % 4 == 0 ? "Síntesis \(id)" : nil)
        }
        func report(_ threads: [ThreadHarvest]) -> HarvestReport {
            HarvestReport(board: nil, boards: [board], generatedAt: Date(timeIntervalSince1970: 1_700_200_000),
                          participation: HarvestSnapshot.emptyParticipation, postsPerDay: [DayCount(day: "2026-11-01", posts: 3)],
                          threads: threads, keyTerms: [BoardTerms(board: board, terms: [])])
        }
        let many = (1...(Int64(HarvestExport.threadsPerPiece) * 2 + 3)).map { thread($0, proposal: $0 % 3 == 0) }
        for (name, report) in [("many", report(many)), ("no proposals", report(many.filter { !$0.isProposal }.prefix(3).map { $0 })),
                               ("empty", report([]))] {
            let whole = HarvestExport.encoded(export.reportJSON(report, threads: .whole(report.threads.map { export.threadJSON($0) }),
                                                                proposals: .whole(report.proposals.map { export.threadJSON($0) })))
            #expect(export.jsonPieces(report).joined() == whole, "JSON, \(name)")
            #expect(try JSONSerialization.jsonObject(with: Data(whole.utf8)) is [String: Any], "JSON, \(name), parses")
            let rows = export.csvPieces(report).joined().components(separatedBy: "\r\n")
            #expect(rows.count == report.threads.count + 2, "CSV, \(name): the header, a row each, the last line's end")
        }
        #expect(Array(export.jsonPieces(report(many))).count > 4, "more than one piece of threads")
    }

    /// The charts' text is escaped by their templates, and they carry no inline style.
    @Test func chartsEscapeTheirText() async throws {
        let renderer = try await Renderer.load(directory: repositoryRoot.appendingPathComponent("Templates").path, timeZone: testConfig().timeZone)
        let svg = renderer.render(BarChart([("<script>", 3), ("b&c", 0)], title: "T\"itle"), withTemplate: "chart_bars")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("&lt;script&gt;") && !svg.contains("<script>"))
        #expect(svg.contains("b&amp;c"))
        #expect(svg.contains("aria-label=\"T&quot;itle\""))
        #expect(!svg.contains("style="))
        let days = ColumnChart([("2026-11-01", 2), ("2026-11-02", 0), ("2026-11-03", 4)], title: "días")
        let columns = renderer.render(days, withTemplate: "chart_columns")
        #expect(columns.contains("2026-11-01") && columns.contains("2026-11-03"))
        #expect(columns.components(separatedBy: "<rect").count == 4)
    }
}
