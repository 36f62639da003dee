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

/// One post of the tree with its replies. Every key answers (false or "" when empty),
/// so a nested post never picks up its parent's values through the Mustache context stack.
struct PostView: MustacheParent, Sendable {
    let id: String
    let anchor: String
    let author: String
    let authorPath: String
    let posted: String
    let postedISO: String
    let edited: Bool
    let deleted: Bool
    /// Hidden or held, and this viewer may not read it: a placeholder.
    let concealed: Bool
    /// Why an author or staff member sees a post others do not ("" when everyone sees it).
    let notice: String
    let html: String
    let permalink: String
    let replyPath: String
    let editPath: String
    let deletePath: String
    let historyPath: String
    let canEdit: Bool
    let flagPath: String
    let moderatePath: String
    let children: [PostView]
    let continuePath: String

    init(_ node: PostNode, threadId: Int64, context: AppRequestContext, t: Messages) {
        let post = node.post
        let language = context.visitor.language
        let privileged = context.can(.seeHiddenPost, on: post.author)
        id = String(post.id)
        anchor = "p\(post.id)"
        author = post.authorName
        authorPath = Paths.user(post.authorName)
        posted = DateText.guatemala.display(post.createdAt, language)
        postedISO = DateText.iso8601(post.createdAt)
        edited = post.editedAt != nil
        deleted = post.isDeleted
        concealed = !deleted && (post.isHidden || post.held) && !privileged
        notice = deleted || concealed ? "" : post.held ? t["post_held_notice"] : post.isHidden ? t["post_hidden_notice"] : ""
        html = concealed ? "" : post.bodyHTML
        permalink = Paths.post(threadId, post.id)
        replyPath = Paths.replyTo(threadId, parent: post.id)
        editPath = Paths.editPost(post.id)
        deletePath = Paths.deletePost(post.id)
        historyPath = Paths.postHistory(post.id)
        canEdit = !deleted && context.can(.editPost, on: post.author)
        flagPath = !deleted && !concealed && context.can(.flagPost, on: post.author) ? Paths.flagPost(post.id) : ""
        moderatePath = !deleted && context.can(.hidePost, on: post.author) ? Paths.moderatePost(post.id) : ""
        children = node.children.map { PostView($0, threadId: threadId, context: context, t: t) }
        continuePath = node.hasHiddenReplies ? Paths.subthread(threadId, root: post.id) : ""
    }

    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "anchor": anchor
        case "author": author
        case "authorPath": authorPath
        case "posted": posted
        case "postedISO": postedISO
        case "edited": edited
        case "deleted": deleted
        case "concealed": concealed
        case "showBody": !deleted && !concealed
        case "notice": notice.isEmpty ? false : notice
        case "html": html
        case "permalink": permalink
        case "replyPath": replyPath
        case "editPath": editPath
        case "deletePath": deletePath
        case "historyPath": historyPath
        case "canEdit": canEdit
        case "flagPath": flagPath.isEmpty ? false : flagPath
        case "moderatePath": moderatePath.isEmpty ? false : moderatePath
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
