import Foundation
@testable import CabildoWeb

/// Reading notifications the way a member does: the header's count, and `/notifications`.
extension Browser.Page {
    /// The count in the header's "Avisos" link; 0 when it shows none.
    var unreadCount: Int {
        guard let link = html.range(of: "<a href=\"/notifications\" class=\"unread\">") else { return 0 }
        let rest = html[link.upperBound...]
        guard let open = rest.range(of: "<strong>"), let close = rest.range(of: "</strong>") else { return 0 }
        return Int(rest[open.upperBound..<close.lowerBound].replacingOccurrences(of: "+", with: "")) ?? 0
    }

    /// The notifications a `/notifications` page lists, in order.
    var notifications: [ListedNotification] {
        guard let start = html.range(of: "<ol class=\"notifications\">"), let end = html.range(of: "</ol>", range: start.upperBound..<html.endIndex) else {
            return []
        }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li").dropFirst().compactMap { item in
            guard let href = item.range(of: "<a href=\""), let quote = item[href.upperBound...].firstIndex(of: "\""),
                  let close = item[quote...].range(of: "</a>") else { return nil }
            let text = item[item.index(quote, offsetBy: 2)..<close.lowerBound]
            return ListedNotification(unread: item.hasPrefix(" class=\"unread\""), path: String(item[href.upperBound..<quote]),
                                      text: HTMLText.unescape(String(text)), details: HTMLText.unescape(String(item[close.upperBound...])))
        }
    }
}

struct ListedNotification: Equatable {
    let unread: Bool
    let path: String
    /// What happened, as the link says it.
    let text: String
    /// The rest of the item: reason, excerpt, date.
    let details: String
}

enum HTMLText {
    static func unescape(_ html: String) -> String {
        html.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension Browser {
    /// The header's count, on the home page.
    func unread() async throws -> Int { try await get("/").unreadCount }

    /// The first page of `/notifications`.
    func notifications() async throws -> [ListedNotification] { try await get("/notifications").notifications }

    /// Presses one of a thread's or a board's watch buttons.
    @discardableResult
    func watch(_ path: String, _ level: String) async throws -> Page {
        try await get(path)
        return try await post(path + "/watch", [("level", level)])
    }
}
