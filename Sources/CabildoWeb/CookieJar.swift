import Hummingbird

/// The cookies Cabildo sets, all `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` over HTTPS.
struct CookieJar: Sendable {
    static let session = "cabildo_session"
    /// A random id for visitors who are not signed in, so their forms (login, register) carry a CSRF token too.
    static let anonymous = "cabildo_anon"
    static let language = "cabildo_lang"
    /// The half-signed-in state between a correct password and the second factor's code.
    static let signInChallenge = "cabildo_2fa"

    let secure: Bool
    let sessionLifetime: Int

    func sessionCookie(_ token: String) -> Cookie {
        make(Self.session, token, maxAge: sessionLifetime)
    }

    func anonymousCookie(_ id: String) -> Cookie {
        make(Self.anonymous, id, maxAge: 30 * 86400)
    }

    func languageCookie(_ code: String) -> Cookie {
        make(Self.language, code, maxAge: 365 * 86400)
    }

    func signInChallengeCookie(_ token: String) -> Cookie {
        make(Self.signInChallenge, token, maxAge: Int(LoginCodeController.challengeLifetime))
    }

    func expired(_ name: String) -> Cookie {
        make(name, "", maxAge: 0)
    }

    private func make(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
