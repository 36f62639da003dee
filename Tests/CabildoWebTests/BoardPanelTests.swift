import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// The live panel of each board (issue 18, part 2): on the board page and as iCalendar files.
@Suite struct BoardPanelTests {
    static let panelists = "Ing. José Peñate (Superintendencia de Telecomunicaciones); Licda. María Ángeles Xiloj, "
        + "Asociación de Radios Comunitarias; Dr. Íñigo Ñáñez, Universidad de San Carlos de Guatemala; "
        + "una representante del sector privado \\ cámara de comercio"

    static func setPanel(_ admin: Browser, on slug: String = "banda-ancha", _ fields: [(String, String)]) async throws -> Browser.Page {
        try await admin.moderate("/mod/boards/\(slug)/panel", reason: "Programa del 25 de octubre", fields)
    }

    static let fullPanel: [(String, String)] = [
        ("panel_starts_at", "2018-10-25T09:00"), ("panel_ends_at", "2018-10-25T10:30"),
        ("panel_place", "Salón Los Lagos, Hotel Barceló; 2.º nivel"), ("panel_moderators", "Lic. Ana Gálvez"),
        ("panel_panelists", panelists), ("panel_stream_url", "https://www.facebook.com/foro.gobernanza/live?v=25&x=1"),
    ]

    @Test func theBoardPageShowsThePanelAndTheLogRecordsIt() async throws {
        try await withApp { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            #expect(try await Self.setPanel(admin, Self.fullPanel).status == .seeOther)
            let page = try await visitor.get("/b/banda-ancha").html
            #expect(page.contains("25 de octubre de 2018, de 09:00 a 10:30"))
            #expect(page.contains("Salón Los Lagos, Hotel Barceló; 2.º nivel") && page.contains("Lic. Ana Gálvez"))
            #expect(page.contains("href=\"https://www.facebook.com/foro.gobernanza/live?v=25&amp;x=1\""))
            #expect(page.contains("href=\"/b/banda-ancha/panel.ics\""))
            #expect(try await visitor.get("/moderation-log").html.contains("actualizó el panel del tema"))
            let form = try await admin.get("/mod/boards").html
            #expect(form.contains("value=\"2018-10-25T09:00\"") && form.contains("Lic. Ana Gálvez"))

            // An empty form removes it
            #expect(try await Self.setPanel(admin, []).status == .seeOther)
            #expect(try await store.board(slug: "banda-ancha")?.panel == nil)
            #expect(!(try await visitor.get("/b/banda-ancha").html.contains("panel-heading")))
            #expect(try await visitor.get("/b/banda-ancha/panel.ics").status == .notFound)
        }
    }

    @Test func thePanelFormRefusesWhatItCannotKeep() async throws {
        try await withApp { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            for (fields, message) in [
                ([("panel_stream_url", "javascript:alert(1)")], "http:// o https://"),
                ([("panel_stream_url", "https://ejemplo.gt/\"><script>")], "http:// o https://"),
                ([("panel_stream_url", "ftp://ejemplo.gt/video")], "http:// o https://"),
                ([("panel_starts_at", "2018-10-25T10:00"), ("panel_ends_at", "2018-10-25T09:00")], "posterior a su inicio"),
                ([("panel_ends_at", "2018-10-25T09:00")], "inicio del panel"),
                ([("panel_place", String(repeating: "á", count: 201))], "demasiado largo"),
                ([("panel_starts_at", "mañana")], "AAAA-MM-DD"),
            ] {
                let page = try await Self.setPanel(admin, fields)
                #expect(page.status == .unprocessableContent && page.html.contains(message), "\(fields)")
            }
            #expect(try await store.board(slug: "banda-ancha")?.panel == nil)
        }
    }

    @Test func theCalendarFilesParseAsRFC5545() async throws {
        var config = testConfig()
        config.baseURL = "https://foro.example.gt"
        try await withApp(config: config) { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            #expect(try await Self.setPanel(admin, Self.fullPanel).status == .seeOther)
            #expect(try await Self.setPanel(admin, on: "proteccion-de-datos", [("panel_starts_at", "2018-10-25T14:00")]).status == .seeOther)

            let response = try await visitor.get("/b/banda-ancha/panel.ics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
            let calendar = try ICS(response.html)
            #expect(calendar.properties.first.map { "\($0.0):\($0.1)" } == "BEGIN:VCALENDAR")
            #expect(calendar.properties.last.map { "\($0.0):\($0.1)" } == "END:VCALENDAR")
            #expect(calendar.value("VERSION") == "2.0" && calendar.value("PRODID") != nil)
            let events = calendar.events
            #expect(events.count == 1)
            let event = try #require(events.first)
            // 09:00 in Guatemala (UTC−6) is 15:00 UTC
            #expect(event["DTSTART"] == "20181025T150000Z" && event["DTEND"] == "20181025T163000Z")
            #expect(event["DTSTAMP"]?.hasSuffix("Z") == true)
            #expect(event["SUMMARY"].map(ICS.unescape) == "Panel: Desarrollo sostenible de la banda ancha en Guatemala")
            #expect(event["LOCATION"] == "Salón Los Lagos\\, Hotel Barceló\\; 2.º nivel")
            #expect(event["LOCATION"].map(ICS.unescape) == "Salón Los Lagos, Hotel Barceló; 2.º nivel")
            let description = try #require(event["DESCRIPTION"].map(ICS.unescape))
            #expect(description == "Moderación: Lic. Ana Gálvez\nPanelistas: \(Self.panelists)\n"
                    + "Transmisión en vivo: https://www.facebook.com/foro.gobernanza/live?v=25&x=1")
            #expect(event["URL"] == "https://foro.example.gt/b/banda-ancha")
            let uid = try #require(event["UID"])
            #expect(try ICS(try await visitor.get("/b/banda-ancha/panel.ics").html).events.first?["UID"] == uid, "stable per board")

            let all = try ICS(try await visitor.get("/calendar.ics").html)
            #expect(all.events.count == 2)
            #expect(all.events.map { $0["UID"] }.contains(uid))
            #expect(all.events.contains { $0["DTSTART"] == "20181025T200000Z" && $0["DTEND"] == nil })
            #expect(try await visitor.get("/b/neutralidad-de-la-red/panel.ics").status == .notFound)
            #expect(try await visitor.get("/b/no-existe/panel.ics").status == .notFound)
        }
    }

