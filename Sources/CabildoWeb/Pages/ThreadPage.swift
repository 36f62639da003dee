import CabildoCore
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
    let root: PostView
    /// Set when showing a sub-thread ("continue this thread"): the way back.
    let fullThreadPath: String?
    let support: ProposalSupport?
    let summaryHTML: String?
    let summaryByline: String?
    /// For moderators and committee: where to write or rewrite the synthesis.
    let summaryPath: String?

    func value(_ name: String) -> Any? {
        switch name {
        case "threadTitle": title
        case "boardTitle": boardTitle
        case "boardPath": boardPath
        case "locked": locked
        case "pinned": pinned
        case "canReply": canReply
        case "moderatePath": moderatePath ?? false
        case "replyAction": replyAction
        case "signInPath": signInPath
        case "root": root
        case "fullThreadPath": fullThreadPath ?? false
        case "support": support ?? false
        case "summaryHTML": summaryHTML ?? false
        case "summaryByline": summaryByline ?? ""
        case "summaryPath": summaryPath ?? false
        default: nil
        }
    }
}

/// One post of the tree with its replies. The post's own markup comes rendered (and usually
/// cached) from `Renderer.postFragment`; only the tree around it is rendered per view. Every
/// key answers, so a nested post never picks up its parent's values through the context stack.
struct PostView: MustacheParent, Sendable {
    let anchor: String
    let body: String
    let children: [PostView]
    let continuePath: String

    init(_ node: PostNode, canReply: Bool, context: AppRequestContext, renderer: Renderer) {
        let post = node.post
        anchor = "p\(post.id)"
        body = renderer.postFragment(PostFragment(post, canReply: canReply, context: context), csrfToken: context.visitor.csrfToken)
        children = node.children.map { PostView($0, canReply: canReply, context: context, renderer: renderer) }
        continuePath = node.hasHiddenReplies ? Paths.subthread(post.threadId, root: post.id) : ""
    }

    func child(named name: String) -> Any? {
        switch name {
        case "anchor": anchor
        case "body": body
        case "children": children
        case "hasChildren": !children.isEmpty
        case "continuePath": continuePath.isEmpty ? false : continuePath
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
