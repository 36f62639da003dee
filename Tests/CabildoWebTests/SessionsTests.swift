import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// `/settings/sessions`: a member sees where they are signed in and ends sessions there.
@Suite struct SessionsTests {
    static let phone = "Mozilla/5.0 (Linux; Android 14; moto g) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
    static let laptop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

    @Test func aMemberSeesTheirSessionsAndEndsOneOrAllOthers() async throws {
        try await withApp { host, store in
            // given: one member signed in on a phone, a laptop and a third browser
            let phone = host.stranger()
            try await phone.register("viajera")
            let laptop = host.stranger()
            try await laptop.signIn("viajera", headers: [.userAgent: Self.laptop])
            let third = host.stranger()
            try await third.signIn("viajera", headers: [.userAgent: Self.phone])

            // when the laptop lists them
            let page = try await laptop.get("/settings/sessions")
            #expect(page.status == .ok)
            #expect(page.html.contains("Firefox, Windows</strong> (este dispositivo)"))
            #expect(page.html.contains("Chrome, Android"))
            #expect(page.html.contains("Navegador desconocido"), "the registration came without a User-Agent")

            // and ends the third browser's session through its button
            let user = try #require(try await store.user(usernameKey: "viajera"))
            let sessions = try await store.sessions(userId: user.id, current: nil)
            #expect(sessions.count == 3)
            let android = try #require(sessions.first { $0.userAgent == Self.phone })
            #expect(try await laptop.post("/settings/sessions/\(android.id)/end", []).location == "/settings/sessions")

            // then that browser is signed out, the others are not
            #expect(try await third.get("/settings").status == .seeOther)
            #expect(try await phone.get("/settings").status == .ok)

            // when the laptop ends all others, only the laptop stays
            try await laptop.get("/settings/sessions")
            try await laptop.post("/settings/sessions/end-others", [])
            #expect(try await phone.get("/settings").status == .seeOther)
            #expect(try await laptop.get("/settings").status == .ok)
            #expect(try await store.sessions(userId: user.id, current: nil).count == 1)
        }
    }

    @Test func nobodyEndsAnotherMembersSession() async throws {
        try await withApp { host, store in
            let victim = host.stranger()
            try await victim.register("victima")
            let attacker = host.stranger()
            try await attacker.register("atacante")
            let user = try #require(try await store.user(usernameKey: "victima"))
            let session = try #require(try await store.sessions(userId: user.id, current: nil).first)

            try await attacker.get("/settings/sessions")
            #expect(try await attacker.post("/settings/sessions/\(session.id)/end", []).status == .notFound)
            #expect(try await attacker.post("/settings/sessions/\(session.id)/end", [], withToken: false).status == .forbidden,
                    "no CSRF token, no action")
            #expect(try await host.stranger().post("/settings/sessions/end-others", [], withToken: false).status == .forbidden)
            #expect(try await victim.get("/settings").status == .ok, "the victim is still signed in")
            #expect(try await host.stranger().get("/settings/sessions").status == .seeOther, "a visitor is sent to sign in")
        }
    }

    @Test func deviceNamesAreAFewWords() {
        #expect(DeviceName.describe(Self.phone) == "Chrome, Android")
        #expect(DeviceName.describe(Self.laptop) == "Firefox, Windows")
        #expect(DeviceName.describe("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
                == "Safari, iPhone")
        #expect(DeviceName.describe("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
                == "Edge, Windows")
        #expect(DeviceName.describe("") == "")
    }
}
