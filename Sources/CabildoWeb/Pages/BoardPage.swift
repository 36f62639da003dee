import CabildoCore
import Mustache

struct BoardPage: Page {
    static let template = "board"
    let layout: Layout
    let title: String
    let slug: String
    let archived: Bool
    let threads: [ThreadRow]
    let nextPage: String?
    let isLaterPage: Bool

    func value(_ name: String) -> Any? {
        switch name {
        case "boardTitle": title
        case "archived": archived
        case "threads": threads
        case "empty": threads.isEmpty
        case "nextPage": nextPage ?? false
        case "firstPage": isLaterPage ? Paths.board(slug) : false
        case "newThreadPath": Paths.newThread(slug)
        case "feedPath": Paths.feed(slug)
        default: nil
        }
    }
}

struct ThreadRow: MustacheParent, Sendable {
    let path: String
    let title: String
    let author: String
    let authorPath: String
    let replies: String
    let lastActivity: String
    let pinned: Bool
    let locked: Bool
    /// "3 apoyos" for a proposal, false otherwise.
    let endorsements: String?

    init(_ thread: ThreadSummary, _ language: Language, _ t: Messages) {
        path = Paths.thread(thread.id)
        title = thread.title
        author = thread.authorName
        authorPath = Paths.user(thread.authorName)
        replies = t.count(thread.replyCount, "count_replies")
        lastActivity = DateText.guatemala.display(thread.lastPostAt, language)
        pinned = thread.pinned
        locked = thread.locked
        endorsements = thread.isProposal
            ? t.count(thread.endorsementCount, "count_endorsements")
            : nil
    }

    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "title": title
        case "endorsements": endorsements ?? false
        case "author": author
        case "authorPath": authorPath
        case "replies": replies
        case "lastActivity": lastActivity
        case "pinned": pinned
        case "locked": locked
        default: nil
        }
    }
}

struct NewThreadPage: Page {
    static let template = "thread_new"
    let layout: Layout
    let boardTitle: String
    let boardPath: String
    let action: String
    let titleValue: String
    let bodyValue: String
    let proposalChecked: Bool
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "proposalChecked": proposalChecked
        case "boardTitle": boardTitle
        case "boardPath": boardPath
        case "action": action
        case "titleValue": titleValue
        case "bodyValue": bodyValue
        case "errors": errors
        default: nil
        }
    }
}
