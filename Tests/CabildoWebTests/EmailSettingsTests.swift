import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// `/settings/email` and `/email/confirm/{token}`, through HTTP, with the mail read back from a
/// real SMTP server: an address is used only once confirmed, belongs to one account, and is shown
/// to its member alone.
@Suite struct EmailSettingsTests {
    @Test func aConfirmationMailCarriesASingleUseLinkThatConfirmsTheAddress() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, store in
                // given a member on the page
                let member = host.stranger()
                try await member.register("correo")
                let page = try await member.get("/settings/email")
                #expect(page.status == .ok)
                #expect(page.html.contains("name=\"mail_notifications\" value=\"each\" checked"), "each notification is the default")
                #expect(try await member.get("/settings").html.contains("href=\"/settings/email\""))

                // when she gives an address
                let saved = try await member.post("/settings/email", [("email", " Correo@Example.org "), ("mail_notifications", "each")])

                // then a mail goes to it, in Spanish, with its link and every header a mail carries
                #expect(saved.status == .seeOther && saved.location == "/settings/email?sent=1")
                let mail = try #require(try await sink.waitForMessages(1).first)
                #expect(mail.envelopeTo == "Correo@Example.org")
                #expect(mail.header("From") == "\"Foro Cabildo\" <foro@cabildo.test>")
                #expect(mail.header("Message-ID") != nil && mail.header("Date") != nil)
                #expect(mail.header("List-Unsubscribe")?.hasPrefix("<http://localhost/unsubscribe/") == true)
                #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                #expect(mail.text.contains("Hola, correo:"))
                #expect(mail.text.contains("24 horas"))
                let link = try #require(mail.link(startingWith: "http://localhost/email/confirm/"))
                // and until it is followed the address is only waiting
                let waiting = try await member.get("/settings/email?sent=1")
                #expect(waiting.html.contains("Esperando confirmación: Correo@Example.org."))
                let id = try #require(try await store.user(usernameKey: "correo")).id
                #expect(try await store.emailSettings(userId: id, at: Date()).confirmedAddress == nil)

                // when the link is followed, even from a browser that is not signed in
                let path = String(link.dropFirst("http://localhost".count))
                let confirmed = try await host.stranger().get(path)

