import CabildoCore
import CabildoStore
import Mustache

struct ThreadPage: Page {
    static let template = "thread"
    let layout: Layout
    let title: String
    let boardTitle: String
    let boardPath: String
    let locked: Bool
    let pinned: Bool
    let canReply: Bool
    /// Staff only: the page with this thread's lock, pin and move forms.
    let moderatePath: String?
    let replyAction: String
    let signInPath: String
    /// The board's phase when it is not open: when it opens, or when it closed.
    let phaseNotice: PhaseNotice?
    /// The posts' markup (`PostTree`), every value in it rendered by a template.
    let postsHTML: String
    /// Set when showing a sub-thread ("continue this thread"): the way back.
    let fullThreadPath: String?
    let support: ProposalSupport?
    let summaryHTML: String?
    let summaryByline: String?
    /// For moderators and committee: where to write or rewrite the synthesis.
    let summaryPath: String?
    /// For signed-in members: where the watch buttons post, and their markup (`Renderer.watchControls`).
    let watchAction: String?
    let watchControls: String
    let sharing: Sharing

    func value(_ name: String) -> Any? {
        switch name {
        case "sharing": sharing
        case "threadTitle": title
        case "boardTitle": boardTitle
        case "boardPath": boardPath
        case "locked": locked
        case "pinned": pinned
        case "canReply": canReply
        case "moderatePath": moderatePath ?? false
        case "replyAction": replyAction
        case "signInPath": signInPath
        case "posts": postsHTML
        case "phaseNotice": phaseNotice?.text ?? false
        case "conclusionsPath": phaseNotice?.conclusionsPath ?? false
        case "fullThreadPath": fullThreadPath ?? false
        case "support": support ?? false
        case "summaryHTML": summaryHTML ?? false
        case "summaryByline": summaryByline ?? ""
        case "summaryPath": summaryPath ?? false
        case "watchAction": watchAction ?? false
        case "watchControls": watchControls
        default: nil
        }
    }
}

extension ThreadPage {
    /// The page for this viewer, or nil when `root` names no post of the thread they may see.
    /// Held posts exist only for those who may see them; hidden ones leave a placeholder (`PostFragment`).
    init?(_ content: ThreadPageContent, root: Int64?, maxDepth: Int, context: AppRequestContext, renderer: Renderer) {
        let (thread, board, visitor) = (content.thread, content.board, context.visitor)
        let posts = content.posts.filter { !$0.held || context.canSee($0) }
        guard let tree = ThreadTree.build(posts: posts, rootId: root, maxDepth: maxDepth) else { return nil }
        let t = renderer.catalogs[visitor.language]
        let canReply = Permissions.canReply(visitor.user, thread: thread, board: board, at: visitor.now)
        let boardOpen = Permissions.boardTakesPosts(board, at: visitor.now)
        self.init(
            layout: renderer.layout(visitor, title: thread.title),
            title: thread.title,
            boardTitle: board.title(in: visitor.language),
            boardPath: SiteURL.board(board.slug),
            locked: thread.locked,
            pinned: thread.pinned,
            canReply: canReply,
            moderatePath: context.can(.lockThread, on: thread.author) ? SiteURL.moderateThread(thread.id) : nil,
            replyAction: SiteURL.reply(thread.id),
            signInPath: SiteURL.login(returningTo: SiteURL.thread(thread.id)),
            phaseNotice: PhaseNotice(board.schedule.phase(at: visitor.now), slug: board.slug, t: t),
            postsHTML: PostTree.html(tree, canReply: canReply, boardOpen: boardOpen, appeals: content.appeals, context: context, renderer: renderer),
            fullThreadPath: root == nil ? nil : SiteURL.thread(thread.id),
            support: thread.isProposal ? ProposalSupport(content, boardOpen: boardOpen, context: context, t: t) : nil,
            summaryHTML: content.summary?.html,
            summaryByline: content.summary.map {
                t.format("summary_by", ["name": MemberName($0.authorName, t).text, "date": t.date($0.updatedAt)])
            },
            summaryPath: context.can(.writeSummary) ? SiteURL.summary(thread.id) : nil,
            watchAction: content.watchLevel == nil ? nil : SiteURL.watchThread(thread.id),
            watchControls: content.watchLevel.map { renderer.watchControls(WatchControls(target: .thread, level: $0, language: visitor.language)) } ?? "",
            sharing: Sharing(thread: thread, opening: content.posts.first { $0.parentId == nil }, board: board, renderer: renderer,
                             language: visitor.language)
        )
    }
}

/// A thread's posts as nested `<article>`s, replies in an `<ol>` inside their parent. Each
/// post's own markup comes from `post_body.mustache` (through `Renderer.postFragment`, which
/// keeps it) and the rare "continue this thread" link from `post_more.mustache`; the markup
/// joined here around them holds no value but a post's number. Walking the tree through a
/// recursive Mustache partial cost a fifth of a thread page.
enum PostTree {
    /// - Parameter appeals: the viewer's requests for review of their hidden posts, by post.
    static func html(_ root: PostNode, canReply: Bool, boardOpen: Bool, appeals: [Int64: Appeal], context: AppRequestContext,
                     renderer: Renderer) -> String {
        var html = ""
        append(root, to: &html, canReply: canReply, boardOpen: boardOpen, appeals: appeals, context: context, renderer: renderer)
        return html
    }

    private static func append(_ node: PostNode, to html: inout String, canReply: Bool, boardOpen: Bool, appeals: [Int64: Appeal],
                               context: AppRequestContext, renderer: Renderer) {
        let post = node.post
        html += "<article class=\"post\" id=\"p\(post.id)\">\n"
        html += renderer.postFragment(PostFragment(post, canReply: canReply, boardOpen: boardOpen, appeal: appeals[post.id], context: context),
                                      csrfToken: context.visitor.csrfToken)
        if !node.children.isEmpty {
            html += "<ol class=\"replies\">"
            for child in node.children {
                html += "<li>"
                append(child, to: &html, canReply: canReply, boardOpen: boardOpen, appeals: appeals, context: context, renderer: renderer)
                html += "</li>"
            }
            html += "</ol>\n"
        }
        if node.hasHiddenReplies {
            html += renderer.html(ContinueLink(path: SiteURL.thread(post.threadId, root: post.id), t: renderer.catalogs[context.visitor.language]))
        }
        html += "</article>\n"
    }
}

/// Where a reply tree deeper than the page shows goes on.
struct ContinueLink: MustacheParent, Sendable {
    let path: String
    let t: Messages

    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "t": t
        default: nil
        }
    }
}

struct ReplyPage: Page {
    static let template = "reply"
    let layout: Layout
    let threadTitle: String
    let threadPath: String
    let action: String
    let parentId: String
    let parentAuthor: String
    let parentHTML: String
    let bodyValue: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "threadPath": threadPath
        case "action": action
        case "parentId": parentId
        case "hasParent": !parentId.isEmpty
        case "parentAuthor": parentAuthor
        case "parentHTML": parentHTML
        case "bodyValue": bodyValue
        case "errors": errors
        default: nil
        }
    }
}
