import CabildoCore
import CabildoMail
import CabildoStore
import Foundation
import Logging
import ServiceLifecycle

/// The one sender of the forum's mail: a service of the application that takes the outbox's due
/// mails one at a time, writes each (`MailComposer`), hands it to the SMTP server and marks it.
/// A failure that may pass (the server is down, or said 4xx) puts the mail back in line with an
/// exponentially longer wait (`MailRetryPolicy`); a refusal (5xx) or the last try gives it up,
/// with a log line and a metric. No request waits for it: they write the outbox and poke it.
/// A restart resumes from the outbox; shutdown lets the mail in flight finish.
struct MailDeliveryWorker: Service, CustomStringConvertible {
    let store: any ForumStore
    let client: SMTPClient
    let composer: MailComposer
    let retry: MailRetryPolicy
    let wakeup: MailWakeup
    let metrics: ForumMetrics
    let clock: @Sendable () -> Date
    let logger: Logger

    /// What ServiceLifecycle logs at start: the server, never the password (nor the catalogs).
    var description: String { "MailDeliveryWorker(\(client.server))" }

    func run() async throws {
        logger.info("mail delivery started", metadata: ["server": "\(client.server)"])
        while !Task.isShuttingDownGracefully {
            var wait = retry.idlePoll
            do {
                if let mail = try await store.claimMail(at: clock(), lease: retry.lease) {
                    await deliver(mail)
                    continue
                }
                if let due = try await store.nextMailDue() {
                    wait = min(wait, max(0.2, due.timeIntervalSince(clock())))
                }
            } catch {
                // A busy or full disk now: the outbox keeps every mail, and the next look tries again.
                logger.warning("could not read the mail outbox", metadata: ["error": "\(error)"])
            }
            let seconds = wait
            _ = await cancelWhenGracefulShutdown { await wakeup.wait(upTo: seconds) }
        }
    }

    private func deliver(_ mail: OutboxMail) async {
        // Never the address, never the link: the mail's number, kind and member are enough to follow it.
        let metadata: Logger.Metadata = ["mail": "\(mail.id)", "kind": "\(mail.kind.rawValue)", "user": "\(mail.userId)",
                                         "attempt": "\(mail.attempts)"]
        do {
            guard let message = try await composer.compose(mail) else {
                try await store.finishMail(id: mail.id, outcome: .skipped, error: nil, at: clock())
                metrics.mail(kind: mail.kind.rawValue, outcome: "skipped")
                logger.info("mail not sent: its link no longer works, its notifications were read, or the account closed", metadata: metadata)
                return
            }
            do {
                try await client.send(message)
            } catch {
                try await failed(mail, error as? SMTPFailure ?? SMTPFailure(.transient, "\(error)"), metadata)
                return
            }
            try await store.finishMail(id: mail.id, outcome: .sent, error: nil, at: clock())
            metrics.mail(kind: mail.kind.rawValue, outcome: "sent")
            logger.info("mail sent", metadata: metadata)
        } catch {
            // The outbox could not be written: the claim runs out and the mail is taken again.
            logger.error("could not record a mail's delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    private func failed(_ mail: OutboxMail, _ failure: SMTPFailure, _ metadata: Logger.Metadata) async throws {
        var metadata = metadata
        metadata["error"] = "\(failure.summary)"
        if failure.kind == .permanent || mail.attempts >= retry.attempts {
            try await store.finishMail(id: mail.id, outcome: .failed, error: failure.summary, at: clock())
            metrics.mail(kind: mail.kind.rawValue, outcome: "failed")
            metadata["refused"] = "\(failure.kind == .permanent)"
            logger.error("mail given up", metadata: metadata)
        } else {
            let delay = retry.delay(afterAttempt: mail.attempts)
            try await store.retryMail(id: mail.id, due: clock().addingTimeInterval(delay), error: failure.summary)
            metrics.mail(kind: mail.kind.rawValue, outcome: "retried")
            metadata["retry_in_s"] = "\(Int(delay))"
            logger.warning("mail not delivered, will try again", metadata: metadata)
        }
    }
}

extension MailDeliveryWorker {
    /// The worker for `config.mail`; nil when e-mail is off.
    init?(config: AppConfig, store: any ForumStore, metrics: ForumMetrics, wakeup: MailWakeup, logger: Logger) async throws {
        guard let mail = config.mail, let baseURL = config.baseURL else { return nil }
        let composer = MailComposer(store: store, catalogs: try Catalogs.load(directory: config.templatesDirectory, timeZone: config.timeZone), sender: mail.sender,
                                    baseURL: baseURL, unsubscribe: UnsubscribeLinks(key: try await store.serverKey()), clock: config.clock)
        let client = try SMTPClient(server: mail.server, heloName: composer.forumName, trustedCertificates: mail.trustedCertificates,
                                    timeouts: mail.timeouts)
        self.init(store: store, client: client, composer: composer, retry: config.mailRetry, wakeup: wakeup, metrics: metrics,
                  clock: config.clock, logger: logger)
    }
}
