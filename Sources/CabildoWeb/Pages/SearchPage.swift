import CabildoCore
import Foundation
import Mustache

struct SearchPage: Page {
    static let template = "search"
    let layout: Layout
    let query: String
    let searched: Bool
    /// Why the search gave no answer, in the visitor's language (nil when it did).
    let problem: String?
    /// Each hit rendered by `search_hit.mustache` (`SearchController.row`).
    let hits: [String]
    let previousPage: String?
    let nextPage: String?

    func value(_ name: String) -> Any? {
        switch name {
        case "hasPages": previousPage != nil || nextPage != nil
        case "previousPage": previousPage ?? false
        case "nextPage": nextPage ?? false
        case "query": query
        case "searched": searched
        case "problem": problem ?? false
        case "hits": hits.joined()
        case "noHits": searched && problem == nil && hits.isEmpty
        default: nil
        }
    }
}

/// What one hit's markup depends on: the same hit in the same language always gives the same.
struct SearchHitRow: Hashable, Sendable {
    let postId: Int64
    let threadId: Int64
    let threadTitle: String
    let authorName: String?
    let snippet: String
    let createdAt: Date
    let language: Language

    init(_ hit: SearchHit, _ language: Language) {
        (postId, threadId, threadTitle, authorName, snippet, createdAt) = (hit.postId, hit.threadId, hit.threadTitle, hit.authorName,
                                                                           hit.snippet, hit.createdAt)
        self.language = language
    }
}

struct SearchHitView: MustacheParent, Sendable {
    let threadTitle: String
    let path: String
    let author: String
    let date: String
    /// The snippet as pieces, matched or not, so the template escapes every one and marks the matches.
    let segments: [Segment]

    struct Segment: MustacheParent, Sendable {
        let text: String
        let match: Bool
        func child(named name: String) -> Any? { name == "text" ? text : (name == "match" ? match : nil) }
    }

    init(_ hit: SearchHit, _ language: Language, t: Messages) {
        threadTitle = hit.threadTitle
        path = SiteURL.post(hit.threadId, hit.postId)
        author = MemberName(hit.authorName, t).text
        date = t.date(hit.createdAt)
        var segments: [Segment] = []
        var current = ""
        for character in hit.snippet {
            if character == SearchHit.matchStart || character == SearchHit.matchEnd {
                if !current.isEmpty { segments.append(Segment(text: current, match: character == SearchHit.matchEnd)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { segments.append(Segment(text: current, match: false)) }
        self.segments = segments
    }

    func child(named name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "path": path
        case "author": author
        case "date": date
        case "segments": segments
        default: nil
        }
    }
}
