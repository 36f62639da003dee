import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// `/password/forgot` and `/password/reset/{token}` through HTTP, the link read from the mail a
/// real SMTP server received: a stranger learns nothing, the link works once for an hour, a new
/// password ends every session, and two-factor sign-in stays on.
@Suite struct PasswordResetTests {
    @Test func theMailsLinkSetsANewPasswordAndEndsEverySession() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, store in
                // given a member with a confirmed address, signed in on two browsers
                let member = host.stranger()
                try await member.register("olvidadiza")
                try await member.confirmEmail("olvidadiza@example.org", sink: sink)
                let phone = host.stranger()
                try await phone.signIn("olvidadiza")

                // when someone asks for a reset from the sign-in page's link
                let visitor = host.stranger()
                #expect(try await visitor.get("/login").html.contains("href=\"/password/forgot\""))
                try await visitor.get("/password/forgot")
                let asked = try await visitor.post("/password/forgot", [("login", "Olvidadiza")])
                #expect(asked.status == .seeOther && asked.location == "/password/forgot?sent=1")
                #expect(try await visitor.follow(asked).html.contains("Si ese nombre o esa dirección corresponden a una cuenta"))

                // then a mail brings a link to the form
                let mail = try await sink.waitForMessages(2)[1]
                #expect(mail.envelopeTo == "olvidadiza@example.org")
                #expect(mail.text.contains("Hola, olvidadiza:") && mail.text.contains("próxima hora"))
                #expect(mail.header("List-Unsubscribe") != nil && mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                let link = try #require(mail.link(startingWith: "http://localhost/password/reset/"))
                let path = String(link.dropFirst("http://localhost".count))
                let form = try await visitor.get(path)
                #expect(form.status == .ok && form.html.contains("name=\"password_confirmation\""))

                // when the two passwords differ, the form says so and nothing changes
                let mismatch = try await visitor.post(path, [("password", "una-clave-nueva"), ("password_confirmation", "otra-clave-nueva")])
                #expect(mismatch.status == .unprocessableContent)

                // when they match
                let reset = try await visitor.post(path, [("password", "una-clave-nueva"), ("password_confirmation", "una-clave-nueva")])

