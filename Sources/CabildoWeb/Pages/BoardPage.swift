import Foundation
import CabildoCore
import CabildoStore
import Mustache

struct BoardPage: Page {
    static let template = "board"
    let layout: Layout
    let title: String
    let slug: String
    let archived: Bool
    /// New threads are accepted (`Permissions.boardTakesPosts`).
    let takesPosts: Bool
    /// Its phase in a sentence: when it opens, until when it is open, or when it closed.
    let phaseText: String?
    /// Set once it closed: where its conclusions are, linked from the phase's sentence.
    let phaseConclusionsPath: String?
    let panel: PanelView?
    /// The thread list's rows (`Renderer.threadRow`), each rendered by `board_row.mustache`.
    let threadRows: [String]
    let nextPage: String?
    let isLaterPage: Bool
    /// For signed-in members: where the watch buttons post, and their markup (`Renderer.watchControls`).
    let watchAction: String?
    let watchControls: String
    /// The committee's published conclusions, on the first page.
    let conclusions: ConclusionsView?
    /// Where they are read in full, or for the committee written; nil when there is nothing to link.
    let conclusionsPath: String?
    let sharing: Sharing

    func value(_ name: String) -> Any? {
        switch name {
        case "sharing": sharing
        case "watchAction": watchAction ?? false
        case "watchControls": watchControls
        case "boardTitle": title
        case "archived": archived
        case "takesPosts": takesPosts
        case "phaseText": phaseText ?? false
        case "phaseConclusionsPath": phaseConclusionsPath ?? false
        case "panel": panel ?? false
        case "threads": threadRows.joined()
        case "empty": threadRows.isEmpty
        case "nextPage": nextPage ?? false
        case "firstPage": isLaterPage ? SiteURL.board(slug) : false
        case "newThreadPath": SiteURL.newThread(slug)
        case "feedPath": SiteURL.feed(slug)
        case "conclusions": conclusions ?? false
        case "conclusionsPath": conclusionsPath ?? false
        default: nil
        }
    }
}

extension BoardPage {
    /// `content` holds up to `threadsPerPage + 1` unpinned threads; the extra one only says
    /// that a next page exists.
    init(_ content: BoardPageContent, before: Int64?, threadsPerPage: Int, visitor: Visitor, renderer: Renderer) {
        let board = content.board
        var threads = content.threads
        var nextPage: String?
        if threads.filter({ !$0.pinned }).count > threadsPerPage {
            threads.removeLast()
            nextPage = threads.last.map { SiteURL.board(board.slug, before: $0.lastPostId) }
        }
        let t = renderer.catalogs[visitor.language]
        let phase = board.schedule.phase(at: visitor.now)
        let notice = PhaseNotice(phase, slug: board.slug, t: t)
        var openUntil: String?
        if case .open(let closesAt?) = phase { openUntil = t.format("board_open_until_notice", ["date": t.longDate(closesAt)]) }
        self.init(
            layout: renderer.layout(visitor, title: board.title(in: visitor.language)),
            title: board.title(in: visitor.language),
            slug: board.slug,
            archived: board.archived,
            takesPosts: Permissions.boardTakesPosts(board, at: visitor.now),
            phaseText: notice?.text ?? openUntil,
            phaseConclusionsPath: notice?.conclusionsPath,
            panel: board.panel.map { PanelView($0, slug: board.slug, t: t) },
            threadRows: threads.map { renderer.threadRow(ThreadRow($0, visitor.language)) },
            nextPage: nextPage,
            isLaterPage: before != nil,
            watchAction: content.watchLevel == nil ? nil : SiteURL.watchBoard(board.slug),
            watchControls: content.watchLevel.map { renderer.watchControls(WatchControls(target: .board, level: $0, language: visitor.language)) } ?? "",
            conclusions: before == nil ? content.conclusions.map {
                ConclusionsView($0, t: renderer.catalogs[visitor.language], brief: true)
            } : nil,
            conclusionsPath: content.conclusions != nil || Permissions.can(visitor.user, .writeConclusions, at: visitor.now)
                ? SiteURL.boardConclusions(board.slug) : nil,
            sharing: Sharing(board: board, renderer: renderer, language: visitor.language)
        )
    }
}

/// Everything one row of a board's thread list depends on, so the row, once rendered, is
/// kept for every view with the same inputs (`Renderer.threadRow`): rendering 30 rows through
/// Mustache on every view was most of a board page.
struct ThreadRow: Hashable, Sendable {
    let id: Int64
    let title: String
    /// nil for a closed account.
    let author: String?
    let replyCount: Int
    let lastPostAt: Date
    let pinned: Bool
    let locked: Bool
    let isProposal: Bool
    let endorsementCount: Int
    let language: Language

    init(_ thread: ForumThread, _ language: Language) {
        id = thread.id
        title = thread.title
        author = thread.authorName
        replyCount = thread.replyCount
        lastPostAt = thread.lastPostAt
        pinned = thread.pinned
        locked = thread.locked
        isProposal = thread.isProposal
        endorsementCount = thread.endorsementCount
        self.language = language
    }
}

/// What `board_row.mustache` reads.
struct ThreadRowView: MustacheParent {
    let row: ThreadRow
    let t: Messages

    func child(named name: String) -> Any? {
        switch name {
        case "t": t
        case "path": SiteURL.thread(row.id)
        case "title": row.title
        // "3 apoyos" for a proposal, false otherwise.
        case "endorsements": row.isProposal ? t.count(row.endorsementCount, "count_endorsements") : false
        case "author": MemberName(row.author, t).text
        case "authorPath": MemberName(row.author, t).path ?? false
        case "replies": t.count(row.replyCount, "count_replies")
        case "lastActivity": t.date(row.lastPostAt)
        case "pinned": row.pinned
        case "locked": row.locked
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
