import CabildoCore
import Foundation
import Mustache

struct HomePage: Page {
    static let template = "home"
    let layout: Layout
    let boards: [BoardRow]

    func value(_ name: String) -> Any? {
        name == "boards" ? boards : nil
    }
}

extension HomePage {
    init(boards: [Board], visitor: Visitor, renderer: Renderer) {
        let t = renderer.catalogs[visitor.language]
        self.init(layout: renderer.layout(visitor, title: t["home_heading"]),
                  boards: boards.map { BoardRow($0, visitor.language, t, at: visitor.now) })
    }
}

struct BoardRow: MustacheParent, Sendable {
    let path: String
    let title: String
    let threads: String
    let posts: String
    let lastActivity: String
    let archived: Bool
    /// "abierto hasta el …", "abre el …", "cerrado el …"; nil for a board without dates.
    let phase: String?

    init(_ board: Board, _ language: Language, _ t: Messages, at now: Date) {
        path = SiteURL.board(board.slug)
        title = board.title(in: language)
        threads = t.count(board.threadCount, "count_threads")
        posts = t.count(board.postCount, "count_posts")
        lastActivity = board.lastPostAt.map { t.date($0) } ?? ""
        archived = board.archived
        phase = phaseLabel(board, at: now, t: t)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "title": title
        case "threads": threads
        case "posts": posts
        case "lastActivity": lastActivity.isEmpty ? false : lastActivity
        case "archived": archived
        case "phase": phase ?? false
        default: nil
        }
    }
}