    /// The forum's zone is a setting: the same typed time is another instant under UTC.
    @Test func theTimeZoneSettingMovesTypedTimes() async throws {
        var config = testConfig()
        config.timeZone = try #require(TimeZone(identifier: "UTC"))
        try await withApp(config: config) { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            #expect(try await Self.setPanel(admin, [("panel_starts_at", "2018-10-25T09:00")]).status == .seeOther)
            let event = try #require(try ICS(try await visitor.get("/b/banda-ancha/panel.ics").html).events.first)
            #expect(event["DTSTART"] == "20181025T090000Z")
            #expect(try await visitor.get("/b/banda-ancha").html.contains("25 de octubre de 2018, a las 09:00"))
        }
    }

    @Test func foldingKeepsLinesShortAndCharactersWhole() throws {
        let long = String(repeating: "Participación ciudadana en política pública, ñandú; ", count: 6)
        let text = ICalendar(name: "Paneles", timeZone: "America/Guatemala", events: [
            .init(uid: "panel-1@foro.example.gt", start: Date(timeIntervalSince1970: 0), end: nil, summary: long,
                  location: "", description: "línea 1\nlínea 2 \\ fin", url: nil),
        ]).text(stamp: Date(timeIntervalSince1970: 0))
        let calendar = try ICS(text)
        #expect(calendar.events.first?["SUMMARY"].map(ICS.unescape) == long)
        #expect(calendar.events.first?["DESCRIPTION"] == "línea 1\\nlínea 2 \\\\ fin")
        #expect(calendar.foldedLines > 3)
    }

    @Test func aBoardPageWithItsPanelAndPhaseStaysUnderThirtyKilobytes() async throws {
        let clock = TestClock()
        var config = testConfig()
        config.clock = { clock.now }
        try await withApp(config: config) { browser, store in
            try await browser.register("martina")
            for index in 1...31 {
                _ = try await browser.openThread(title: "Mapas de cobertura abiertos por municipio, número \(index)",
                                                 body: "Propongo mapas de cobertura por municipio.")
            }
            let admin = try await browser.staff("admina", role: .admin, store: store)
            #expect(try await Self.setPanel(admin, Self.fullPanel).status == .seeOther)
            try await BoardPhaseTests.schedule(admin, opens: nil, closes: clock.now.addingTimeInterval(86400))
            let page = try await browser.get("/b/banda-ancha")
            #expect(page.html.contains("panel-heading") && page.html.contains("está abierto hasta el"))
            #expect(page.html.utf8.count <= 30 * 1024, "\(page.html.utf8.count) bytes")
            #expect(!page.html.contains("<script"))
        }
    }
}

/// A small RFC 5545 reader for the tests: checks CRLF line ends and the 75-octet limit on
/// every physical line (each a whole UTF-8 text), unfolds, and splits properties.
struct ICS {
    var properties: [(String, String)] = []
    var foldedLines = 0

    init(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.suffix(2) == [13, 10] else { throw TestFailure("the file does not end with CRLF") }
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { throw TestFailure("a CR without LF") }
                physical.append(current)
                current = []
                index += 2
                continue
            }
            guard bytes[index] != 10 else { throw TestFailure("a bare LF") }
            current.append(bytes[index])
            index += 1
        }
        var logical: [String] = []
        for line in physical {
            guard line.count <= 75 else { throw TestFailure("a line of \(line.count) octets") }
            // Each physical line is whole UTF-8: a fold never splits a character.
            guard let text = String(validating: line, as: UTF8.self) else { throw TestFailure("a fold split a character") }
            if text.hasPrefix(" ") {
                guard !logical.isEmpty else { throw TestFailure("a continuation first") }
                logical[logical.count - 1] += text.dropFirst()
                foldedLines += 1
            } else {
                logical.append(text)
            }
        }
        for line in logical {
            guard let colon = line.firstIndex(of: ":") else { throw TestFailure("no colon in \(line)") }
            properties.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
    }

    func value(_ name: String) -> String? { properties.first { $0.0 == name }?.1 }

    var events: [[String: String]] {
        var events: [[String: String]] = []
        var current: [String: String]?
        for (name, value) in properties {
            if name == "BEGIN", value == "VEVENT" { current = [:] } else if name == "END", value == "VEVENT" {
                current.map { events.append($0) }
                current = nil
            } else if current != nil {
                current?[name] = value
            }
        }
        return events
    }

    /// TEXT unescaped (RFC 5545 §3.3.11).
    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                out.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
