import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// The optional department (issue 18, reach beyond the capital): asked at registration and in
/// settings, on the profile only by choice, in the member's export, erased on closing, and in
/// the harvest only as counts.
@Suite(.serialized) struct DepartmentTests {
    /// Registers through the form with these extra fields.
    static func register(_ browser: Browser, _ username: String, _ extra: [(String, String)]) async throws -> Browser.Page {
        try await browser.get("/register")
        return try await browser.post("/register", [
            ("username", username), ("password", "contraseña-segura"), ("password_confirmation", "contraseña-segura"),
            ("stakeholder", "academia"),
        ] + extra)
    }

    @Test func registrationAsksForTheDepartmentWithoutRequiringIt() async throws {
        try await withApp { browser, store in
            // given the form, labelled, with every department and the two other answers
            let form = try await browser.get("/register")
            #expect(form.html.contains("<label for=\"department\">Departamento desde el que participa</label>"))
            #expect(form.html.contains("<option value=\"peten\">Petén</option>"))
            #expect(form.html.contains("<option value=\"outside-guatemala\">Fuera de Guatemala</option>"))
            #expect(form.html.contains("<option value=\"not-said\">Prefiero no decirlo</option>"))
            #expect(form.html.contains("<option value=\"\" selected>Sin responder</option>"))

            // when three people register: with a department, with it left empty, and without the field
            #expect(try await Self.register(browser.stranger(), "desde-peten", [("department", "peten")]).status == .seeOther)
            #expect(try await Self.register(browser.stranger(), "sin-responder", [("department", "")]).status == .seeOther)
            #expect(try await Self.register(browser.stranger(), "sin-campo", []).status == .seeOther)

            // then the first has it, hidden from the profile by default; the others have none
            let peten = try #require(try await store.user(usernameKey: "desde-peten"))
            #expect(peten.department == .peten && !peten.showsDepartment)
            #expect(try await store.user(usernameKey: "sin-responder")?.department == nil)
            #expect(try await store.user(usernameKey: "sin-campo")?.department == nil)
        }
    }

    @Test func aDepartmentNotOnTheListIsA422NotAnAccount() async throws {
        try await withApp { browser, store in
            for value in ["mordor", "Guatemala", "peten ", "<script>"] {
                let page = try await Self.register(browser.stranger(), "visitante", [("department", value)])
                #expect(page.status == .unprocessableContent, "\(value)")
                #expect(page.html.contains("Elija un departamento de la lista, o déjelo sin responder."))
                #expect(page.html.contains("aria-invalid=\"true\""))
                #expect(!page.html.contains("<script>"))
            }
            #expect(try await store.user(usernameKey: "visitante") == nil)
        }
    }

