import CabildoCore
import CabildoStore
import Foundation

/// The words of notification mail: one notification with its post's text, or the day's digest.
/// Each notification says what `/notifications` says of it (`NotificationView`), with absolute links.
extension MailComposer {
    /// Characters of a post's own text (its Markdown, as its author typed it) in a notification mail.
    static let postTextLength = 2000
    /// Notifications listed in one digest; the rest are counted, with a link to the list.
    static let digestLength = 20

    /// Subject and text for a notification or digest mail; nil when nothing is left to tell: the
    /// notifications were read or removed, or the member chose other mail since.
    func notificationMail(_ mail: OutboxMail) async throws -> (subject: String, text: String)? {
        let digest = mail.kind == .digest
        let found = try await store.notificationsToMail(mailId: mail.id, userId: mail.userId, kind: mail.kind,
                                                        limit: digest ? Self.digestLength : 1)
        guard found.choice == (digest ? .daily : .each), let first = found.items.first else { return nil }
        let t = catalogs[mail.language]
        if !digest {
            let view = NotificationView(first, language: mail.language, t: t)
            var text = [view.text, view.reason].compactMap { $0 }.joined(separator: "\n")
            if first.kind.isAboutConversation, let post = first.post {
                text += "\n\n" + Self.quoted(post.bodyMarkdown)
            }
            text += "\n\n" + t.format("mail_notification_link", ["link": link(view.path)])
            return (view.text, text)
        }
        let total = found.items.count + found.more
        var text = t.format("mail_digest_intro", ["username": mail.username, "forum": forumName])
        for notification in found.items {
            let view = NotificationView(notification, language: mail.language, t: t)
            text += "\n\n• " + view.text
            if let reason = view.reason { text += "\n  " + reason }
            if let excerpt = view.excerpt { text += "\n  «" + excerpt + "»" }
            text += "\n  " + link(view.path)
        }
        if found.more > 0 {
            text += "\n\n" + t.format(found.more == 1 ? "mail_digest_more_one" : "mail_digest_more",
                                      ["n": "\(found.more)", "link": link(SiteURL.notifications.path)])
        }
        return (t.format(total == 1 ? "mail_digest_subject_one" : "mail_digest_subject", ["n": "\(total)", "forum": forumName]), text)
    }

    /// The post's text, cut at a line or word where it is long, each line marked as quoted.
    static func quoted(_ markdown: String) -> String {
        var text = markdown.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > postTextLength {
            let cut = text.prefix(postTextLength)
            text = String(cut[..<(cut.lastIndex(where: \.isWhitespace) ?? cut.endIndex)]) + " […]"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
    }
}
