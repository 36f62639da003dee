import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Board phases (issue 18, part 1): a board opens and closes at the dates an admin sets, in the
/// forum's time zone; before and after, it is read-only, through every route that adds to it.
@Suite struct BoardPhaseTests {
    /// The app with its clock in the test's hands.
    static func config(_ clock: TestClock) -> AppConfig {
        var config = testConfig()
        config.clock = { clock.now }
        return config
    }

    /// What a `datetime-local` field holds for `date`, in the forum's time zone.
    static func field(_ date: Date, _ zone: TimeZone = testConfig().timeZone) -> String {
        DateText(timeZone: zone).inputValue(date)
    }

    @discardableResult
    static func schedule(_ admin: Browser, _ slug: String = "banda-ancha", opens: Date?, closes: Date?) async throws -> Browser.Page {
        try await admin.moderate("/mod/boards/\(slug)/schedule", reason: "Calendario del foro",
                                 [("opens_at", opens.map { field($0) } ?? ""), ("closes_at", closes.map { field($0) } ?? "")])
    }

    @Test func aClosedBoardRefusesEveryWayOfAddingToIt() async throws {
        let clock = TestClock()
        try await withApp(config: Self.config(clock)) { author, store in
            // Given a board with a proposal and a reply, and a reader who fetched the reply form while it was open
            try await author.register("lucia")
            try await author.get("/b/banda-ancha/new")
            let opened = try await author.post("/b/banda-ancha", [("title", "Fibra en Huehuetenango"), ("body", "Propongo fibra."),
                                                                  ("proposal", "on")])
            let thread = try #require(opened.location.flatMap { Int64($0.dropFirst(3)) })
            let reply = try await author.reply(thread: thread, body: "Una respuesta de la autora")
            let reader = author.stranger()
            try await reader.register("mateo")
            #expect(try await reader.get("/t/\(thread)/reply").status == .ok)
            let admin = try await author.staff("admina", role: .admin, store: store)
            #expect(try await Self.schedule(admin, opens: nil, closes: clock.now.addingTimeInterval(3600)).status == .seeOther)
            #expect(try await reader.get("/b/banda-ancha").html.contains("está abierto hasta el"))

            // When the closing time passes, with no write
            clock.advance(seconds: 7200)

            // Then the old form, a new thread, an endorsement and an edit are refused with the board's sentence
            let replay = try await reader.post("/t/\(thread)/reply", [("body", "Llego tarde")])
            #expect(replay.status == .forbidden)
            #expect(replay.html.contains("Este tema cerró el") && replay.html.contains("href=\"/b/banda-ancha/conclusions\""))
            #expect(replay.html.contains("Llego tarde"), "the typed text is kept")
            #expect(try await reader.get("/b/banda-ancha/new").status == .forbidden)
            let late = try await reader.post("/b/banda-ancha", [("title", "Un hilo tardío"), ("body", "Texto")])
            #expect(late.status == .forbidden && late.html.contains("Este tema cerró el"))
            #expect(try await reader.post("/t/\(thread)/endorse", []).status == .forbidden)
            #expect(try await author.get("/p/\(reply)/edit").status == .forbidden)
            #expect(try await author.post("/p/\(reply)/edit", [("body", "Reescrito")]).status == .forbidden)
            #expect(try await store.endorsements(threadId: thread).isEmpty)

            // And the pages say so, without the forms
            let board = try await reader.get("/b/banda-ancha").html
            #expect(board.contains("Este tema cerró el") && board.contains("href=\"/b/banda-ancha/conclusions\""))
            #expect(!board.contains("href=\"/b/banda-ancha/new\""))
            let page = try await author.get("/t/\(thread)").html
            #expect(page.contains("Este tema cerró el"))
            #expect(!page.contains("action=\"/t/\(thread)/reply\"") && !page.contains("action=\"/t/\(thread)/endorse\""))
            #expect(!page.contains("href=\"/p/\(reply)/edit\""))
            #expect(page.contains("action=\"/p/\(reply)/delete\""), "its author may still withdraw a post")

            // And moderation goes on
            let moderator = try await author.staff("modera", role: .moderator, store: store)
            #expect(try await moderator.moderate("/mod/posts/\(reply)/hide", reason: "Fuera de tema").status == .seeOther)
            #expect(try await author.post("/p/\(reply)/delete", []).status == .seeOther)
        }
    }