    @Test func settingsChangeTheDepartmentAndTheProfileShowsItOnlyByChoice() async throws {
        try await withApp { member, store in
            // given a member from Quiché, whose profile does not say so
            #expect(try await Self.register(member, "ixchel", [("department", "quiche")]).status == .seeOther)
            let visitor = member.stranger()
            #expect(!(try await visitor.get("/u/ixchel").html.contains("Quiché")))
            let settings = try await member.get("/settings")
            #expect(settings.html.contains("<option value=\"quiche\" selected>Quiché</option>"))
            #expect(settings.html.contains("name=\"show_department\" value=\"1\">"), "unchecked by default")

            // when she chooses to show it
            let shown = try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "quiche"),
                                                            ("show_department", "1")])
            #expect(shown.location == "/settings?saved=1")
            // then the profile says it
            #expect(try await visitor.get("/u/ixchel").html.contains("Academia · Quiché"))

            // when she moves and hides it again
            try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "solola")])
            // then it is kept but not shown
            #expect(try await store.user(usernameKey: "ixchel")?.department == .solola)
            let profile = try await visitor.get("/u/ixchel").html
            #expect(!profile.contains("Sololá") && !profile.contains("Quiché"))

            // and "prefer not to say" is never shown, even when the box is checked
            try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "not-said"),
                                                ("show_department", "1")])
            #expect(!(try await visitor.get("/u/ixchel").html.contains("Prefiero no decirlo")))

            // and a value the select does not offer is a 422 that changes nothing
            let wrong = try await member.post("/settings", [("language", ""), ("stakeholder", "government"), ("department", "atlantida")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.html.contains("Elija un departamento de la lista, o déjelo sin responder."))
            let unchanged = try #require(try await store.user(usernameKey: "ixchel"))
            #expect(unchanged.department == .notSaid && unchanged.stakeholder == .academia)

            // and an empty answer takes it back to unanswered
            try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "")])
            #expect(try await store.user(usernameKey: "ixchel")?.department == nil)
        }
    }

    @Test func theExportCarriesItAndClosingTheAccountErasesIt() async throws {
        try await withApp { member, store in
            try await Self.register(member, "tomas", [("department", "zacapa")])
            try await member.get("/settings")
            try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "zacapa"),
                                                ("show_department", "1")])
            let export = try await member.get("/settings/export")
            let profile = try #require((try JSONSerialization.jsonObject(with: Data(export.html.utf8)) as? [String: Any])?["profile"] as? [String: Any])
            #expect(profile["department"] as? String == "zacapa")
            #expect(profile["showDepartment"] as? Bool == true)

            let id = try #require(try await store.user(usernameKey: "tomas")?.id)
            try await member.get("/settings/delete")
            #expect(try await member.post("/settings/delete", [("password", "contraseña-segura")]).status == .seeOther)
            let closed = try #require(try await store.user(id: id))
            #expect(closed.department == nil && !closed.showsDepartment)
        }
    }

    /// Six members write; their departments are counted for the forum and each board, and the
    /// share from outside the department of Guatemala is worked out; no export names anyone.
    @Test func theHarvestCountsParticipantsByDepartmentAndNoMore() async throws {
        try await withApp { host, store in
            // given: on banda-ancha, members from Guatemala, Petén, abroad, one who prefers not to
            // say and one who never answered; on proteccion-de-datos, another from Petén and the one from Guatemala again
            let people: [(String, String?)] = [("capitalina", "guatemala"), ("peteneca", "peten"), ("migrante", "outside-guatemala"),
                                               ("reservada", "not-said"), ("callada", nil)]
            var thread: Int64?
            for (name, department) in people {
                let browser = host.stranger()
                try await Self.register(browser, name, department.map { [("department", $0)] } ?? [])
                if let thread {
                    _ = try await browser.reply(thread: thread, body: "Estoy de acuerdo con la propuesta")
                } else {
                    thread = try await browser.openThread(title: "Cobertura rural de banda ancha", body: "Hace falta en las aldeas")
                }
            }
            let second = host.stranger()
            try await Self.register(second, "flores", [("department", "peten")])
            let other = try await second.openThread(board: "proteccion-de-datos", title: "Datos personales en trámites", body: "Un registro")
            let capitalina = host.stranger()
            try await capitalina.signIn("capitalina")
            _ = try await capitalina.reply(thread: other, body: "Sí, y con consentimiento")
            let committee = try await host.staff("comite", role: .committee, store: store)

            // then the forum: 6 participants, 4 who gave a place, 3 of them outside the department of Guatemala
            let json = try #require(try JSONSerialization.jsonObject(with: Data(try await committee.get("/harvest.json").html.utf8)) as? [String: Any])
            let forum = try #require(json["departments"] as? [String: Any])
            #expect(forum["participants"] as? Int == 6)
            #expect(forum["said_department"] as? Int == 4)
            #expect(forum["outside_guatemala"] as? Int == 3)
            #expect(forum["outside_guatemala_share"] as? Double == 0.75)
            let counts = Dictionary(uniqueKeysWithValues: try #require(forum["by_department"] as? [[String: Any]]).map {
                ($0["department"] as! String, $0["participants"] as! Int)
            })
            #expect(counts == ["guatemala": 1, "peten": 2, "outside-guatemala": 1, "not-said": 2].merging(
                Dictionary(uniqueKeysWithValues: Department.allCases.map { ($0.rawValue, 0) })) { counted, _ in counted })
            // and each board its own
            let boards = try #require(json["departments_by_board"] as? [[String: Any]])
            let banda = try #require(boards.first { $0["board"] as? String == "banda-ancha" })
            #expect(banda["participants"] as? Int == 5 && banda["said_department"] as? Int == 3 && banda["outside_guatemala"] as? Int == 2)
            let datos = try #require(boards.first { $0["board"] as? String == "proteccion-de-datos" })
            #expect(datos["participants"] as? Int == 2 && datos["outside_guatemala_share"] as? Double == 0.5)

            // and the page: the sentence, a chart and a table, and the boards compared
            let page = try await committee.get("/harvest").html
            #expect(page.contains("3 de 4 participantes que indicaron su departamento (75 %) participan desde fuera del departamento de Guatemala."))
            #expect(page.contains("aria-label=\"Participantes por departamento\""))
            #expect(page.contains("<tr><th scope=\"row\">Petén</th><td>2</td></tr>"))
            #expect(page.contains("<tr><th scope=\"row\">Zacapa</th><td>0</td></tr>"))
            #expect(page.contains("<td>5</td><td>3</td><td>2</td><td>67 %</td>"))
            let board = try await committee.get("/harvest?board=proteccion-de-datos").html
            #expect(board.contains("1 de 2 participantes que indicaron su departamento (50 %)"))

            // and the files: one row per scope in the departments' CSV, a section in the Markdown
            let csv = try await committee.get("/harvest/departments.csv").html
            // Every field is quoted (README, "CSV"); the counts are read without the quotes.
            let rows = csv.split(separator: "\r\n").map { $0.replacingOccurrences(of: "\"", with: "") }
            #expect(rows.first == (["scope", "participants", "said_department", "outside_guatemala", "outside_guatemala_share"]
                + Department.allCases.map { $0.rawValue.replacingOccurrences(of: "-", with: "_") }).joined(separator: ","))
            #expect(rows.count == 1 + 1 + 6, "the forum and the six boards")
            #expect(rows[1].hasPrefix("all,6,4,3,0.750,0,0,0,0,0,0,1,0,0,0,0,2,"))
            #expect(rows.contains { $0.hasPrefix("banda-ancha,5,3,2,0.667,") })
            #expect(try await committee.get("/harvest/departments.csv?board=banda-ancha").html.split(separator: "\r\n").count == 2)
            let markdown = try await committee.get("/harvest.md").html
            #expect(markdown.contains("## Participación por departamento"))
            #expect(markdown.contains("| Petén | 2 |"))

            // and nowhere does a department stand next to a member: no export names the participants at all
            for path in ["/harvest", "/harvest.csv", "/harvest.json", "/harvest.md", "/harvest/departments.csv",
                         "/harvest?board=banda-ancha", "/harvest/departments.csv?board=banda-ancha"] {
                let text = try await committee.get(path).html
                for (name, _) in people + [("flores", "peten")] {
                    #expect(!text.contains(name), "\(path) names \(name)")
                }
            }
            #expect(try await host.stranger().get("/harvest/departments.csv").status == .forbidden)
        }
    }
}
