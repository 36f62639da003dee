import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A thread as a tree of replies, and replying to any post of it.
struct ThreadController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PageCache
    let maxDepth: Int
    let publisher: PostPublisher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.thread, use: pages.kept(show))
        router.get(.reply, use: replyForm)
        router.post(.reply, use: reply)
    }

    /// The thread and its board, without the posts: what replying needs.
    private func thread(_ context: AppRequestContext) async throws -> (ForumThread, Board) {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id),
              context.canSee(thread), let board = try await store.board(id: thread.boardId) else { throw AppError.notFound }
        return (thread, board)
    }

    /// An unlisted thread (its opening post held or hidden) does not exist for those who may not see it.
    /// Reading it reads what its posts told the member (`markThreadNotificationsRead`), so the
    /// header counts what is still unread; only a member with unread notifications here writes.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        var context = context
        guard let id = context.parameters.get("id", as: Int64.self),
              let content = try await store.threadPage(id: id, viewerId: context.visitor.user?.id),
              context.canSee(content.thread) else { throw AppError.notFound }
        if let user = context.visitor.user, content.unreadHere > 0 {
            let read = try await store.markThreadNotificationsRead(userId: user.id, threadId: id, at: context.visitor.now)
            // Beyond what the header counts the number is not known: it stays "99+".
            if user.unreadNotifications <= User.unreadShown { context.visitor.user?.unreadNotifications -= read }
        }
        guard let page = ThreadPage(content, root: request.uri.queryParameters.get("root", as: Int64.self), maxDepth: maxDepth,
                                    context: context, renderer: renderer) else { throw AppError.notFound }
        return renderer.render(page)
    }

    @Sendable func replyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let parentId = request.uri.queryParameters.get("parent", as: Int64.self)
        try context.authorize(.reply, returnTo: parentId.map { SiteURL.reply(thread.id, parent: $0) } ?? SiteURL.thread(thread.id))
        try BoardGate.check(board, at: context.visitor.now)
        return try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: "", errors: [],
                                         status: .ok, context: context)
    }

    @Sendable func reply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let user = try context.authorize(.reply, returnTo: SiteURL.thread(thread.id))
        let form = try context.decode(ReplyForm.self)
        if let parent = form.parent { _ = try await visibleParent(parent, in: thread, context: context) }
        guard Permissions.canReply(user, thread: thread, board: board, at: context.visitor.now) else {
            try BoardGate.check(board, at: context.visitor.now, preservedText: form.body)
            throw AppError.forbidden(messageKey: thread.listed ? "error_thread_locked" : "error_thread_closed", preservedText: form.body)
        }
        switch try await publisher.publish(.reply(thread: thread, parentId: form.parent, body: form.body), by: user, context: context) {
        case .published(let threadId, let postId, _):
            return redirect(to: SiteURL.post(threadId, postId))
        case .refused(let refusal):
            let response = try await renderReplyForm(thread: thread, board: board, parentId: form.parent, body: form.body,
                                                     errors: refusal.formErrors(renderer.catalogs[context.visitor.language]),
                                                     status: refusal.status, context: context)
            return refusal.rateLimit.map(response.answering) ?? response
        }
    }

    /// The post being answered: in this thread, and not a held post the visitor may not see.
    private func visibleParent(_ id: Int64, in thread: ForumThread, context: AppRequestContext) async throws -> Post {
        guard let post = try await store.post(id: id), post.threadId == thread.id,
              !post.held || context.canSee(post) else { throw AppError.notFound }
        return post
    }

    private func renderReplyForm(thread: ForumThread, board: Board, parentId: Int64?, body: String,
                                 errors: [ValidationError], status: HTTPResponse.Status,
                                 context: AppRequestContext) async throws -> Response {
        var parent: Post?
        if let parentId { parent = try await visibleParent(parentId, in: thread, context: context) }
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = ReplyPage(
            layout: renderer.layout(visitor, title: t["reply"] + " · " + thread.title),
            threadTitle: thread.title,
            threadPath: SiteURL.thread(thread.id),
            action: SiteURL.reply(thread.id),
            parentId: parentId.map(String.init) ?? "",
            parentAuthor: parent.map { MemberName($0.authorName, t).text } ?? "",
            parentHTML: parent.map { context.canSee($0) ? $0.bodyHTML : "" } ?? "",
            bodyValue: body,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension ThreadController {
    /// `reply.mustache`: the text, and the post it answers (none for a reply to the thread).
    struct ReplyForm: FormDecodable {
        let body: String
        let parent: Int64?

        init(form: FormFields) throws {
            body = try form.require("body")
            parent = try form.id("parent")
        }
    }
}
