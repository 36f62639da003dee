import Testing
@testable import CabildoMail
@testable import CabildoWeb

/// `CABILDO_SMTP_URL`, `CABILDO_MAIL_FROM` and `CABILDO_MAIL_DELAY_SECONDS`, as the operator writes them.
@Suite struct MailSettingsTests {
    let base = ["CABILDO_BASE_URL": "https://foro.example.gt", "CABILDO_MAIL_FROM": "Foro Cabildo <foro@example.gt>"]

    func read(_ url: String, _ extra: [String: String] = [:]) throws -> AppConfig {
        try AppConfig.fromEnvironment(base.merging(["CABILDO_SMTP_URL": url]) { $1 }.merging(extra) { $1 })
    }

    @Test func theThreeFormsOfTheURL() throws {
        let startTLS = try #require(try read("smtp://foro%40example.gt:cla%3Ave%20secreta@mail.example.gt").mail)
        #expect(startTLS.server == SMTPServer(host: "mail.example.gt", port: 587, security: .startTLS, username: "foro@example.gt",
                                              password: "cla:ve secreta"))
        #expect(startTLS.sender == MailSender(address: MailAddress("foro@example.gt")!, name: "Foro Cabildo"))
        #expect("\(startTLS.server)" == "smtp://foro@example.gt:***@mail.example.gt:587", "the password is never shown")
        #expect(try read("smtps://u:p@mail.example.gt").mail?.server.security == .implicitTLS)
        #expect(try read("smtps://u:p@mail.example.gt").mail?.server.port == 465)
        #expect(try read("smtp://127.0.0.1:2525?tls=off").mail?.server == SMTPServer(host: "127.0.0.1", port: 2525, security: .none))
        #expect(try read("smtp://[::1]:2525?tls=off").mail?.server.host == "::1")
        #expect(try read("smtp://localhost:25?tls=off").mail?.server.security == SMTPServer.Security.none)
        #expect(try AppConfig.fromEnvironment(["CABILDO_MAIL_DELAY_SECONDS": "60"]).mailDelay == 60)
        #expect(AppConfig().mailDelay == 600 && AppConfig().mail == nil)
    }

    @Test func noTLSOnlyOnLoopbackAndThePasswordIsNeverRepeated() throws {
        // when tls=off names a host elsewhere
        let error = #expect(throws: AppConfig.ConfigError.self) { try read("smtp://foro:s3creto@mail.example.gt:25?tls=off") }
        // then the message says why, and hides the password
        let message = try #require(error.map { "\($0)" })
        #expect(message.hasPrefix("invalid value for CABILDO_SMTP_URL: smtp://foro:***@mail.example.gt:25?tls=off (?tls=off is only for"))
        #expect(message.contains("use smtp:// (STARTTLS) or smtps://"))
        #expect(!message.contains("s3creto"))
        for refused in ["http://mail.example.gt", "smtps://mail.example.gt?tls=off", "smtp://mail.example.gt?tls=no", "smtp://:pw@mail.example.gt",
                        "smtp://10.0.0.1?tls=off", "smtp://127.0.0.1.example.gt?tls=off", "smtp://mail.example.gt/path", "mail.example.gt",
                        "smtp://u:secreto@[mail.example.gt"] {
            let error = #expect(throws: AppConfig.ConfigError.self, "\(refused)") { try read(refused) }
            #expect(error.map { "\($0)" }?.contains("secreto") == false, "not even in a URL that does not parse")
        }
    }

    @Test func mailNeedsItsThreeSettingsTogether() throws {
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["CABILDO_SMTP_URL": "smtp://127.0.0.1:25?tls=off"]) }
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["CABILDO_MAIL_FROM": "foro@example.gt"]) }
        let error = #expect(throws: AppConfig.ConfigError.self) {
            try AppConfig.fromEnvironment(["CABILDO_SMTP_URL": "smtp://127.0.0.1:25?tls=off", "CABILDO_MAIL_FROM": "foro@example.gt"])
        }
        #expect(error.map { "\($0)" }?.contains("CABILDO_BASE_URL") == true)
        for sender in ["Foro <foro@example.gt", "foro", "Foro\nBcc <foro@example.gt>", "<foro@example.gt"] {
            #expect(throws: AppConfig.ConfigError.self, "\(sender)") {
                try read("smtp://127.0.0.1:25?tls=off", ["CABILDO_MAIL_FROM": sender])
            }
        }
        #expect(try read("smtp://127.0.0.1:25?tls=off", ["CABILDO_MAIL_FROM": "foro@example.gt"]).mail?.sender.name == nil)
    }
}
