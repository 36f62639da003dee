import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// Two-factor sign-in through the pages a member uses: enrolling at `/settings/2fa` with codes
/// computed from the key on the page, the second step at `/login/2fa`, recovery codes, the limits,
/// and `CABILDO_REQUIRE_2FA` holding staff powers until enrolment.
@Suite struct TwoFactorTests {
    let clock = TestClock()

    var config: AppConfig {
        var config = testConfig()
        config.requireTwoFactor = .staff
        config.clock = { [clock] in clock.now }
        return config
    }

    @Test func aMemberEnrolsAndSignsInWithACodeThatWorksOnce() async throws {
        try await withApp(config: config) { host, store in
            let phone = host.stranger()
            try await phone.register("ana")
            let laptop = host.stranger()
            try await laptop.signIn("ana")

            // The enrolment page shows the key three ways, the same key however often it is opened.
            let page = try await phone.get("/settings/2fa")
            #expect(page.status == .ok)
            #expect(page.html.contains("href=\"otpauth://totp/Cabildo:ana?secret="))
            #expect(page.html.contains("<svg class=\"qr\""))
            let app = try Authenticator(enrolmentPage: page.html)
            #expect(app.key.count == 20)
            #expect(try Authenticator(enrolmentPage: try await phone.get("/settings/2fa").html).key == app.key)

            // A wrong code confirms nothing; the right one shows ten recovery codes once.
            let wrong = try await phone.post("/settings/2fa", [("action", "enable"), ("code", "000000")])
            #expect(wrong.status == .unprocessableContent)
            #expect(try await store.twoFactor(userId: try await userId("ana", store))?.isOn == false)
            let confirmed = try await phone.post("/settings/2fa", [("action", "enable"), ("code", app.code(at: clock.now))])
            #expect(confirmed.status == .ok)
            #expect(Self.recoveryCodes(in: confirmed.html).count == 10)
            #expect(try await phone.get("/settings/2fa").html.contains("Le quedan 10 códigos de recuperación."))
            // Turning it on ended the laptop's session, which signed in with the password alone.
            #expect(try await laptop.get("/settings").status == .seeOther)

            // Signing in: the password leads to the code step, which grants nothing by itself.
            let tablet = host.stranger()
            try await tablet.get("/login")
            let password = try await tablet.post("/login", [("username", "ana"), ("password", "contraseña-segura"), ("next", "/b/banda-ancha")])
            #expect(password.location == "/login/2fa?next=%2Fb%2Fbanda%2Dancha")
            #expect(tablet.cookies["cabildo_session"] == nil)
            #expect(try await tablet.get("/settings").status == .seeOther, "half signed in is not signed in")

            // The code the enrolment used is spent (same time step): refused as a replay.
            try await tablet.get("/login/2fa")
            let replay = try await tablet.post("/login/2fa", [("code", app.code(at: clock.now))])
            #expect(replay.status == .unprocessableContent)
            #expect(replay.html.contains("ya se usó"))

            clock.advance(seconds: 30)
            let signedIn = try await tablet.post("/login/2fa", [("code", app.code(at: clock.now)), ("next", "/b/banda-ancha")])
            #expect(signedIn.location == "/b/banda-ancha")
            #expect(try await tablet.get("/settings").status == .ok)
            #expect(tablet.cookies["cabildo_2fa"] == nil, "the challenge is spent")

            // Someone else with the password and that same code is refused.
            let thief = try await passwordStep("ana", host: host)
            #expect(try await thief.post("/login/2fa", [("code", app.code(at: clock.now))]).status == .unprocessableContent)
            #expect(try await thief.get("/settings").status == .seeOther)
        }
    }

    @Test func theStepsEitherSideOfNowAreAcceptedButNotFurther() async throws {
        try await withApp(config: config) { host, _ in
            let (_, app, _) = try await enrolled("beto", host: host)
            clock.advance(seconds: 300)
            // One step behind (a slow phone) and one ahead (a fast one) work; two steps do not.
            for (offset, accepted) in [(-60.0, false), (60.0, false), (-30.0, true), (30.0, true)] {
                let browser = try await passwordStep("beto", host: host)
                let page = try await browser.post("/login/2fa", [("code", app.code(at: clock.now.addingTimeInterval(offset)))])
                #expect((page.status == .seeOther) == accepted, "offset \(offset)")
            }
        }
    }

