import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoWeb

@Suite struct AccountTests {
    @Test(arguments: StoreKind.available) func registeringSignsInWithASecureSessionCookie(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            // when
            let page = try await browser.register("Ana_López", stakeholder: "academia")
            // then
            #expect(page.status == .seeOther)
            let cookie = try #require(page.setCookies.first { $0.hasPrefix("cabildo_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "plain HTTP in tests: no Secure flag")
            let home = try await browser.follow(page)
            #expect(home.html.contains("Ana_López"))
            #expect(home.html.contains("action=\"/logout\""))
        }
    }

    @Test(arguments: StoreKind.available) func sessionCookieIsSecureWhenServedOverHTTPS(_ kind: StoreKind) async throws {
        var config = testConfig()
        config.baseURL = "https://foro.example.gt"
        try await withApp(on: kind, config: config) { browser, _ in
            let page = try await browser.register("segura")
            #expect(page.setCookies.contains { $0.hasPrefix("cabildo_session=") && $0.contains("Secure") })
            #expect(page.headers[.strictTransportSecurity]?.contains("max-age=") == true)
        }
    }

    @Test(arguments: StoreKind.available) func registrationErrorsRerenderTheFormWithMessages(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.get("/register")
            let short = try await browser.post("/register", [
                ("username", "ab"), ("password", "corta"), ("password_confirmation", "corta"), ("stakeholder", "academia"),
            ])
            #expect(short.status == .unprocessableContent)
            #expect(short.html.contains("de 3 a 30 caracteres"))
            #expect(short.html.contains("option value=\"academia\" selected"))
            let mismatch = try await browser.post("/register", [
                ("username", "valido"), ("password", "contraseña-larga"), ("password_confirmation", "otra-distinta"),
                ("stakeholder", "academia"),
            ])
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.html.contains("no coinciden"))
            let badGroup = try await browser.post("/register", [
                ("username", "valido"), ("password", "contraseña-larga"), ("password_confirmation", "contraseña-larga"),
                ("stakeholder", "martians"),
            ])
            #expect(badGroup.status == .unprocessableContent)
            #expect(!badGroup.setCookies.contains { $0.hasPrefix("cabildo_session=") })
        }
    }

    @Test(arguments: StoreKind.available) func usernamesAreUniqueIgnoringCaseAndWidth(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("Maria")
            let other = browser.stranger()
            // Fullwidth letters normalize (NFKC) to the same name.
            let page = try await other.register("ＭＡＲＩＡ")
            #expect(page.status == .unprocessableContent)
            #expect(page.html.contains("ya está en uso"))
        }
    }

    @Test(arguments: StoreKind.available) func lookalikesOfATakenNameAreRefused(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, store in
            try await browser.register("adminx")
            try await browser.register("copy")
            let other = browser.stranger()
            // given a Cyrillic а (U+0430), a combining mark (U+0345), and `rn` for `m`
            for lookalike in ["\u{430}dminx", "adminx\u{345}", "adrninx"] {
                let page = try await other.register(lookalike)
                #expect(page.status == .unprocessableContent, "\(lookalike.unicodeScalars.map { String($0.value, radix: 16) })")
                #expect(!page.setCookies.contains { $0.hasPrefix("cabildo_session=") })
            }
            // сору, every letter Cyrillic: one script, but it looks like `copy`
            let whole = try await other.register("\u{441}\u{43E}\u{440}\u{443}")
            #expect(whole.status == .unprocessableContent)
            #expect(whole.html.contains("ya está en uso"), "the same message as an exact duplicate")
            #expect(try await store.user(usernameKey: Rules.usernameKey("adrninx")) == nil)
            // Spanish names with accents and ñ still register.
            let spanish = try await other.register("josé_peña")
            #expect(spanish.status == .seeOther)
        }
    }

    @Test(arguments: StoreKind.available) func loginWithRightWrongAndUnknownCredentials(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("carlos", password: "clave-correcta-1")
            let firstSession = browser.cookies["cabildo_session"]
            try await browser.get("/")
            try await browser.post("/logout", [])
            #expect(browser.cookies["cabildo_session"] == nil)

            try await browser.get("/login")
            let wrong = try await browser.post("/login", [("username", "carlos"), ("password", "clave-incorrecta")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.html.contains("incorrectos"))
            #expect(browser.cookies["cabildo_session"] == nil)

            let unknown = try await browser.post("/login", [("username", "nadie"), ("password", "clave-correcta-1")])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.html.contains("incorrectos"), "same answer for unknown users and wrong passwords")

            let right = try await browser.post("/login", [("username", "CARLOS"), ("password", "clave-correcta-1")])
            #expect(right.status == .seeOther)
            let secondSession = try #require(browser.cookies["cabildo_session"])
            #expect(secondSession != firstSession, "a new token on every sign-in")
            #expect(try await browser.get("/settings").status == .ok)
        }
    }

    @Test(arguments: StoreKind.available) func logoutEndsTheSessionOnTheServer(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("lucia")
            let token = try #require(browser.cookies["cabildo_session"])
            try await browser.get("/")
            try await browser.post("/logout", [])
            // Replaying the old cookie does not sign anyone in.
            let replay = browser.stranger()
            replay.cookies["cabildo_session"] = token
            let page = try await replay.get("/settings")
            #expect(page.status == .seeOther)
            #expect(page.location?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: StoreKind.available) func loginRedirectsOnlyWithinTheSite(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("redir", password: "clave-correcta-1")
            try await browser.get("/")
            try await browser.post("/logout", [])
            try await browser.get("/login?next=//evil.example/x")
            let page = try await browser.post("/login", [
                ("username", "redir"), ("password", "clave-correcta-1"), ("next", "//evil.example/x"),
            ])
            #expect(page.location == "/")
        }
    }

    /// Browsers drop a TAB inside a URL and read `\\` as `/`: each of these would leave the site.
    @Test(arguments: StoreKind.available) func loginRefusesRedirectsDisguisedWithControlCharactersOrEncoding(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("disfraz", password: "clave-correcta-1")
            let disguised = ["/\t/evil.example", "/%09/evil.example", "/\r\n/evil.example", "/\u{7F}/evil.example",
                             "/\\evil.example", "/%5Cevil.example", "/%2F/evil.example", "/%252F%252Fevil.example",
                             "https://evil.example/", "\t//evil.example", "evil.example"]
            for next in disguised {
                try await browser.get("/")
                try await browser.post("/logout", [])
                try await browser.get("/login")
                let page = try await browser.post("/login", [
                    ("username", "disfraz"), ("password", "clave-correcta-1"), ("next", next),
                ])
                #expect(page.status == .seeOther)
                #expect(page.location == "/", "next=\(next.debugDescription) must not be followed")
            }
            try await browser.get("/")
            try await browser.post("/logout", [])
            try await browser.get("/login")
            let page = try await browser.post("/login", [
                ("username", "disfraz"), ("password", "clave-correcta-1"), ("next", "/t/5"),
            ])
            #expect(page.location == "/t/5", "a path on this site is still followed")
        }
    }

    @Test(arguments: StoreKind.available) func passwordIsRehashedAtLoginWhenParametersChange(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, store in
            // given an account hashed with older, weaker parameters
            let old = PasswordHasher(memoryKiB: 32, iterations: 1, parallelism: 1)
            _ = try await store.createUser(NewUser(username: "antigua", passwordHash: try old.hash("clave-antigua-1"),
                                                   role: .member, stakeholder: .government, createdAt: Date()))
            // when
            try await browser.get("/login")
            let page = try await browser.post("/login", [("username", "antigua"), ("password", "clave-antigua-1")])
            // then
            #expect(page.status == .seeOther)
            let stored = try #require(try await store.credentials(usernameKey: "antigua")?.passwordHash)
            #expect(stored.hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
        }
    }

    @Test(arguments: StoreKind.available) func changingPasswordNeedsTheCurrentOneAndSignsOutOtherSessions(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            try await browser.register("beatriz", password: "primera-clave-1")
            let laptop = browser.stranger()
            try await laptop.get("/login")
            try await laptop.post("/login", [("username", "beatriz"), ("password", "primera-clave-1")])
            #expect(try await laptop.get("/settings").status == .ok)

            try await browser.get("/settings")
            let wrong = try await browser.post("/settings/password", [
                ("current_password", "no-es-esta"), ("password", "segunda-clave-2"), ("password_confirmation", "segunda-clave-2"),
            ])
            #expect(wrong.status == .unprocessableContent)
            let right = try await browser.post("/settings/password", [
                ("current_password", "primera-clave-1"), ("password", "segunda-clave-2"),
                ("password_confirmation", "segunda-clave-2"),
            ])
            #expect(right.status == .seeOther)
            #expect(try await browser.get("/settings").status == .ok, "this session stays")
            #expect(try await laptop.get("/settings").status == .seeOther, "the other session is closed")

            let fresh = browser.stranger()
            try await fresh.get("/login")
            #expect(try await fresh.post("/login", [("username", "beatriz"), ("password", "segunda-clave-2")]).status == .seeOther)
        }
    }

    @Test(arguments: StoreKind.available) func settingsChangeLanguageAndStakeholderGroup(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, store in
            try await browser.register("daniel", stakeholder: "government")
            try await browser.get("/settings")
            let saved = try await browser.post("/settings", [("language", "en"), ("stakeholder", "technical-community")])
            #expect(saved.status == .seeOther)
            let page = try await browser.follow(saved)
            #expect(page.html.contains("<html lang=\"en\">"))
            #expect(page.html.contains("Changes saved."))
            let user = try #require(try await store.credentials(usernameKey: "daniel")?.user)
            #expect(user.stakeholder == .technicalCommunity)
            #expect(user.language == .en)
        }
    }

    @Test(arguments: StoreKind.available) func signedOutVisitorsAreSentToLoginAndBack(_ kind: StoreKind) async throws {
        try await withApp(on: kind) { browser, _ in
            let page = try await browser.get("/b/banda-ancha/new")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login?next=%2Fb%2Fbanda%2Dancha%2Fnew")
            let login = try await browser.follow(page)
            #expect(login.html.contains("name=\"next\" value=\"/b/banda-ancha/new\""))
        }
    }
}
