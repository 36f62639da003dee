import CabildoCore
import Foundation
import Mustache

/// How a thread or board page travels when its link is shared: Open Graph and Twitter-card tags
/// in the page's head (`share_meta.mustache`), read by the sites and messengers that preview a
/// link, and plain share links (`share_links.mustache`) that need no JavaScript and load nothing
/// from those sites. Every link needs the page's absolute address, which only `CABILDO_BASE_URL`
/// gives: without it `og:url` is left out and so are the share links.
struct Sharing: MustacheParent, Sendable {
    let title: String
    let description: String
    /// `article` for a thread, `website` for a board.
    let type: String
    let locale: String
    /// The page's absolute address; nil without `CABILDO_BASE_URL`.
    let url: String?
    let links: [ShareLink]

    /// What a preview shows of the opening post: about a tweet's length.
    static let descriptionLength = 200

    init(title: String, description: String, type: String, path: String, origin: String?, language: Language, t: Messages) {
        self.title = title
        self.description = description
        self.type = type
        locale = language == .en ? "en_US" : "es_GT"
        let url = origin.map { $0 + path }
        self.url = url
        links = url.map { Self.links(title: title, url: $0, t: t) } ?? []
    }

    /// Each query value encoded down to RFC 3986's unreserved characters: spaces as %20 (`mailto:`
    /// wants that, RFC 6068), and `&`, `=`, `#`, `+` never read as part of the link itself.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func links(title: String, url: String, t: Messages) -> [ShareLink] {
        let (title, url) = (encoded(title), encoded(url))
        return [
            ShareLink(label: "WhatsApp", href: "https://wa.me/?text=" + title + "%20" + url, newTab: true),
            ShareLink(label: "Facebook", href: "https://www.facebook.com/sharer/sharer.php?u=" + url, newTab: true),
            ShareLink(label: "X", href: "https://x.com/intent/post?url=" + url + "&text=" + title, newTab: true),
            // The member's own mail program opens: there is no tab to open.
            ShareLink(label: t["share_email"], href: "mailto:?subject=" + title + "&body=" + url, newTab: false),
        ]
    }

    func child(named name: String) -> Any? {
        switch name {
        case "ogTitle": title
        case "ogDescription": description
        case "ogType": type
        case "ogLocale": locale
        case "ogURL": url ?? false
        case "shareLinks": links
        case "canShare": !links.isEmpty
        default: nil
        }
    }
}

struct ShareLink: MustacheParent, Sendable {
    let label: String
    let href: String
    let newTab: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "href": href
        case "newTab": newTab
        default: nil
        }
    }
}

extension Sharing {
    /// A thread: its title, and its opening post's first words when the post is there for everyone
    /// (not held, hidden or deleted); the board's sentence otherwise.
    init(thread: ForumThread, opening: Post?, board: Board, renderer: Renderer, language: Language) {
        let t = renderer.catalogs[language]
        let visible = opening.flatMap { $0.held || $0.hiddenAt != nil || $0.deletedAt != nil ? nil : $0 }
        let words = visible.map { ReadableText.excerpt(html: $0.bodyHTML, limit: Self.descriptionLength) } ?? ""
        self.init(title: thread.title,
                  description: words.isEmpty ? t.format("share_board_description", ["board": board.title(in: language)]) : words,
                  type: "article", path: SiteURL.thread(thread.id), origin: renderer.origin, language: language, t: t)
    }

    init(board: Board, renderer: Renderer, language: Language) {
        let t = renderer.catalogs[language]
        let title = board.title(in: language)
        self.init(title: title, description: t.format("share_board_description", ["board": title]), type: "website",
                  path: SiteURL.board(board.slug), origin: renderer.origin, language: language, t: t)
    }
}