    @Test func aBoardNotYetOpenShowsItsDateAndTakesNoPosts() async throws {
        let clock = TestClock()
        try await withApp(config: Self.config(clock)) { member, store in
            // Given a board that opens in a day
            try await member.register("lucia")
            let admin = try await member.staff("admina", role: .admin, store: store)
            let opens = clock.now.addingTimeInterval(86400)
            try await Self.schedule(admin, opens: opens, closes: opens.addingTimeInterval(7 * 86400))
            let day = DateText(timeZone: testConfig().timeZone).day(opens, .es)

            // Then its page gives the date it opens, and posting is refused with that sentence
            let board = try await member.get("/b/banda-ancha").html
            #expect(board.contains("Este tema abre el \(day)"))
            #expect(!board.contains("href=\"/b/banda-ancha/new\""))
            #expect(board.contains("Este tema no tiene hilos.") && !board.contains("Sea la primera persona"))
            let refused = try await member.post("/b/banda-ancha", [("title", "Demasiado pronto"), ("body", "Texto")])
            #expect(refused.status == .forbidden && refused.html.contains("Este tema abre el \(day)"))
            #expect(!refused.html.contains("/conclusions"))
            // Admins too: the dates are the board's, not a permission
            #expect(try await admin.post("/b/banda-ancha", [("title", "Antes de abrir"), ("body", "Texto")]).status == .forbidden)

            // When it opens, it takes posts
            clock.advance(days: 1.01)
            _ = try await member.openThread(title: "Ya abierto", body: "Primer mensaje")
        }
    }

    @Test func theHomeShowsEachBoardsPhase() async throws {
        let clock = TestClock()
        try await withApp(config: Self.config(clock)) { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            let now = clock.now
            try await Self.schedule(admin, "banda-ancha", opens: nil, closes: now.addingTimeInterval(3 * 86400))
            try await Self.schedule(admin, "proteccion-de-datos", opens: now.addingTimeInterval(86400), closes: nil)
            try await Self.schedule(admin, "ninez-y-adolescencia", opens: now.addingTimeInterval(-86400), closes: now.addingTimeInterval(-3600))
            let dates = DateText(timeZone: testConfig().timeZone)

            let home = try await visitor.get("/").html
            #expect(home.contains("abierto hasta el " + dates.day(now.addingTimeInterval(3 * 86400), .es)))
            #expect(home.contains("abre el " + dates.day(now.addingTimeInterval(86400), .es)))
            #expect(home.contains("cerrado el "))
            visitor.acceptLanguage = "en"
            let english = try await visitor.get("/").html
            #expect(english.contains("open until " + dates.day(now.addingTimeInterval(3 * 86400), .en)))
        }
    }

    /// A kept page (`PageCache`) is good until the next phase change of any board: the
    /// clock alone, with no write, turns an open board's page into a closed one's.
    @Test func aKeptPageShowsThePhaseTheClockReached() async throws {
        let clock = TestClock()
        try await withApp(config: Self.config(clock)) { visitor, store in
            let admin = try await visitor.staff("admina", role: .admin, store: store)
            try await Self.schedule(admin, opens: clock.now.addingTimeInterval(600), closes: clock.now.addingTimeInterval(1800))
            let generation = store.writeGeneration
            #expect(try await visitor.get("/b/banda-ancha").html.contains("Este tema abre el"))
            #expect(try await visitor.get("/").html.contains("abre el"))

            clock.advance(seconds: 900)
            var board = try await visitor.get("/b/banda-ancha").html
            #expect(board.contains("está abierto hasta el") && board.contains("href=\"/b/banda-ancha/new\""))
            #expect(try await visitor.get("/").html.contains("abierto hasta el"))

            clock.advance(seconds: 1800)
            board = try await visitor.get("/b/banda-ancha").html
            #expect(board.contains("Este tema cerró el") && !board.contains("href=\"/b/banda-ancha/new\""))
            #expect(try await visitor.get("/").html.contains("cerrado el"))
            #expect(store.writeGeneration == generation, "nothing was written meanwhile")
        }
    }

