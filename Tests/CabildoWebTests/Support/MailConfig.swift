import Foundation
@testable import CabildoMail
@testable import CabildoWeb

/// `testConfig()` with e-mail on, sending to `sink`: as `CABILDO_SMTP_URL`, `CABILDO_MAIL_FROM` and
/// `CABILDO_BASE_URL` would set it, with the worker's waits cut to seconds (no setting does that).
func mailConfig(_ sink: SMTPSink) -> AppConfig {
    var config = testConfig()
    // The host in-process requests carry, so links in mails lead back to the test's router.
    config.baseURL = "http://localhost"
    var mail = MailSettings(server: sink.server, sender: MailSender(address: MailAddress("foro@cabildo.test")!, name: "Foro Cabildo"))
    if sink.security != .none { mail.trustedCertificates = sink.certificate }
    mail.timeouts.connect = .seconds(5)
    mail.timeouts.reply = .seconds(5)
    config.mail = mail
    // The outbox counts in whole seconds: one second, then two.
    config.mailRetry.base = 1
    config.mailRetry.cap = 2
    config.mailRetry.idlePoll = 1
    return config
}

/// A sink for the body of a test, removed after it whatever happens.
func withSMTPSink(security: SMTPSink.Security = .none, auth: (user: String, password: String)? = nil,
                  _ body: (SMTPSink) async throws -> Void) async throws {
    let sink = try await SMTPSink.started(security: security, auth: auth)
    do {
        try await body(sink)
    } catch {
        await sink.remove()
        throw error
    }
    await sink.remove()
}

extension Browser {
    /// Gives an address at `/settings/email` and follows the link the sink received; returns that mail.
    @discardableResult
    func confirmEmail(_ address: String, sink: SMTPSink, choice: String = "each") async throws -> ReceivedMail {
        let before = sink.messages().count
        try await get("/settings/email")
        let saved = try await post("/settings/email", [("email", address), ("mail_notifications", choice)])
        guard saved.location == "/settings/email?sent=1" else { throw TestFailure("saving the address answered \(saved.status)") }
        let mail = try await sink.waitForMessages(before + 1)[before]
        guard let link = mail.link(startingWith: "http://localhost/email/confirm/") else { throw TestFailure("no link in \(mail.text)") }
        let confirmed = try await get(String(link.dropFirst("http://localhost".count)))
        guard confirmed.status == .ok else { throw TestFailure("the confirmation link answered \(confirmed.status)") }
        return mail
    }
}
