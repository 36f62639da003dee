import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Notification mail read back from a real SMTP server: each notification still unread after
/// the delay, a busy thread as one mail per delay, nothing for what was read on the site, the
/// daily digest, and the unsubscribe link stopping it. The forum's clock is a `TestClock`, so
/// "ten minutes later" is a step of it; the worker looks at the outbox every real second.
@Suite struct NotificationMailTests {
    private static func config(_ sink: SMTPSink, _ clock: TestClock) -> AppConfig {
        var config = mailConfig(sink)
        config.clock = { clock.now }
        // A try that fails on a loaded machine (a timeout) is tried again at once: the outbox's
        // waits are counted on the test's clock, which only moves when a test moves it.
        config.mailRetry.base = 0
        config.mailRetry.cap = 0
        config.metricsAllowed = AddressRanges(parsing: ["127.0.0.1", "::1"])!
        return config
    }

    /// The subject as read: encoded words (RFC 2047) when it is not plain ASCII.
    private static func subject(_ mail: ReceivedMail) -> String {
        let header = mail.header("Subject") ?? ""
        return header.hasPrefix("=?UTF-8?") ? SMTPClientTests.decodeWords(header) : header
    }

    @Test func aReplyStillUnreadAfterTheDelayIsMailedWithItsTextAndLink() async throws {
        let clock = TestClock()
        try await withSMTPSink { sink in
            try await withApp(config: Self.config(sink, clock)) { ana, _ in
                // given ana, who gets each notification by mail, and her thread
                try await ana.register("ana")
                try await ana.confirmEmail("ana@example.org", sink: sink, choice: "each")
                let thread = try await ana.openThread(title: "Cobertura rural", body: "¿Quién paga el tendido?")

                // when beto replies, and ten minutes pass without ana coming back
                let beto = ana.stranger()
                try await beto.register("beto")
                let reply = try await beto.reply(thread: thread, body: "El fondo de **servicio universal**.\n\nY las cooperativas.")
                try await Task.sleep(for: .seconds(2))
                #expect(sink.messages().count == 1, "nothing before the delay")
                clock.advance(seconds: 601)

                // then one mail tells her, in her words, with the reply's text and its link
                let mail = try #require(try await sink.waitForMessages(2).last)
                #expect(mail.envelopeTo == "ana@example.org")
                #expect(Self.subject(mail) == "beto respondió en su hilo «Cobertura rural»")
                #expect(mail.text.contains("> El fondo de **servicio universal**.\n>\n> Y las cooperativas."), "\(mail.text)")
                #expect(mail.text.contains("Léalo en el foro: http://localhost/t/\(thread)#p\(reply)"))
                #expect(mail.header("List-Unsubscribe")?.hasPrefix("<http://localhost/unsubscribe/") == true)
                #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                #expect(mail.header("Message-ID") != nil && mail.header("Date") != nil)
            }
        }
    }

    @Test func aBatchIsMailedOnceUntilReadAndWhatWasReadIsNotMailed() async throws {
        let clock = TestClock()
        try await withSMTPSink { sink in
            let logs = LogCapture()
            try await withApp(config: Self.config(sink, clock), framework: .live, logs: logs) { ana, _ in
                try await ana.register("ana")
                try await ana.confirmEmail("ana@example.org", sink: sink, choice: "each")
                let thread = try await ana.openThread(title: "Redes comunitarias", body: "Experiencias")
                let beto = ana.stranger()
                try await beto.register("beto")

                // when beto writes three times within the delay
                for body in ["Una", "Dos", "Tres"] { _ = try await beto.reply(thread: thread, body: body) }
                clock.advance(seconds: 601)

                // then one mail counts them
                let mail = try #require(try await sink.waitForMessages(2).last)
                #expect(Self.subject(mail) == "3 respuestas nuevas en su hilo «Redes comunitarias»")

                // when beto writes again, the batch still unread: no second mail, it waits to be read
                _ = try await beto.reply(thread: thread, body: "Cuatro")
                clock.advance(seconds: 601)
                try await Task.sleep(for: .seconds(2))
                #expect(sink.messages().count == 2)

                // when ana reads the thread, beto writes again, and she reads it again before the delay is over
                try await ana.get("/t/\(thread)")
                _ = try await beto.reply(thread: thread, body: "Cinco")
                try await ana.get("/t/\(thread)")
                clock.advance(seconds: 601)

                // then that one is not mailed: the worker finds it read and skips it
                try await MailDeliveryTests.waitFor { logs.lines.contains { $0.contains("mail not sent") && $0.contains("kind=notification") } }
                #expect(sink.messages().count == 2)
                let metrics = try await ana.get("/metrics").html
                #expect(metrics.contains("cabildo_mails_total{kind=\"notification\",outcome=\"sent\"} 1"))
                #expect(metrics.contains("cabildo_mails_total{kind=\"notification\",outcome=\"skipped\"} 1"))
            }
        }
    }

