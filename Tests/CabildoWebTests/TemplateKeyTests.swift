import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// View models answer template keys from `switch` statements; a key one side renamed or forgot
/// renders as nothing, silently. This renders every page, in each state that shows different
/// parts of its template, and fails on any key nothing answered.
@Suite struct TemplateKeyTests {
    @Test func everyPageAnswersEveryKeyItsTemplatesAsk() async throws {
        let audit = TemplateKeyAudit()
        var config = testConfig()
        config.templateKeyAudit = audit
        config.pageCacheBytes = 0
        config.threadsPerPage = 1
        try await withApp(config: config) { host, store in
            // given: a forum with a bit of everything: a proposal with support and a synthesis,
            // a reply edited, another hidden, a flag, a suspended member, a watched word, and a
            // closed account's reply and flag
            let admin = try await host.staff("admina", role: .admin, store: store)
            let member = host.stranger()
            try await member.register("miembro")
            try await member.get("/b/banda-ancha/new")
            let proposal = try await member.post("/b/banda-ancha", [("title", "Propuesta"), ("body", "Cuerpo"), ("proposal", "1")])
            let thread = try #require(proposal.location.flatMap { Int64($0.split(separator: "/").last ?? "") })
            let older = try await member.openThread(title: "Otro hilo", body: "Texto")
            let reply = try await member.reply(thread: thread, body: "Una respuesta")
            let hidden = try await member.reply(thread: thread, parent: reply, body: "Otra respuesta")
            try await member.get("/p/\(reply)/edit")
            try await member.post("/p/\(reply)/edit", [("body", "Una respuesta, corregida")])
            let supporter = host.stranger()
            try await supporter.register("apoyo", stakeholder: "academia")
            try await supporter.get("/t/\(thread)")
            try await supporter.post("/t/\(thread)/endorse", [])
            try await supporter.flag(reply)
            try await admin.get("/t/\(thread)/summary")
            try await admin.post("/t/\(thread)/summary", [("body", "La síntesis")])
            try await admin.moderate("/mod/posts/\(hidden)/hide")
            // and the board's conclusions, published, then a newer draft
            for status in ["published", "draft"] {
                try await admin.get("/b/banda-ancha/conclusions")
                try await admin.post("/b/banda-ancha/conclusions", [("conclusions", "Conclusión"), ("recommendations", "Recomendación"),
                                                                    ("status", status)])
            }
            // and notifications, watching and requests for review: one hidden post asked about, one not yet
            let appealed = try await member.reply(thread: thread, parent: reply, body: "Una tercera respuesta")
            try await admin.moderate("/mod/posts/\(appealed)/hide")
            try await member.get("/t/\(thread)")
            try await member.post("/p/\(appealed)/appeal", [("text", "Pido una revisión")])
            try await member.watch("/b/banda-ancha", "watching")
            try await supporter.watch("/t/\(thread)", "muted")
            try await admin.moderate("/mod/users/apoyo/suspend", [("days", "2")])
            try await admin.get("/mod/words")
            try await admin.post("/mod/words", [("phrase", "prohibida"), ("response", "hold")])
            let leaving = host.stranger()
            try await leaving.register("se-fue")
            _ = try await leaving.reply(thread: thread, parent: reply, body: "Me despido")
            try await leaving.flag(reply)
            try await leaving.get("/settings/delete")
            try await leaving.post("/settings/delete", [("password", "contraseña-segura")])

            // when: every page is rendered, for a visitor, a member and an admin, in both languages
            let pages = [
                "/", "/b/banda-ancha", "/b/banda-ancha?before=\(older)", "/b/banda-ancha/new", "/b/banda-ancha/feed.atom",
                "/t/\(thread)", "/t/\(thread)?root=\(reply)", "/t/\(thread)/reply", "/t/\(thread)/reply?parent=\(reply)",
                "/t/\(thread)/summary", "/p/\(reply)/edit", "/p/\(reply)/history", "/p/\(reply)/flag",
                "/search", "/search?q=respuesta", "/search?q=zzzz", "/privacy", "/u/miembro", "/u/apoyo", "/u/se-fue", "/settings", "/settings/sessions", "/settings/2fa",
                "/settings/delete", "/settings/delete?closed=1",
                "/settings/email", "/password/forgot", "/password/reset/nada", "/email/confirm/nada",
                "/login", "/login?reset=1", "/register", "/mod", "/mod/posts/\(reply)", "/mod/posts/\(hidden)", "/mod/threads/\(thread)",
                "/mod/boards", "/mod/words", "/moderation-log", "/harvest", "/harvest?board=banda-ancha", "/harvest/report", "/no-such-page",
                "/notifications", "/notifications?before=999999", "/mod/posts/\(appealed)",
                "/b/banda-ancha/conclusions", "/b/banda-ancha/conclusions?saved=draft", "/b/proteccion-de-datos/conclusions",
            ]
            let english = host.stranger()
            english.acceptLanguage = "en"
            for browser in [host.stranger(), english, member, supporter, admin] {
                for path in pages { try await browser.get(path) }
            }
            // and forms come back with their errors
            try await member.get("/b/banda-ancha/new")
            #expect(try await member.post("/b/banda-ancha", [("title", ""), ("body", "")]).status == .unprocessableContent)
            try await member.get("/t/\(thread)/reply")
            #expect(try await member.post("/t/\(thread)/reply", [("body", "")]).status == .unprocessableContent)
            try await member.get("/settings")
            #expect(try await member.post("/settings/password", [("current_password", "x"), ("password", "y"), ("password_confirmation", "z")]).status
                    == .unprocessableContent)
            try await member.get("/settings/delete")
            #expect(try await member.post("/settings/delete", [("password", "x")]).status == .unprocessableContent)
            #expect(try await member.post("/p/\(appealed)/appeal", [("text", "Otra vez")]).status == .unprocessableContent)
            try await admin.get("/b/banda-ancha/conclusions")
            #expect(try await admin.post("/b/banda-ancha/conclusions", [("conclusions", ""), ("recommendations", ""), ("status", "published")]).status
                    == .unprocessableContent)
            let newcomer = host.stranger()
            try await newcomer.get("/register")
            #expect(try await newcomer.post("/register", [("username", "x"), ("password", "y"), ("password_confirmation", "z"),
                                                     ("stakeholder", "academia")]).status
                    == .unprocessableContent)
            try await newcomer.get("/login")
            #expect(try await newcomer.post("/login", [("username", "nadie"), ("password", "nada-de-nada")]).status
                    == .unprocessableContent)

            // and two-factor sign-in in each state: enrolling, the recovery codes shown once, on,
            // the code step with a refused code, and the password form after an expired step
            let enrolling = try await member.get("/settings/2fa")
            try await member.post("/settings/2fa", [("action", "enable"), ("code", "000000")])
            let app = try Authenticator(enrolmentPage: enrolling.html)
            #expect(try await member.post("/settings/2fa", [("action", "enable"), ("code", app.code(at: Date()))]).status == .ok)
            try await member.get("/settings/2fa")
            let second = host.stranger()
            try await second.signIn("miembro")
            try await second.get("/login/2fa")
            #expect(try await second.post("/login/2fa", [("code", "000000")]).status == .unprocessableContent)
            #expect(try await host.stranger().get("/login/2fa").status == .ok)

            // then
            #expect(audit.missingKeys == [])
        }
    }

    /// With a base URL: thread and board pages with their share links, and the harvest with
    /// participation by department (a chart once someone gave a department).
    @Test func sharingAndDepartmentsAnswerEveryKey() async throws {
        let audit = TemplateKeyAudit()
        var config = testConfig()
        config.templateKeyAudit = audit
        config.baseURL = "http://localhost"
        try await withApp(config: config) { host, store in
            let member = host.stranger()
            try await member.get("/register")
            try await member.post("/register", [("username", "desde-coban"), ("password", "contraseña-segura"),
                                                ("password_confirmation", "contraseña-segura"), ("stakeholder", "academia"),
                                                ("department", "alta-verapaz")])
            let thread = try await member.openThread(title: "Un hilo para compartir", body: "Con **texto**")
            try await member.get("/settings")
            try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "alta-verapaz"),
                                                ("show_department", "1")])
            #expect(try await member.post("/settings", [("language", ""), ("stakeholder", "academia"), ("department", "x")]).status
                    == .unprocessableContent)
            let committee = try await host.staff("comite", role: .committee, store: store)
            let english = host.stranger()
            english.acceptLanguage = "en"
            for browser in [host.stranger(), english, member, committee] {
                for path in ["/t/\(thread)", "/b/banda-ancha", "/u/desde-coban", "/settings", "/register"] { try await browser.get(path) }
            }
            for path in ["/harvest", "/harvest?board=banda-ancha"] { try await committee.get(path) }
            #expect(audit.missingKeys == [])
        }
    }

    /// Board phases and panels (issue 18): each phase on the home, board and thread pages, the
    /// refusal that names it, and the admin forms.
    @Test func everyPhaseAndPanelPageAnswersEveryKey() async throws {
        let audit = TemplateKeyAudit()
        let clock = TestClock()
        var config = testConfig()
        config.templateKeyAudit = audit
        config.pageCacheBytes = 0
        config.clock = { clock.now }
        try await withApp(config: config) { host, store in
            // given a board with a panel, a thread, and dates in each phase over time
            let admin = try await host.staff("admina", role: .admin, store: store)
            let member = host.stranger()
            try await member.register("miembro")
            let thread = try await member.openThread(title: "Un hilo con fechas", body: "Texto")
            try await admin.moderate("/mod/boards/banda-ancha/panel", [
                ("panel_starts_at", "2018-10-25T09:00"), ("panel_ends_at", "2018-10-25T10:30"), ("panel_place", "Sala 1"),
                ("panel_moderators", "Ana"), ("panel_panelists", "Beto, Carla"), ("panel_stream_url", "https://example.org/vivo"),
            ])
            try await admin.moderate("/mod/boards/proteccion-de-datos/panel", [("panel_place", "Sala 2")])
            try await admin.moderate("/mod/boards/banda-ancha/schedule", [
                ("opens_at", BoardPhaseTests.field(clock.now.addingTimeInterval(600))),
                ("closes_at", BoardPhaseTests.field(clock.now.addingTimeInterval(7200))),
            ])
            let english = host.stranger()
            english.acceptLanguage = "en"
            // when each phase is rendered, for a visitor, a member and an admin, in both languages
            for step in [0, 1200, 7200] {
                clock.advance(seconds: TimeInterval(step))
                for browser in [host.stranger(), english, member, admin] {
                    for path in ["/", "/b/banda-ancha", "/b/proteccion-de-datos", "/t/\(thread)", "/mod/boards", "/moderation-log"] {
                        try await browser.get(path)
                    }
                }
            }
            // and a post refused by the closed board
            #expect(try await member.post("/t/\(thread)/reply", [("body", "Tarde")]).status == .forbidden)
            // then
            #expect(audit.missingKeys == [])
        }
    }

    /// The e-mail pages with e-mail on, in each of their states.
    @Test func everyMailPageAnswersEveryKeyItsTemplatesAsk() async throws {
        try await withSMTPSink { sink in
            let audit = TemplateKeyAudit()
            var config = mailConfig(sink)
            config.templateKeyAudit = audit
            try await withApp(config: config) { host, store in
                // given a member with a confirmed address and another waiting
                let member = host.stranger()
                try await member.register("plantilla")
                try await member.confirmEmail("plantilla@example.org", sink: sink)
                try await member.get("/settings/email")
                try await member.post("/settings/email", [("email", "otra@example.org"), ("mail_notifications", "daily")])
                let id = try #require(try await store.user(usernameKey: "plantilla")).id
                let unsubscribe = "/unsubscribe/" + UnsubscribeLinks(key: try await store.serverKey()).token(userId: id)
                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                try await visitor.post("/password/forgot", [("login", "plantilla")])
                let reset = try #require(try await sink.waitForMessages(3)[2].link(startingWith: "http://localhost/password/reset/"))
                let resetPath = String(reset.dropFirst("http://localhost".count))

                // when every state is rendered, in both languages
                let english = host.stranger()
                english.acceptLanguage = "en"
                for browser in [member, visitor, english] {
                    for path in ["/settings/email", "/settings/email?sent=1", "/settings/email?saved=1", "/password/forgot",
                                 "/password/forgot?sent=1", resetPath, "/password/reset/nada", unsubscribe, "/email/confirm/nada"] {
                        try await browser.get(path)
                    }
                }
                try await member.get("/settings/email")
                #expect(try await member.post("/settings/email", [("email", "mal"), ("mail_notifications", "each")]).status
                        == .unprocessableContent)
                #expect(try await visitor.post("/password/forgot", [("login", "")]).status == .unprocessableContent)
                try await visitor.get(resetPath)
                #expect(try await visitor.post(resetPath, [("password", "corta"), ("password_confirmation", "corta")]).status
                        == .unprocessableContent)
                #expect(try await visitor.post(unsubscribe, []).status == .ok)

                // then
                #expect(audit.missingKeys == [])
            }
        }
    }
}
