import Foundation
import NIOCore
import Testing
@testable import CabildoMail
@testable import CabildoWeb

/// The SMTP client against a real server (aiosmtpd on 127.0.0.1): TLS both ways and verified,
/// authentication, the message's bytes as they arrive, and which failures are worth a retry.
@Suite struct SMTPClientTests {
    static let sender = MailSender(address: MailAddress("foro@cabildo.test")!, name: "Foro Cabildo")

    static func message(to address: String = "ana@example.org", subject: String = "Asunto", text: String = "Hola") -> MailMessage {
        MailMessage(from: sender, to: MailAddress(address)!, subject: subject, text: text, date: Date(timeIntervalSince1970: 1_700_000_000),
                    unsubscribeURL: "https://foro.example.gt/unsubscribe/1.abc")
    }

    static func client(_ sink: SMTPSink, trusting: Bool = true, password: String? = nil) throws -> SMTPClient {
        var server = sink.server
        if let password { server.password = password }
        var timeouts = SMTPClient.Timeouts()
        timeouts.connect = .seconds(5)
        timeouts.reply = .seconds(5)
        return try SMTPClient(server: server, heloName: "foro.example.gt", trustedCertificates: trusting ? sink.certificate : nil,
                              timeouts: timeouts)
    }

    @Test func startTLSWithAuthenticationDeliversTheMessageAsWritten() async throws {
        try await withSMTPSink(security: .startTLS, auth: ("cabildo", "clave secreta")) { sink in
            // given a message whose text has a line starting with a dot, long lines and Spanish
            let text = ".empieza con punto\n" + String(repeating: "ñandú ", count: 40) + "\nfin con espacio \n\n.\nÚltima"
            let message = Self.message(subject: "Confirmación de su dirección en foro.example.gt", text: text)

            // when the client sends it over STARTTLS, authenticated
            try await Self.client(sink).send(message)

            // then the server has exactly that text, with every header the forum promises
            let mail = try #require(sink.messages().first)
            #expect(mail.envelopeTo == "ana@example.org")
            #expect(mail.header("From") == "\"Foro Cabildo\" <foro@cabildo.test>")
            #expect(mail.header("To") == "ana@example.org")
            #expect(mail.header("Date") == "Tue, 14 Nov 2023 22:13:20 +0000")
            #expect(mail.header("Message-ID")?.hasSuffix("@cabildo.test>") == true)
            #expect(mail.header("Content-Type") == "text/plain; charset=UTF-8")
            #expect(mail.header("Content-Transfer-Encoding") == "quoted-printable")
            #expect(mail.header("List-Unsubscribe") == "<https://foro.example.gt/unsubscribe/1.abc>")
            #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            #expect(mail.header("Auto-Submitted") == "auto-generated")
            #expect(mail.text == text + "\n", "quoted-printable and dot-stuffing undone, the text is intact")
            let subject = try #require(mail.header("Subject"))
            #expect(subject.hasPrefix("=?UTF-8?B?"), "a non-ASCII subject is sent as encoded words")
            #expect(Self.decodeWords(subject) == "Confirmación de su dirección en foro.example.gt")
            // and every line is 7-bit and short
            for line in mail.raw.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 998 && line.utf8.allSatisfy { $0 < 0x80 }, "\(line)")
            }
            let body = mail.raw.components(separatedBy: "\r\n\r\n").dropFirst().joined()
            #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        }
    }

    @Test func implicitTLSDelivers() async throws {
        try await withSMTPSink(security: .implicitTLS, auth: ("cabildo", "clave")) { sink in
            try await Self.client(sink).send(Self.message())
            #expect(sink.messages().count == 1)
        }
    }

    @Test func aCertificateNotTrustedOrAServerWithoutSTARTTLSGetsNothing() async throws {
        // given a server whose certificate the system does not trust
        try await withSMTPSink(security: .startTLS) { sink in
            // when the client checks it as it does in production
            let failure = await Self.failure { try await Self.client(sink, trusting: false).send(Self.message()) }
            // then nothing was sent, and trying later may help (someone may fix the certificate)
            #expect(failure?.kind == .transient)
            #expect(sink.messages().isEmpty)
        }
        // given a server that does not offer STARTTLS, while the URL requires it
        try await withSMTPSink { sink in
            var server = sink.server
            server.security = .startTLS
            let client = try SMTPClient(server: server, heloName: "foro.example.gt")
            let failure = await Self.failure { try await client.send(Self.message()) }
            // then the client does not go on in clear
            #expect(failure == SMTPFailure(.transient, "the server does not offer STARTTLS"))
            #expect(sink.messages().isEmpty)
        }
    }

    @Test func refusalsAreFinalAndTemporaryFailuresAreNot() async throws {
        try await withSMTPSink(auth: ("cabildo", "clave")) { sink in
            let client = try Self.client(sink)
            // 550 for this mailbox: final, and the summary quotes codes, never the server's words
            let rejected = await Self.failure { try await client.send(Self.message(to: "reject-me@example.org")) }
            #expect(rejected == SMTPFailure(.permanent, "RCPT refused: 550 5.1.1"))
            // 451: try later
            let later = await Self.failure { try await client.send(Self.message(to: "tempfail@example.org")) }
            #expect(later == SMTPFailure(.transient, "RCPT refused: 451 4.3.0"))
            // a wrong password is the operator's to fix: the mail waits for it
            let wrong = await Self.failure { try await Self.client(sink, password: "otra").send(Self.message()) }
            #expect(wrong?.kind == .transient)
            #expect(wrong?.summary.hasPrefix("AUTH refused: 535") == true, "\(String(describing: wrong))")
            #expect(sink.messages().isEmpty)
        }
        // nobody listening: try later
        let closed = try SMTPSink()
        let refused = await Self.failure { try await Self.client(closed, trusting: false).send(Self.message()) }
        #expect(refused?.kind == .transient)
        await closed.remove()
    }

    @Test func headersCannotBeInjected() {
        // given a subject and a sender's name carrying line breaks, as a member's text could
        let message = MailMessage(
            from: MailSender(address: MailAddress("foro@cabildo.test")!, name: "Foro\r\nBcc: victima@example.org"),
            to: MailAddress("ana@example.org")!, subject: "Hola\r\nBcc: victima@example.org\r\n\r\ncuerpo falso", text: "texto",
            date: Date(), unsubscribeURL: "https://foro.example.gt/unsubscribe/1.a\r\nBcc: x@example.org")
        // when it is written out
        let encoded = message.encoded()
        let headers = encoded.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        // then no line starts a header of its own, and the headers end where they should
        #expect(!headers.contains { $0.hasPrefix("Bcc") })
        #expect(headers.count == 11)
        #expect(headers.contains("Subject: Hola Bcc: victima@example.org cuerpo falso"), "the breaks became spaces, in the subject")
        #expect(headers.contains("From: \"Foro Bcc: victima@example.org\" <foro@cabildo.test>"))
        #expect(headers.contains("List-Unsubscribe: <https://foro.example.gt/unsubscribe/1.aBcc:x@example.org>"))
        #expect(encoded.components(separatedBy: "\r\n\r\n").count == 2)
        // and addresses that could carry a line break, a space or a second address are no addresses
        for bad in ["ana@example.org\r\nBcc: x@example.org", "ana@example.org\n", "ana @example.org", "ana@example.org, b@example.org",
                    "<ana@example.org>", "ana@localhost", "ñandú@example.org", "ana@exa_mple.org", "a..b@example.org", ".a@example.org"] {
            #expect(MailAddress(bad) == nil, "\(bad)")
        }
        #expect(MailAddress("ana.maría@example.org") == nil)
        #expect(MailAddress("Ana.Perez+foro@sub.example.org")?.key == "ana.perez+foro@sub.example.org")
    }

    @Test func quotedPrintableKeepsLinesShortAndSpacesSafe() {
        let encoded = QuotedPrintable.encode("fin con espacio \n" + String(repeating: "a", count: 200) + "\n.punto\nó=")
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0] == "fin con espacio=20")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.contains("=2Epunto"))
        #expect(lines.last == "=C3=B3=3D")
        #expect(ReceivedMail.quotedPrintableDecoded(encoded) == "fin con espacio \n" + String(repeating: "a", count: 200) + "\n.punto\nó=")
        #expect(SMTPClient.dotStuffed(".a\r\nb\r\n.c\r\n") == "..a\r\nb\r\n..c\r\n")
    }

    static func failure(_ send: () async throws -> Void) async -> SMTPFailure? {
        do {
            try await send()
            return nil
        } catch {
            return error as? SMTPFailure
        }
    }

    /// RFC 2047 `B` words back to text.
    static func decodeWords(_ header: String) -> String {
        let words = header.split(separator: " ").map { $0.dropFirst("=?UTF-8?B?".count).dropLast(2) }
        return String(decoding: words.flatMap { Data(base64Encoded: String($0)) ?? Data() }, as: UTF8.self)
    }
}
