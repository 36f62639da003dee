import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// The outbox and its one delivery worker against a real SMTP server that goes away and comes
/// back: nothing is lost, a restart resumes, a refusal or the last try gives up with a log line
/// and a metric. The worker's waits are cut to seconds (`mailConfig`).
@Suite struct MailDeliveryTests {
    @Test func aMailWaitsWhileTheServerIsDownAndArrivesWhenItComesBack() async throws {
        // given a mail server that is down
        let sink = try SMTPSink()
        let logs = LogCapture()
        try await withApp(config: mailConfig(sink), logs: logs) { host, _ in
            // when a member asks for a confirmation link
            let member = host.stranger()
            try await member.register("paciente")
            try await member.get("/settings/email")
            let asked = try await member.post("/settings/email", [("email", "paciente@example.org"), ("mail_notifications", "each")])
            #expect(asked.location == "/settings/email?sent=1", "the request does not wait for the mail server")

            // then the worker tries, fails and waits, more than once
            try await Self.waitFor { logs.lines.filter { $0.contains("mail not delivered, will try again") }.count >= 2 }
            #expect(logs.lines.contains { $0.contains("mail not delivered") && $0.contains("retry_in_s=2") })

            // when the server comes back
            try await sink.start()

            // then the mail arrives, whole, and its link works
            let mail = try #require(try await sink.waitForMessages(1, within: 10).first)
            #expect(mail.envelopeTo == "paciente@example.org")
            let link = try #require(mail.link(startingWith: "http://localhost/email/confirm/"))
            #expect(try await member.get(String(link.dropFirst("http://localhost".count))).status == .ok)
            try await Self.waitFor { logs.lines.contains { $0.contains("mail sent") } }
            #expect(!logs.lines.contains { $0.contains("given up") }, "\(logs.lines.filter { $0.contains("given up") })")
            #expect(!logs.lines.contains { $0.contains("paciente@example.org") }, "no log line holds the address")
        }
        await sink.remove()
    }

    @Test func aRestartResumesFromTheOutbox() async throws {
        let sink = try SMTPSink()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-mail-\(UUID().uuidString).sqlite").path
        defer { removeDatabase(at: path) }
        let logs = LogCapture()
        // given a reset mail written while the mail server was down, and the forum stopped
        try await withApp(config: mailConfig(sink), databasePath: path, logs: logs) { host, store in
            let member = host.stranger()
            try await member.register("reiniciada")
            let id = try #require(try await store.user(usernameKey: "reiniciada")).id
            try await store.requestEmailConfirmation(userId: id, address: "reiniciada@example.org", token: Tokens.random(), language: .en,
                                                     at: Date())
            try await Self.waitFor { logs.lines.contains { $0.contains("mail not delivered") } }
        }
        // when the forum starts again, the mail server up
        try await sink.start()
        try await withApp(config: mailConfig(sink), databasePath: path) { _, _ in
            // then the mail goes, with nobody asking again, in the language it was written in
            let mail = try #require(try await sink.waitForMessages(1, within: 10).first)
            #expect(mail.envelopeTo == "reiniciada@example.org")
            #expect(mail.text.contains("Hello reiniciada,"))
        }
        await sink.remove()
    }

    @Test func aRefusalOrTheLastTryGivesUpWithALogLineAndAMetric() async throws {
        try await withSMTPSink { sink in
            var config = mailConfig(sink)
            config.mailRetry.attempts = 2
            config.metricsAllowed = AddressRanges(parsing: ["127.0.0.1", "::1"])!
            let logs = LogCapture()
            try await withApp(config: config, framework: .live, logs: logs) { host, _ in
                // given two members whose addresses the server refuses: for good, and "later", always
                for (name, address) in [("rechazada", "reject@example.org"), ("aplazada", "tempfail@example.org")] {
                    let member = host.stranger()
                    try await member.register(name)
                    try await member.get("/settings/email")
                    try await member.post("/settings/email", [("email", address), ("mail_notifications", "each")])
                }

                // then both are given up: the refusal at once, the other after its two tries
                try await Self.waitFor { logs.lines.filter { $0.contains("mail given up") }.count == 2 }
                let givenUp = logs.lines.filter { $0.contains("mail given up") }
                #expect(givenUp.contains { $0.contains("refused=true") && $0.contains("RCPT refused: 550 5.1.1") && $0.contains("attempt=1") })
                #expect(givenUp.contains { $0.contains("refused=false") && $0.contains("RCPT refused: 451 4.3.0") && $0.contains("attempt=2") })
                #expect(!logs.lines.contains { $0.contains("@example.org") }, "\(logs.lines.filter { $0.contains("@example.org") })")
                let metrics = try await host.get("/metrics").html
                #expect(metrics.contains("cabildo_mails_total{kind=\"confirm\",outcome=\"failed\"} 2"))
                #expect(metrics.contains("cabildo_mails_total{kind=\"confirm\",outcome=\"retried\"} 1"))
                #expect(sink.messages().isEmpty)
            }
        }
    }

    @Test func aRequestThatWritesAMailWakesTheWorker() async throws {
        try await withSMTPSink { sink in
            // given a worker that would otherwise look at the outbox only every ten minutes
            var config = mailConfig(sink)
            config.mailRetry.idlePoll = 600
            let logs = LogCapture()
            try await withApp(config: config, logs: logs) { host, _ in
                let member = host.stranger()
                try await member.register("despierta")
                try await Task.sleep(for: .milliseconds(300))  // the worker has looked, found nothing, and sleeps
                // when a request writes a mail
                try await member.get("/settings/email")
                try await member.post("/settings/email", [("email", "despierta@example.org"), ("mail_notifications", "each")])
                // then it leaves at once: well before the worker's ten minutes, even on a loaded machine
                // (the whole suite runs in parallel on CI's two cores: 5 s was once too short)
                let mails = try? await sink.waitForMessages(1, within: 30)
                #expect(mails?.count == 1, "the worker said: \(logs.lines.filter { $0.contains("mail") })")
            }
        }
    }

    @Test func retriesWaitTwiceAsLongEachTimeUpToTheCap() {
        let policy = MailRetryPolicy()
        #expect((1...8).map { policy.delay(afterAttempt: $0) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        // twelve tries span more than six hours: an hour's outage loses nothing
        #expect((1..<policy.attempts).map { policy.delay(afterAttempt: $0) }.reduce(0, +) > 6 * 3600)
    }

    static func waitFor(within seconds: Double = 15, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw TestFailure("the condition did not hold within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
