import CabildoCore
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
        self.init(layout: renderer.layout(visitor, title: t["home_heading"]), boards: boards.map { BoardRow($0, visitor.language, t) })
    }
}

struct BoardRow: MustacheParent, Sendable {
    let path: String
    let title: String
    let threads: String
    let posts: String
    let lastActivity: String
    let archived: Bool

    init(_ board: Board, _ language: Language, _ t: Messages) {
        path = SiteURL.board(board.slug)
        title = board.title(in: language)
        threads = t.format("count_threads", ["n": "\(board.threadCount)"])
        posts = t.format("count_posts", ["n": "\(board.postCount)"])
        lastActivity = board.lastPostAt.map { DateText.guatemala.display($0, language) } ?? ""
        archived = board.archived
    }

    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "title": title
        case "threads": threads
        case "posts": posts
        case "lastActivity": lastActivity.isEmpty ? false : lastActivity
        case "archived": archived
        default: nil
        }
    }
}
