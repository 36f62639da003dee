import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// The consultation report through HTTP: its numbers are the harvest's, each board's published
/// conclusions are in it and drafts are not, and only the committee and admins read it.
@Suite struct ReportTests {
    private struct HarvestJSON: Decodable {
        struct Participation: Decodable { let group: String, posters: Int, posts: Int }
        struct Thread: Decodable { let title: String, endorsements: Int }
        let participation: [Participation]
        let proposals: [Thread]
    }

    @Test func theReportSaysWhatTheHarvestCountsAndWhatTheCommitteePublished() async throws {
        try await withApp { visitor, store in
            // given members of three groups on two boards, a proposal endorsed across groups, and a synthesis
            let ana = visitor.stranger()
            try await ana.register("ana", stakeholder: "civil-society")
            try await ana.get("/b/banda-ancha/new")
            let created = try await ana.post("/b/banda-ancha", [("title", "Mapa abierto de cobertura"), ("body", "Por municipio"), ("proposal", "1")])
            let proposal = try #require(created.location.flatMap { Int64($0.split(separator: "/").last ?? "") })
            let beto = visitor.stranger()
            try await beto.register("beto", stakeholder: "academia")
            _ = try await beto.reply(thread: proposal, body: "De acuerdo")
            try await beto.get("/t/\(proposal)")
            try await beto.post("/t/\(proposal)/endorse", [])
            let carla = visitor.stranger()
            try await carla.register("carla", stakeholder: "government")
            _ = try await carla.openThread(board: "proteccion-de-datos", title: "Ley de datos personales", body: "¿Cuándo?")
            try await carla.get("/t/\(proposal)")
            try await carla.post("/t/\(proposal)/endorse", [])
            let committee = try await visitor.staff("comite", role: .committee, store: store)
            try await committee.get("/t/\(proposal)/summary")
            try await committee.post("/t/\(proposal)/summary", [("body", "Acuerdo amplio sobre publicar los mapas.")])
            // and conclusions: published for one board, only a draft for the other
            for (board, text, status) in [("banda-ancha", "Publicar el mapa de cobertura.", "published"),
                                          ("proteccion-de-datos", "Borrador sin revisar.", "draft")] {
                try await committee.get("/b/\(board)/conclusions")
                try await committee.post("/b/\(board)/conclusions", [("conclusions", text), ("recommendations", "Revisar cada año."),
                                                                     ("status", status)])
            }

            // and the dates and live panel of one board, as an admin sets them
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            #expect(try await admin.moderate("/mod/boards/banda-ancha/schedule", [("opens_at", "2026-11-01T08:00"),
                                                                                  ("closes_at", "2030-10-24T18:00")]).status == .seeOther)
            #expect(try await admin.moderate("/mod/boards/banda-ancha/panel", [
                ("panel_starts_at", "2030-10-25T13:30"), ("panel_ends_at", "2030-10-25T15:30"), ("panel_place", "Auditorio Ficohsa"),
                ("panel_moderators", "Fred Clark; Andrea Alvarado"), ("panel_panelists", "Francisco Soto (UNIS)"),
                ("panel_stream_url", "https://example.org/vivo"),
            ]).status == .seeOther)

            // when the committee reads the report and the harvest
            let report = try await committee.get("/harvest/report.md")
            #expect(report.status == .ok)
            let text = report.html
            let harvest = try JSONDecoder().decode(HarvestJSON.self, from: Data(try await committee.get("/harvest.json").html.utf8))

            // then the forum's figures are the harvest's
            let participants = harvest.participation.reduce(0) { $0 + $1.posters }
            let posts = harvest.participation.reduce(0) { $0 + $1.posts }
            #expect(participants == 3 && posts == 3)
            #expect(text.contains("\(participants) participantes escribieron \(posts) mensajes en 2 hilos; 1 propuestas recibieron 2 apoyos."))
            for row in harvest.participation where row.posters > 0 {
                let name = try #require(Catalogs.load(directory: testConfig().templatesDirectory, timeZone: .gmt)[.es]["stakeholder_" + row.group])
                #expect(text.contains("| \(name) | \(row.posters) | \(row.posts) |"), "\(row.group)")
            }
            #expect(harvest.proposals.map(\.title) == ["Mapa abierto de cobertura"])
            #expect(text.contains("1. [Mapa abierto de cobertura](/t/\(proposal)): "))
            // and each board has its section: the synthesis, the published conclusions, never the draft
            // (their text as the site shows it, in words: punctuation escaped, no raw HTML)
            #expect(text.contains("Acuerdo amplio sobre publicar los mapas\\."))
            #expect(text.contains("### Conclusiones\n\nPublicar el mapa de cobertura\\.\n\n### Recomendaciones\n\nRevisar cada año\\."))
            #expect(!text.contains("Borrador sin revisar."))
            #expect(text.contains("Abierto del 1 de noviembre de 2026 al 24 de octubre de 2030.\n\n**Panel en vivo**\n\n"
                                  + "- Fecha: 25 de octubre de 2030, de 13:30 a 15:30\n- Lugar: Auditorio Ficohsa\n"
                                  + "- Moderación: Fred Clark\\; Andrea Alvarado\n- Panelistas: Francisco Soto \\(UNIS\\)\n"
                                  + "- Transmisión en vivo: <https://example.org/vivo>\n"), "\(text)")
            #expect(text.contains("Abierto durante toda la consulta."))
            #expect(text.contains("### Participación por departamento"))
            #expect(text.contains("El comité aún no publicó las conclusiones de este tema."))
            #expect(text.contains("Nadie escribió todavía en este tema."), "a board nobody wrote in says so, without empty tables")

            // and the page is the same report in HTML, ready to print, in the reader's language
            let page = try await committee.get("/harvest/report")
            #expect(page.status == .ok)
            #expect(page.html.contains("<h1>Informe de la consulta</h1>"))
            #expect(page.html.contains("<td>\(participants)</td>") || page.html.contains("<td align=\"right\">"))
            #expect(page.html.contains("Publicar el mapa de cobertura."))
            #expect(!page.html.contains("Borrador sin revisar."))
            committee.acceptLanguage = "en"
            #expect(try await committee.get("/harvest/report").html.contains("<h1>Consultation report</h1>"))
        }
    }

    @Test func onlyTheCommitteeAndAdminsReadTheReport() async throws {
        try await withApp { visitor, store in
            let member = visitor.stranger()
            try await member.register("miembro")
            for path in ["/harvest/report", "/harvest/report.md"] {
                #expect(try await member.get(path).status == .forbidden)
                #expect(try await visitor.get(path).status == .forbidden)
            }
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            #expect(try await admin.get("/harvest/report").status == .ok)
        }
    }
}
