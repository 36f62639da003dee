import CabildoCore
import CabildoMail
import CabildoStore
import Foundation

/// Writes each outbox mail when it is sent, in the language it was queued in: one case per
/// `MailKind`. A mail whose link no longer works (used, replaced, run out), whose notifications
/// were read, or whose account closed is not sent at all. Every mail ends with the unsubscribe link its headers also carry.
struct MailComposer: Sendable {
    let store: any ForumStore
    let catalogs: Catalogs
    let sender: MailSender
    /// `CABILDO_BASE_URL` without a trailing slash: links in mails are absolute.
    let baseURL: String
    let unsubscribe: UnsubscribeLinks
    let clock: @Sendable () -> Date

    init(store: any ForumStore, catalogs: Catalogs, sender: MailSender, baseURL: String, unsubscribe: UnsubscribeLinks,
         clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.catalogs = catalogs
        self.sender = sender
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.unsubscribe = unsubscribe
        self.clock = clock
    }

    /// The forum's name in mails: its host, as people see it in their address bar.
    var forumName: String { URL(string: baseURL)?.host ?? baseURL }

    /// The message for `mail`; nil when there is nothing to send any more.
    func compose(_ mail: OutboxMail) async throws -> MailMessage? {
        guard mail.accountOpen, let recipient = MailAddress(mail.recipient) else { return nil }
        let t = catalogs[mail.language]
        let subject: String, text: String
        switch mail.kind {
        case .confirmEmail:
            guard try await linkWorks(mail) else { return nil }
            subject = t.format("mail_confirm_subject", ["forum": forumName])
            text = t.format("mail_confirm_body", ["username": mail.username, "forum": forumName,
                                                  "link": link(SiteURL.confirmEmail(mail.payload))])
        case .passwordReset:
            guard try await linkWorks(mail) else { return nil }
            subject = t.format("mail_reset_subject", ["forum": forumName])
            text = t.format("mail_reset_body", ["username": mail.username, "forum": forumName,
                                                "link": link(SiteURL.passwordReset(mail.payload))])
        case .notification, .digest:
            guard let written = try await notificationMail(mail) else { return nil }
            (subject, text) = written
        }
        let unsubscribeURL = link(SiteURL.unsubscribe(unsubscribe.token(userId: mail.userId)))
        let footer = t.format("mail_footer", ["forum": forumName, "unsubscribe": unsubscribeURL,
                                              "settings": link(SiteURL.settingsEmail.path)])
        return MailMessage(from: sender, to: recipient, subject: subject, text: text + "\n\n-- \n" + footer, date: clock(),
                           unsubscribeURL: unsubscribeURL)
    }

    private func linkWorks(_ mail: OutboxMail) async throws -> Bool {
        try await store.mailLinkWorks(tokenHash: Tokens.sha256(mail.payload), kind: mail.kind, at: clock())
    }

    func link(_ path: String) -> String { baseURL + path }
}
