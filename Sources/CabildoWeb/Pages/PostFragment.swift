import CabildoCore
import Foundation
import Mustache

/// Everything one post's own markup (`post_body.mustache`: header, body, footer) depends on,
/// and nothing else: so the markup, once rendered, can be reused for any view with the same
/// inputs (`Renderer.postFragment`). A thread page used to render every post through Mustache
/// on every view, which was half of its time.
struct PostFragment: Hashable, Sendable {
    let postId: Int64
    let threadId: Int64
    let language: Language
    /// nil for a closed account.
    let author: String?
    let createdAt: Date
    let editedAt: Date?
    let deleted: Bool
    /// Hidden or held, and this viewer may not read it: a placeholder.
    let concealed: Bool
    /// Why an author or staff member sees a post others do not (a message key), if they do.
    let noticeKey: String?
    let html: String
    let canReply: Bool
    /// The viewer's own post (or staff's): edit and delete, whose form carries the viewer's
    /// CSRF token; such fragments are rendered per view and never cached.
    let canEdit: Bool
    /// The edit link too: only while the board takes posts (a closed board is read-only, but
    /// its author may still delete a post).
    let canRevise: Bool
    let canFlag: Bool
    let canModerate: Bool
    /// The author of a hidden post, who has not asked yet: the request-for-review form.
    let canAppeal: Bool
    /// The author's request, once made: waiting, decided (a message key).
    let appealNoticeKey: String?

    /// - Parameter appeal: the viewer's request for review of this post, if they made one.
    /// - Parameter boardOpen: the board takes posts (`Permissions.boardTakesPosts`).
    init(_ post: Post, canReply: Bool, boardOpen: Bool, appeal: Appeal? = nil, context: AppRequestContext) {
        postId = post.id
        threadId = post.threadId
        language = context.visitor.language
        author = post.authorName
        createdAt = post.createdAt
        editedAt = post.editedAt
        deleted = post.isDeleted
        concealed = !deleted && !context.canSee(post)
        noticeKey = deleted || concealed ? nil : post.held ? "post_held_notice" : post.isHidden ? "post_hidden_notice" : nil
        html = concealed ? "" : post.bodyHTML
        self.canReply = canReply
        canEdit = !deleted && context.can(.editPost, on: post.author)
        canRevise = canEdit && boardOpen
        canFlag = !deleted && !concealed && context.can(.flagPost, on: post.author)
        canModerate = !deleted && context.can(.hidePost, on: post.author)
        let appealable = !deleted && post.isHidden && context.can(.appeal, on: post.author)
        canAppeal = appealable && appeal == nil
        appealNoticeKey = appealable ? appeal.map {
            switch $0.outcome {
            case nil: "appeal_waiting"
            case .dismissed: "appeal_dismissed_notice"
            // Restored once and hidden again: the one request was used.
            case .upheld: "appeal_used"
            }
        } : nil
    }

    /// Hashes the cheap fields; the body is compared byte for byte in `==` (a `String`'s own
    /// hash normalizes Unicode first, which costs more than the comparison).
    func hash(into hasher: inout Hasher) {
        hasher.combine(postId)
        hasher.combine(language)
        hasher.combine(editedAt)
        hasher.combine(html.utf8.count)
        hasher.combine(concealed)
        hasher.combine(noticeKey)
    }

    static func == (a: PostFragment, b: PostFragment) -> Bool {
        a.postId == b.postId && a.threadId == b.threadId && a.language == b.language && a.createdAt == b.createdAt
            && a.editedAt == b.editedAt && a.deleted == b.deleted && a.concealed == b.concealed && a.noticeKey == b.noticeKey
            && a.canReply == b.canReply && a.canEdit == b.canEdit && a.canRevise == b.canRevise && a.canFlag == b.canFlag && a.canModerate == b.canModerate
            && a.canAppeal == b.canAppeal && a.appealNoticeKey == b.appealNoticeKey
            && sameName(a.author, b.author) && sameBytes(a.html, b.html)
    }

    private static func sameName(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return sameBytes(a, b)
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }
}

/// What `post_body.mustache` reads: a fragment's inputs as strings, plus the catalog and, for
/// the viewer's own posts, the CSRF token of the delete form. Every key answers, so nothing
/// falls through to an enclosing context.
struct PostFragmentView: MustacheParent {
    let post: PostFragment
    let t: Messages
    let csrfToken: String

    func child(named name: String) -> Any? {
        switch name {
        case "t": t
        case "csrfToken": csrfToken
        case "author": MemberName(post.author, t).text
        case "authorPath": MemberName(post.author, t).path ?? false
        case "permalink": SiteURL.post(post.threadId, post.postId)
        case "posted": t.date(post.createdAt)
        case "postedISO": DateText.iso8601(post.createdAt)
        case "edited": post.editedAt != nil
        case "historyPath": SiteURL.postHistory(post.postId)
        case "deleted": post.deleted
        case "concealed": post.concealed
        case "showBody": !post.deleted && !post.concealed
        case "notice": post.noticeKey.map { t[$0] } ?? false
        case "html": post.html
        case "canReply": post.canReply
        case "replyPath": SiteURL.reply(post.threadId, parent: post.postId)
        case "canEdit": post.canEdit
        case "canRevise": post.canRevise
        case "editPath": SiteURL.editPost(post.postId)
        case "deletePath": SiteURL.deletePost(post.postId)
        case "flagPath": post.canFlag ? SiteURL.flagPost(post.postId) : false
        case "moderatePath": post.canModerate ? SiteURL.moderatePost(post.postId) : false
        case "appealPath": post.canAppeal ? SiteURL.appeal(post.postId) : false
        case "appealFieldId": "appeal-\(post.postId)"
        case "appealNotice": post.appealNoticeKey.map { t[$0] } ?? false
        default: nil
        }
    }
}