                // then the password is the new one, every session ended, and the link is spent
                #expect(reset.status == .seeOther && reset.location == "/login?reset=1")
                #expect(try await visitor.follow(reset).html.contains("Su contraseña nueva quedó guardada"))
                #expect(try await member.get("/settings").status == .seeOther, "signed out")
                #expect(try await phone.get("/settings").status == .seeOther, "signed out on the phone too")
                try await member.get("/login")
                #expect(try await member.post("/login", [("username", "olvidadiza"), ("password", "contraseña-segura")]).status
                        == .unprocessableContent)
                try await member.signIn("olvidadiza", password: "una-clave-nueva")
                #expect(try await visitor.get(path).status == .gone)
                #expect(try await visitor.post(path, [("password", "otra-clave-mas"), ("password_confirmation", "otra-clave-mas")]).status
                        == .gone)
                #expect(try await store.user(usernameKey: "olvidadiza")?.isClosed == false)
            }
        }
    }

    /// The answer, its timing floor and the page after it are the same whatever was typed; only
    /// the mailbox of a real account gets anything.
    @Test func aKnownNameAKnownAddressAndAnUnknownOneGetTheSameAnswer() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, _ in
                let member = host.stranger()
                try await member.register("conocida")
                try await member.confirmEmail("conocida@example.org", sink: sink)
                let sinConfirmar = host.stranger()
                try await sinConfirmar.register("sinconfirmar")

                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                var answers: [(status: HTTPResponse.Status, location: String?, cookies: [String], body: String, page: String)] = []
                for login in ["conocida", "CONOCIDA@example.org", "nadie", "nadie@example.org", "sinconfirmar"] {
                    let started = ContinuousClock.now
                    let answer = try await visitor.post("/password/forgot", [("login", login)])
                    #expect(ContinuousClock.now - started >= PasswordResetController.answerTime, "\(login) answered early")
                    let page = try await visitor.follow(answer)
                    answers.append((answer.status, answer.location, answer.setCookies, answer.html, page.html))
                }
                for answer in answers.dropFirst() {
                    #expect(answer.status == answers[0].status && answer.location == answers[0].location)
                    #expect(answer.cookies == answers[0].cookies && answer.body == answers[0].body && answer.page == answers[0].page)
                }
                // and two mails went, both to the known account
                let mails = try await sink.waitForMessages(3)
                try await Task.sleep(for: .milliseconds(500))
                #expect(sink.messages().count == 3)
                #expect(mails.dropFirst().allSatisfy { $0.envelopeTo == "conocida@example.org" && $0.text.contains("/password/reset/") })
                // an empty field is the form's own mistake, the same for everyone
                #expect(try await visitor.post("/password/forgot", [("login", "  ")]).status == .unprocessableContent)
            }
        }
    }

    @Test func twoFactorSignInStaysOnAfterAReset() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, _ in
                // given a member with two-factor sign-in on and a confirmed address
                let member = host.stranger()
                try await member.register("doble")
                let enrolling = try await member.get("/settings/2fa")
                let app = try Authenticator(enrolmentPage: enrolling.html)
                #expect(try await member.post("/settings/2fa", [("action", "enable"), ("code", app.code(at: Date()))]).status == .ok)
                try await member.confirmEmail("doble@example.org", sink: sink)
                // and someone halfway through signing in with the old password
                let halfway = host.stranger()
                try await halfway.get("/login")
                #expect(try await halfway.post("/login", [("username", "doble"), ("password", "contraseña-segura")]).location?
                    .hasPrefix("/login/2fa") == true)

                // when the password is reset through the mail
                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                try await visitor.post("/password/forgot", [("login", "doble")])
                let link = try #require(try await sink.waitForMessages(2)[1].link(startingWith: "http://localhost/password/reset/"))
                let path = String(link.dropFirst("http://localhost".count))
                try await visitor.get(path)
                try await visitor.post(path, [("password", "clave-restablecida"), ("password_confirmation", "clave-restablecida")])

                // then the half-finished sign-in is over, and the new password still leads to the code
                #expect(try await halfway.get("/login/2fa").html.contains(PrivacyTests.catalogs[.es]["login_code_expired"]))
                try await visitor.get("/login")
                let signIn = try await visitor.post("/login", [("username", "doble"), ("password", "clave-restablecida")])
                #expect(signIn.location?.hasPrefix("/login/2fa") == true, "the second step is still asked")
                #expect(try await visitor.get("/settings").status == .seeOther, "not signed in before the code")
                try await visitor.get("/login/2fa")
                let next = Date().addingTimeInterval(30)
                #expect(try await visitor.post("/login/2fa", [("code", app.code(at: next))]).status == .seeOther)
                #expect(try await visitor.get("/settings").status == .ok)
            }
        }
    }

    @Test func requestsAreLimitedPerAddressAndSilentlyPerAccount() async throws {
        try await withSMTPSink { sink in
            var config = mailConfig(sink)
            config.rateLimits.enabled = true
            config.rateLimits.requestsBurst = RateLimit(10_000, per: 10)
            config.rateLimits.requests = RateLimit(10_000, per: 60)
            config.rateLimits.passwordResetRequests = RateLimit(3, per: 3600)
            config.rateLimits.passwordResetsPerAccount = RateLimit(1, per: 3600)
            try await withApp(config: config) { host, _ in
                let member = host.stranger()
                try await member.register("limitada")
                try await member.confirmEmail("limitada@example.org", sink: sink)

                // when one address asks three times for the same account, then a fourth
                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                let answers = try await [
                    visitor.post("/password/forgot", [("login", "limitada")]),
                    visitor.post("/password/forgot", [("login", "limitada@example.org")]),
                    visitor.post("/password/forgot", [("login", "nadie")]),
                ]
                let fourth = try await visitor.post("/password/forgot", [("login", "nadie")])

                // then the account got one mail, though every answer was the same
                #expect(answers.allSatisfy { $0.location == "/password/forgot?sent=1" })
                _ = try await sink.waitForMessages(2)
                try await Task.sleep(for: .milliseconds(500))
                #expect(sink.messages().count == 2)
                // and the address is refused, whatever it types
                #expect(fourth.status == .tooManyRequests)
                #expect(fourth.headers[.retryAfter] != nil)
                #expect(fourth.html.contains("Se pidieron demasiados enlaces desde su dirección"))
            }
        }
    }
}