    @Test func aRecoveryCodeSignsInOnceAndSaysHowManyAreLeft() async throws {
        try await withApp(config: config) { host, _ in
            let (_, _, codes) = try await enrolled("carla", host: host)
            let browser = try await passwordStep("carla", host: host)
            // Typed in capitals and without dashes, as from a paper copy.
            let typed = codes[3].uppercased().replacingOccurrences(of: "-", with: " ")
            let page = try await browser.post("/login/2fa", [("code", typed)])
            #expect(page.location == "/settings/2fa")
            #expect(try await browser.get("/settings/2fa").html.contains("Le quedan 9 códigos de recuperación."))

            let again = try await passwordStep("carla", host: host)
            #expect(try await again.post("/login/2fa", [("code", codes[3])]).status == .unprocessableContent)
        }
    }

    @Test func guessesAreLimitedPerAccountWhoeverMakesThem() async throws {
        try await withApp(config: config) { host, _ in
            let (_, app, _) = try await enrolled("dora", host: host)
            clock.advance(seconds: 60)
            // Five wrong guesses from five browsers (each with the password).
            for _ in 0..<SecondFactorCheck.attemptLimit {
                let guesser = try await passwordStep("dora", host: host)
                #expect(try await guesser.post("/login/2fa", [("code", "123456")]).status == .unprocessableContent)
            }
            // Then even the right code waits.
            let owner = try await passwordStep("dora", host: host)
            let refused = try await owner.post("/login/2fa", [("code", app.code(at: clock.now))])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.html.contains("Demasiados intentos"))

            clock.advance(seconds: SecondFactorCheck.window)
            let later = try await passwordStep("dora", host: host)
            #expect(try await later.post("/login/2fa", [("code", app.code(at: clock.now))]).status == .seeOther)
        }
    }

    @Test func theHalfSignedInStateExpiresAndCannotBeForged() async throws {
        try await withApp(config: config) { host, _ in
            let (_, app, _) = try await enrolled("elsa", host: host)
            let browser = host.stranger()
            try await browser.signIn("elsa")
            clock.advance(seconds: LoginCodeController.challengeLifetime + 1)
            try await browser.get("/login")
            let late = try await browser.post("/login/2fa", [("code", app.code(at: clock.now))])
            #expect(late.status == .unprocessableContent)
            #expect(late.html.contains("caducó"))
            #expect(try await browser.get("/settings").status == .seeOther)

            // A made-up challenge names nobody.
            let forger = host.stranger()
            forger.setCookie("cabildo_2fa", Tokens.random())
            try await forger.get("/login")
            #expect(try await forger.post("/login/2fa", [("code", app.code(at: clock.now))]).html.contains("caducó"))
            // And the step is a form like any other: no CSRF token, no sign-in.
            let noToken = host.stranger()
            try await noToken.signIn("elsa")
            #expect(try await noToken.post("/login/2fa", [("code", app.code(at: clock.now))], withToken: false).status == .forbidden)
        }
    }

    @Test func turningItOffNeedsACodeAndEndsOtherSessions() async throws {
        try await withApp(config: config) { host, store in
            let (member, app, _) = try await enrolled("flor", host: host)
            clock.advance(seconds: 30)
            let other = try await passwordStep("flor", host: host)
            try await other.post("/login/2fa", [("code", app.code(at: clock.now))])
            #expect(try await other.get("/settings").status == .ok)

            clock.advance(seconds: 30)
            try await member.get("/settings/2fa")
            #expect(try await member.post("/settings/2fa", [("action", "disable"), ("code", "999999")]).status == .unprocessableContent)
            let off = try await member.post("/settings/2fa", [("action", "disable"), ("code", app.code(at: clock.now))])
            #expect(off.location == "/settings/2fa?off=1")
            #expect(try await store.twoFactor(userId: try await userId("flor", store)) == nil, "secret and codes are gone")
            #expect(try await other.get("/settings").status == .seeOther)
            // The password alone signs in again.
            #expect(try await host.stranger().signIn("flor").location == "/")
        }
    }

    @Test func staffUseNoPowerUntilEnrolled() async throws {
        try await withApp(config: config) { host, store in
            let author = host.stranger()
            try await author.register("autora")
            let thread = try await author.openThread(title: "Acceso rural", body: "Texto")
            let post = try #require(try await store.posts(threadId: thread).first)
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let committee = try await host.staff("comite", role: .committee, store: store)
            let admin = try await host.staff("admin", role: .admin, store: store)

            // Each staff page sends them to enrol, which says why; every page carries the sentence.
            for (browser, path) in [(moderator, "/mod"), (committee, "/harvest"), (admin, "/mod/boards"), (admin, "/mod/words")] {
                #expect(try await browser.get(path).location == "/settings/2fa", "\(path)")
            }
            let enrolPage = try await moderator.get("/settings/2fa")
            #expect(enrolPage.html.contains("Su rol en el foro necesita la verificación en dos pasos"))
            // A staff action is refused too, and nothing happens.
            let hide = try await moderator.moderate("/mod/posts/\(post.id)/hide")
            #expect(hide.location == "/settings/2fa")
            #expect(try await store.post(id: post.id)?.isHidden == false)
            // They still take part as members.
            #expect(try await moderator.reply(thread: thread, body: "Como participante") > 0)

            // Once enrolled, the powers are there.
            let app = try Authenticator(enrolmentPage: enrolPage.html)
            try await moderator.post("/settings/2fa", [("action", "enable"), ("code", app.code(at: clock.now))])
            #expect(try await moderator.get("/mod").status == .ok)
            #expect(try await moderator.moderate("/mod/posts/\(post.id)/hide").status == .seeOther)
            #expect(try await store.post(id: post.id)?.isHidden == true)
        }
    }

    @Test func theRuleCanCoverEveryoneOrNobody() async throws {
        var all = config
        all.requireTwoFactor = .all
        try await withApp(config: all) { host, _ in
            let member = host.stranger()
            try await member.register("gina")
            try await member.get("/b/banda-ancha/new")
            let page = try await member.post("/b/banda-ancha", [("title", "Un tema"), ("body", "Lo que escribí")])
            #expect(page.status == .forbidden, "a refused form keeps its text")
            #expect(page.html.contains("Lo que escribí"))
            #expect(page.html.contains("href=\"/settings/2fa\""))
            #expect(try await member.get("/").html.contains("Este foro pide la verificación en dos pasos"))
        }
        var off = config
        off.requireTwoFactor = .off
        try await withApp(config: off) { host, store in
            let moderator = try await host.staff("moderador", role: .moderator, store: store)
            #expect(try await moderator.get("/mod").status == .ok)
        }
    }

    @Test func closingTheAccountAsksForACodeToo() async throws {
        try await withApp(config: config) { host, store in
            let (member, app, _) = try await enrolled("irene", host: host)
            let id = try await userId("irene", store)
            clock.advance(seconds: 30)
            let page = try await member.get("/settings/delete")
            #expect(page.html.contains("name=\"code\""))
            // A stolen session and password are not enough.
            for code in ["", "123456"] {
                let refused = try await member.post("/settings/delete", [("password", "contraseña-segura"), ("code", code)])
                #expect(refused.status == .unprocessableContent)
                #expect(refused.html.contains("El código no es correcto"))
            }
            #expect(try await store.user(id: id)?.isClosed == false)

            let closed = try await member.post("/settings/delete", [("password", "contraseña-segura"), ("code", app.code(at: clock.now))])
            #expect(closed.status == .seeOther)
            #expect(try await store.user(id: id)?.isClosed == true)
            #expect(try await store.twoFactor(userId: id) == nil, "the key and recovery codes go with the account")
        }
    }

    @Test func theExportNeverHoldsTheSecretOrTheRecoveryCodes() async throws {
        try await withApp(config: config) { host, store in
            let (member, _, codes) = try await enrolled("hilda", host: host)
            let state = try #require(try await store.twoFactor(userId: try await userId("hilda", store)))
            let export = try await member.get("/settings/export")
            #expect(export.status == .ok)
            #expect(!export.html.contains(state.secret))
            #expect(!export.html.contains(TOTPSecret(text: state.secret).base32))
            for code in codes { #expect(!export.html.contains(code)) }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            #expect(try decoder.decode(MemberExport.self, from: Data(export.html.utf8)).profile.twoFactorSince != nil,
                    "when it was turned on is the member's to know")
        }
    }

    // MARK: Helpers

    /// A member who registered and enrolled through the pages; their browser stays signed in.
    private func enrolled(_ name: String, host: Browser) async throws -> (Browser, Authenticator, [String]) {
        let browser = host.stranger()
        try await browser.register(name)
        let app = try Authenticator(enrolmentPage: try await browser.get("/settings/2fa").html)
        let page = try await browser.post("/settings/2fa", [("action", "enable"), ("code", app.code(at: clock.now))])
        let codes = Self.recoveryCodes(in: page.html)
        guard codes.count == 10 else { throw TestFailure("enrolment answered \(page.status)") }
        return (browser, app, codes)
    }

    /// A new browser past the password, at the code step.
    private func passwordStep(_ name: String, host: Browser) async throws -> Browser {
        let browser = host.stranger()
        try await browser.signIn(name)
        try await browser.get("/login/2fa")
        return browser
    }

    private func userId(_ name: String, _ store: AppDatabase) async throws -> Int64 {
        try #require(try await store.user(usernameKey: name)).id
    }

    static func recoveryCodes(in html: String) -> [String] {
        html.matches(of: /<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})<\/code><\/li>/).map { String($0.output.1) }
    }
}
