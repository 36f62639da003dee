import CabildoCore
import Mustache

/// `/notifications`: the member's notifications, newest first, the unread ones marked.
struct NotificationsPage: Page {
    static let template = "notifications"
    let layout: Layout
    let items: [NotificationView]
    /// Whether any notification is unread (the "mark all read" button).
    let anyUnread: Bool
    let nextPage: String?
    let isLaterPage: Bool

    func value(_ name: String) -> Any? {
        switch name {
        case "items": items
        case "empty": items.isEmpty
        case "anyUnread": anyUnread
        case "markReadAction": SiteURL.notificationsRead.path
        case "nextPage": nextPage ?? false
        case "firstPage": isLaterPage ? SiteURL.notifications.path : false
        default: nil
        }
    }
}

/// One notification in words: what happened, to what (linked), when, why, and the first words
/// of the post it is about.
struct NotificationView: MustacheParent, Sendable {
    let text: String
    let path: String
    let date: String
    let dateISO: String
    let unread: Bool
    let reason: String?
    let excerpt: String?

    /// Characters of a post's text shown under its notification.
    static let excerptLength = 140

    init(_ notification: ForumNotification, language: Language, t: Messages) {
        let kind = notification.kind
        let actor: String = switch notification.actor {
        case .member(let name): name
        case .closedAccount: t["account_deleted"]
        case .forum, nil: ""
        }
        let board = (language == .en ? notification.boardTitleEN : notification.boardTitleES) ?? ""
        let key: String = switch kind {
        case .endorsements: notification.count == 1 ? "notification_endorsements_one" : "notification_endorsements"
        case .watchedPost, .threadReply: "notification_" + kind.rawValue + (notification.count > 1 ? "_many" : "")
        case .postHidden where notification.actor == nil: "notification_post_hidden_flags"
        default: "notification_" + kind.rawValue
        }
        text = t.format(key, ["actor": actor, "title": notification.threadTitle, "board": board, "n": "\(notification.count)"])
        path = notification.post.map { SiteURL.post($0.threadId, $0.id) } ?? SiteURL.thread(notification.threadId)
        date = t.date(notification.createdAt)
        dateISO = DateText.iso8601(notification.createdAt)
        unread = notification.isUnread
        reason = notification.reason.map { reason in
            // The forum hid it by itself: its reason is the number of flags, said in the reader's language.
            let shown = reason.hasPrefix("flags: ") ? t.format("log_reason_flags", ["n": String(reason.dropFirst(7))]) : reason
            return t.format("notification_reason", ["reason": shown])
        }
        excerpt = kind.isAboutConversation ? notification.post.map { Self.excerpt(of: $0.bodyHTML) } : nil
    }

    /// The post's first words as a reader sees them, on one line.
    static func excerpt(of html: String) -> String {
        let words = ReadableText.of(html: html).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > excerptLength ? String(words.prefix(excerptLength - 1)) + "…" : words
    }

    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "path": path
        case "date": date
        case "dateISO": dateISO
        case "unread": unread
        case "reason": reason ?? false
        case "excerpt": excerpt ?? false
        default: nil
        }
    }
}