    @Test func aDailyDigestListsWhatIsStillUnreadAtSevenInTheMorning() async throws {
        let clock = TestClock()
        try await withSMTPSink { sink in
            try await withApp(config: Self.config(sink, clock)) { ana, _ in
                // given ana, who chose a daily digest, her thread and a board she watches
                try await ana.register("ana")
                try await ana.confirmEmail("ana@example.org", sink: sink, choice: "daily")
                try await ana.get("/b/banda-ancha")
                #expect(try await ana.post("/b/banda-ancha/watch", [("level", "watching")]).status == .seeOther)
                let thread = try await ana.openThread(title: "Espectro", body: "¿Subasta o concurso?")

                // when beto replies, mentions her and opens a thread in that board
                let beto = ana.stranger()
                try await beto.register("beto")
                _ = try await beto.reply(thread: thread, body: "Concurso, con obligaciones de cobertura.")
                let other = try await beto.openThread(title: "Satélites", body: "Pregunto a @ana qué opina.")

                // then nothing leaves by the hour, however many there are
                clock.advance(seconds: 3600)
                try await Task.sleep(for: .seconds(2))
                #expect(sink.messages().count == 1, "only the confirmation")

                // when the next 07:00 in Guatemala comes
                let due = NotificationMailSchedule(delay: 600, timeZone: testConfig().timeZone).digestDue(after: clock.now)
                clock.advance(seconds: due.timeIntervalSince(clock.now) + 1)

                // then one digest lists both, each with its first words and link
                let digest = try #require(try await sink.waitForMessages(2).last)
                #expect(Self.subject(digest) == "2 avisos sin leer en localhost")
                #expect(digest.text.contains("Hola, ana:"))
                #expect(digest.text.contains("• beto respondió en su hilo «Espectro»\n  «Concurso, con obligaciones de cobertura.»"))
                #expect(digest.text.contains("• beto mencionó su nombre en «Satélites»"), "the mention outranks the new thread")
                #expect(digest.text.contains("http://localhost/t/\(other)#p"))
                #expect(digest.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            }
        }
    }

    @Test func afterTheUnsubscribeLinkNoNotificationIsMailed() async throws {
        let clock = TestClock()
        try await withSMTPSink { sink in
            try await withApp(config: Self.config(sink, clock)) { ana, _ in
                try await ana.register("ana")
                let confirmation = try await ana.confirmEmail("ana@example.org", sink: sink, choice: "each")
                let thread = try await ana.openThread(title: "Neutralidad", body: "¿Zero rating?")
                let beto = ana.stranger()
                try await beto.register("beto")
                _ = try await beto.reply(thread: thread, body: "Primera")

                // when ana's mail program unsubscribes her, from the link of the mail she has
                let header = try #require(confirmation.header("List-Unsubscribe"))
                let link = String(header.dropFirst("<http://localhost".count).dropLast())
                #expect(try await ana.stranger().post(link, [("List-Unsubscribe", "One-Click")]).status == .ok)

                // then neither the reply already waiting nor a new one is mailed
                _ = try await beto.reply(thread: thread, body: "Segunda")
                clock.advance(seconds: 601)
                try await Task.sleep(for: .seconds(3))
                #expect(sink.messages().count == 1)
                // and /notifications still lists them
                #expect(try await ana.unread() == 1)
            }
        }
    }

    /// The note's week of a busy thread, by mail: five posts a day for seven days in a thread
    /// vigía watches, one of them answering her; she reads the thread each evening. resumen,
    /// who also watches it, chose the daily digest and never comes.
    @Test func aWeekOfABusyThreadIsTwoMailsADayOrOneDigest() async throws {
        let clock = TestClock()
        try await withSMTPSink { sink in
            // noon in Guatemala, so each day's posts fall between two digests whenever the test runs
            let noon = NotificationMailSchedule(delay: 0, timeZone: testConfig().timeZone, digestHour: 12).digestDue(after: clock.now)
            clock.advance(seconds: noon.timeIntervalSince(clock.now))
            try await withApp(config: Self.config(sink, clock)) { host, _ in
                try await host.register("autora")
                let thread = try await host.openThread(title: "Neutralidad y datos móviles", body: "¿Zero rating sí o no?")
                let vigia = host.stranger()
                try await vigia.register("vigia")
                try await vigia.confirmEmail("vigia@example.org", sink: sink, choice: "each")
                let own = try await vigia.reply(thread: thread, body: "Depende de quién lo pague")
                let resumen = host.stranger()
                try await resumen.register("resumen")
                try await resumen.confirmEmail("resumen@example.org", sink: sink, choice: "daily")
                _ = try await resumen.reply(thread: thread, body: "Sigo el tema")
                var people: [Browser] = []
                for index in 1...5 {
                    let person = host.stranger()
                    try await person.register("persona0\(index)")
                    people.append(person)
                }

                var sent = 2
                for day in 1...7 {
                    for (index, person) in people.enumerated() {
                        _ = try await person.reply(thread: thread, parent: index == 4 ? own : nil, body: "Día \(day), mensaje \(index + 1)")
                        clock.advance(seconds: 3600)
                    }
                    // in the evening: vigía's mail for the day's posts and the one for the answer; from day 2, resumen's digest of the night
                    sent += day == 1 ? 2 : 3
                    let mails = try await sink.waitForMessages(sent)
                    #expect(mails.count == sent, "day \(day)")
                    try await vigia.get("/t/\(thread)")
                    clock.advance(seconds: 19 * 3600)
                }
                let mails = try await sink.waitForMessages(sent + 1)
                let toVigia = mails.filter { $0.envelopeTo == "vigia@example.org" }.dropFirst().map(Self.subject)
                let toResumen = mails.filter { $0.envelopeTo == "resumen@example.org" }.dropFirst().map(Self.subject)
                print("vigia (each), \(toVigia.count) mails in a week:", toVigia)
                print("resumen (daily), \(toResumen.count) mails in a week:", toResumen)
                #expect(toVigia.count == 14)
                #expect(toVigia.filter { $0 == "persona05 respondió a su mensaje en «Neutralidad y datos móviles»" }.count == 7)
                #expect(toResumen == Array(repeating: "1 aviso sin leer en localhost", count: 7))
            }
        }
    }
}