                // then the address is hers, once: the same link does nothing the second time
                #expect(confirmed.status == .ok)
                #expect(confirmed.html.contains("Su dirección de correo quedó confirmada."))
                #expect(try await member.get("/settings/email").html.contains("Su dirección confirmada: Correo@Example.org."))
                #expect(try await host.stranger().get(path).status == .gone)
                #expect(try await host.stranger().get("/email/confirm/no-es-un-enlace").status == .gone)
            }
        }
    }

    @Test func aNewAddressIsUsedOnlyOnceConfirmedAndAnEmptyFieldRemovesIt() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, store in
                // given a member with a confirmed address
                let member = host.stranger()
                try await member.register("mudanza")
                try await member.confirmEmail("vieja@example.org", sink: sink)

                // when she asks for a new one and, before confirming it, for a password reset
                try await member.get("/settings/email")
                try await member.post("/settings/email", [("email", "nueva@example.org"), ("mail_notifications", "daily")])
                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                try await visitor.post("/password/forgot", [("login", "mudanza")])

                // then the reset goes to the old address, which is still the one in use
                let mails = try await sink.waitForMessages(3)
                #expect(mails[1].envelopeTo == "nueva@example.org")
                #expect(SMTPClientTests.decodeWords(mails[1].header("Subject") ?? "") == "Confirme su dirección de correo en localhost")
                #expect(mails[2].envelopeTo == "vieja@example.org")
                #expect(mails[2].text.contains("/password/reset/"))
                let id = try #require(try await store.user(usernameKey: "mudanza")).id
                let settings = try await store.emailSettings(userId: id, at: Date())
                #expect(settings.confirmedAddress == "vieja@example.org" && settings.pendingAddress == "nueva@example.org")
                #expect(settings.mailNotifications == .daily)

                // when she follows the new link, the new address replaces the old
                let link = try #require(mails[1].link(startingWith: "http://localhost/email/confirm/"))
                #expect(try await member.get(String(link.dropFirst("http://localhost".count))).status == .ok)
                #expect(try await store.emailSettings(userId: id, at: Date()).confirmedAddress == "nueva@example.org")

                // and an empty field removes it
                try await member.get("/settings/email")
                let removed = try await member.post("/settings/email", [("email", ""), ("mail_notifications", "none")])
                #expect(removed.location == "/settings/email?saved=1")
                #expect(try await store.emailSettings(userId: id, at: Date()) == EmailSettings(confirmedAddress: nil, pendingAddress: nil,
                                                                                                mailNotifications: .none))
            }
        }
    }

    @Test func anAddressBelongsToOneAccountWithoutTellingStrangers() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, store in
                // given an address another account confirmed
                let first = host.stranger()
                try await first.register("primera")
                try await first.confirmEmail("compartida@example.org", sink: sink)

                // when a second member gives it, the page answers as for any address
                let second = host.stranger()
                try await second.register("segunda")
                try await second.get("/settings/email")
                let saved = try await second.post("/settings/email", [("email", "COMPARTIDA@example.org"), ("mail_notifications", "each")])
                #expect(saved.location == "/settings/email?sent=1", "the settings page says nothing about other accounts")

                // but its link, which only the mailbox's owner reads, refuses to take it
                let mail = try await sink.waitForMessages(2)[1]
                let link = try #require(mail.link(startingWith: "http://localhost/email/confirm/"))
                let refused = try await second.get(String(link.dropFirst("http://localhost".count)))
                #expect(refused.status == .conflict)
                #expect(refused.html.contains("Otra cuenta ya usa esta dirección de correo"))
                let id = try #require(try await store.user(usernameKey: "segunda")).id
                #expect(try await store.emailSettings(userId: id, at: Date()).confirmedAddress == nil)
            }
        }
    }

    @Test func badAddressesAreRefusedAndTheChoiceMustBeOneOffered() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, _ in
                let member = host.stranger()
                try await member.register("tecleo")
                for bad in ["ana@example.org\r\nBcc: x@example.org", "ana @example.org", "año@example.org", "ana", "ana@localhost"] {
                    try await member.get("/settings/email")
                    let page = try await member.post("/settings/email", [("email", bad), ("mail_notifications", "each")])
                    #expect(page.status == .unprocessableContent, "\(bad)")
                    #expect(page.html.contains("Escriba una dirección de correo completa"))
                }
                try await member.get("/settings/email")
                #expect(try await member.post("/settings/email", [("email", ""), ("mail_notifications", "hourly")]).status == .badRequest)
                #expect(try await member.post("/settings/email", [("email", "")]).status == .badRequest)
                #expect(try await host.stranger().get("/settings/email").location == "/login?next=%2Fsettings%2Femail")
                try await Task.sleep(for: .milliseconds(300))
                #expect(sink.messages().isEmpty)
            }
        }
    }

    @Test func theAddressIsNeitherExportedNorLoggedAndClosingDropsIt() async throws {
        let logs = LogCapture()
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink), logs: logs) { host, store in
                // given a member with a confirmed address, a new one waiting and a reset link
                let member = host.stranger()
                try await member.register("privada")
                try await member.confirmEmail("privada@example.org", sink: sink)
                try await member.get("/settings/email")
                try await member.post("/settings/email", [("email", "otra@example.org"), ("mail_notifications", "each")])
                let visitor = host.stranger()
                try await visitor.get("/password/forgot")
                try await visitor.post("/password/forgot", [("login", "privada@example.org")])
                _ = try await sink.waitForMessages(3)

                // then her export says an address is confirmed, and never which
                let export = try await member.get("/settings/export").html
                #expect(export.contains("\"emailConfirmed\" : true"))
                #expect(export.contains("\"mailNotifications\" : \"each\""))
                #expect(!export.contains("@example.org"))
                // and no log line holds an address
                #expect(!logs.lines.contains { $0.contains("@example.org") }, "\(logs.lines.filter { $0.contains("@example.org") })")

                // when she closes her account
                try await member.get("/settings/delete")
                try await member.post("/settings/delete", [("password", "contraseña-segura")])

                // then the address, the links and the mails are gone, and a reset asks for nothing
                let id = try #require(try await store.user(usernameKey: "privada")).id
                #expect(try await store.emailSettings(userId: id, at: Date()) == EmailSettings(confirmedAddress: nil, pendingAddress: nil,
                                                                                                mailNotifications: .each))
                #expect(try await store.nextMailDue() == nil)
                #expect(try await store.deleteExpiredMailRecords(at: Date().addingTimeInterval(30 * 86400)) == 0, "no link, no mail row left")
                let latecomer = host.stranger()
                try await latecomer.get("/password/forgot")
                try await latecomer.post("/password/forgot", [("login", "privada")])
                try await Task.sleep(for: .milliseconds(500))
                #expect(sink.messages().count == 3)
            }
        }
    }

    @Test func withoutMailThePagesSaySo() async throws {
        try await withApp { host, _ in
            let member = host.stranger()
            try await member.register("sincorreo")
            let page = try await member.get("/settings/email")
            #expect(page.status == .ok)
            #expect(page.html.contains("Este foro no envía correo"))
            #expect(!page.html.contains("name=\"email\""))
            #expect(try await member.post("/settings/email", [("email", "a@example.org"), ("mail_notifications", "each")]).status
                    == .serviceUnavailable)
            let forgot = try await host.stranger().get("/password/forgot")
            #expect(forgot.html.contains("Pida a quien administra el foro"))
            #expect(!forgot.html.contains("name=\"login\""))
            #expect(try await host.stranger().get("/login").html.contains("href=\"/password/forgot\""))
        }
    }
}
