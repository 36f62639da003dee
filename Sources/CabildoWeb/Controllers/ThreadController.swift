import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A thread as a tree of replies, and replying to any post of it.
struct ThreadController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PublicPageCache
    let maxDepth: Int
    let publisher: PostPublisher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.thread, use: show)
        router.get(.reply, use: replyForm)
        router.post(.reply, use: reply)
    }

    /// An unlisted thread (its opening post held or hidden) does not exist for those who may not see it.
    private func threadWithPosts(_ context: AppRequestContext) async throws -> ThreadWithPosts {
        guard let id = context.parameters.get("id", as: Int64.self), let found = try await store.threadWithPosts(id: id),
              context.canSee(found.thread) else { throw AppError.notFound }
        return found
    }

    /// The thread and its board, without the posts: what replying needs.
    private func thread(_ context: AppRequestContext) async throws -> (ThreadSummary, Board) {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id),
              context.canSee(thread), let board = try await store.board(id: thread.boardId) else { throw AppError.notFound }
        return (thread, board)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.serve(request, context) { context in
            let found = try await threadWithPosts(context)
            let (thread, board) = (found.thread, found.board)
            let root = request.uri.queryParameters.get("root", as: Int64.self)
            // Held posts exist only for those who may see them; hidden ones leave a placeholder (`PostFragment`).
            let posts = found.posts.filter { !$0.held || context.canSee($0) }
            guard let tree = ThreadTree.build(posts: posts, rootId: root, maxDepth: maxDepth) else { throw AppError.notFound }
            let visitor = context.visitor
            let t = renderer.catalogs[visitor.language]
            let canReply = Permissions.canReply(visitor.user, thread: thread, board: board, at: visitor.now)
            let support = thread.isProposal ? try await ProposalSupport(thread: thread, store: store, context: context, t: t) : nil
            let page = ThreadPage(
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
                postsHTML: PostTree.html(tree, canReply: canReply, context: context, renderer: renderer),
                fullThreadPath: root == nil ? nil : SiteURL.thread(thread.id),
                support: support,
                summaryHTML: found.summary?.html,
                summaryByline: found.summary.map {
                    t.format("summary_by", ["name": $0.authorName, "date": DateText.guatemala.display($0.updatedAt, visitor.language)])
                },
                summaryPath: context.can(.writeSummary) ? SiteURL.summary(thread.id) : nil
            )
            return renderer.html(page)
        }
    }

    @Sendable func replyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let parentId = request.uri.queryParameters.get("parent", as: Int64.self)
        try context.authorize(.reply, returnTo: parentId.map { SiteURL.reply(thread.id, parent: $0) } ?? SiteURL.thread(thread.id))
        return try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: "", errors: [],
                                         status: .ok, context: context)
    }

    @Sendable func reply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let user = try context.authorize(.reply, returnTo: SiteURL.thread(thread.id))
        let body = try context.form.require("body")
        var parentId: Int64?
        if let raw = context.form["parent"], !raw.isEmpty {
            guard let id = Int64(raw) else { throw AppError.badRequest }
            parentId = id
        }
        if let parentId { _ = try await visibleParent(parentId, in: thread, context: context) }
        guard Permissions.canReply(user, thread: thread, board: board, at: context.visitor.now) else {
            let reason = !thread.listed ? "error_thread_closed" : thread.locked ? "error_thread_locked" : "error_board_archived"
            throw AppError.forbidden(messageKey: reason, preservedText: body)
        }
        switch try await publisher.publish(.reply(thread: thread, parentId: parentId, body: body), by: user, context: context) {
        case .published(let threadId, let postId, _):
            return redirect(to: SiteURL.post(threadId, postId))
        case .refused(let refusal):
            let response = try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: body,
                                                     errors: refusal.formErrors(renderer.catalogs[context.visitor.language]),
                                                     status: refusal.status, context: context)
            return refusal.rateLimit.map(response.answering) ?? response
        }
    }

    /// The post being answered: in this thread, and not a held post the visitor may not see.
    private func visibleParent(_ id: Int64, in thread: ThreadSummary, context: AppRequestContext) async throws -> Post {
        guard let post = try await store.post(id: id), post.threadId == thread.id,
              !post.held || context.canSee(post) else { throw AppError.notFound }
        return post
    }

    private func renderReplyForm(thread: ThreadSummary, board: Board, parentId: Int64?, body: String,
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
            parentAuthor: parent?.authorName ?? "",
            parentHTML: parent.map { context.canSee($0) ? $0.bodyHTML : "" } ?? "",
            bodyValue: body,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}