    @Test func theScheduleFormValidatesAndOnlyAdminsUseIt() async throws {
        try await withApp { member, store in
            let admin = try await member.staff("admina", role: .admin, store: store)
            let tooEarly = try await admin.moderate("/mod/boards/banda-ancha/schedule", [("opens_at", "2018-10-25T09:00"),
                                                                                       ("closes_at", "2018-10-24T09:00")])
            #expect(tooEarly.status == .unprocessableContent && tooEarly.html.contains("El cierre debe ser posterior a la apertura."))
            for bad in ["2018-06-31T09:00", "25/10/2018 09:00", "2018-10-25", "2018-10-25T25:00", "２０１８-10-25T09:00"] {
                let page = try await admin.moderate("/mod/boards/banda-ancha/schedule", [("opens_at", bad), ("closes_at", "")])
                #expect(page.status == .unprocessableContent, "\(bad)")
            }
            #expect(try await admin.post("/mod/boards/banda-ancha/schedule", [("opens_at", ""), ("closes_at", "")]).status
                    == .unprocessableContent, "a reason is required, as for every board action")

            // Both bounds are stored as instants of the forum's time zone (Guatemala: UTC−6)
            #expect(try await admin.moderate("/mod/boards/banda-ancha/schedule", [("opens_at", "2018-10-01T08:00"),
                                                                                 ("closes_at", "2018-10-24T18:00")]).status == .seeOther)
            let board = try #require(try await store.board(slug: "banda-ancha"))
            #expect(board.schedule.opensAt == Date(timeIntervalSince1970: 1_538_402_400))
            #expect(board.schedule.closesAt == Date(timeIntervalSince1970: 1_540_425_600))
            let form = try await admin.get("/mod/boards").html
            #expect(form.contains("value=\"2018-10-01T08:00\"") && form.contains("value=\"2018-10-24T18:00\""))
            let log = try await member.get("/moderation-log").html
            #expect(log.contains("fijó las fechas del tema") && log.contains("24 de octubre de 2018, 18:00"))

            // A moderator and a member are refused
            let moderator = try await member.staff("modera", role: .moderator, store: store)
            #expect(try await moderator.moderate("/mod/boards/banda-ancha/schedule", [("opens_at", ""), ("closes_at", "")]).status
                    == .forbidden)
            try await member.register("lucia")
            #expect(try await member.moderate("/mod/boards/banda-ancha/panel", [("panel_place", "Sala 1")]).status == .forbidden)
            #expect(try await store.board(slug: "banda-ancha")?.panel == nil)
        }
    }

    @Test func anUnknownTimeZoneStopsTheStart() throws {
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["CABILDO_TIME_ZONE": "America/Xela"]) }
        do {
            _ = try AppConfig.fromEnvironment(["CABILDO_TIME_ZONE": "Mars/Olympus"])
        } catch {
            #expect("\(error)".contains("CABILDO_TIME_ZONE") && "\(error)".contains("IANA"))
        }
        #expect(try AppConfig.fromEnvironment(["CABILDO_TIME_ZONE": "UTC"]).timeZone.secondsFromGMT() == 0)
        #expect(try AppConfig.fromEnvironment([:]).timeZone.identifier == "America/Guatemala")
    }
}
