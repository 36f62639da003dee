import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A thread as a tree of replies, and replying to any post of it.
struct ThreadController {
    let store: any ForumStore
    let renderer: Renderer
    let maxDepth: Int

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/t/:id", use: show)
        router.get("/t/:id/reply", use: replyForm)
        router.post("/t/:id/reply", use: reply)
    }

    private func threadWithPosts(_ context: AppRequestContext) async throws -> ThreadWithPosts {
        guard let id = context.parameters.get("id", as: Int64.self), let found = try await store.threadWithPosts(id: id) else {
            throw AppError.notFound
        }
        return found
    }

    /// The thread and its board, without the posts: what replying needs.
    private func thread(_ context: AppRequestContext) async throws -> (ThreadSummary, Board) {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id),
              let board = try await store.board(id: thread.boardId) else { throw AppError.notFound }
        return (thread, board)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await threadWithPosts(context)
        let (thread, board) = (found.thread, found.board)
        let root = request.uri.queryParameters.get("root", as: Int64.self)
        guard let tree = ThreadTree.build(posts: found.posts, rootId: root, maxDepth: maxDepth) else { throw AppError.notFound }
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = ThreadPage(
            layout: renderer.layout(visitor, title: thread.title),
            title: thread.title,
            boardTitle: board.title(in: visitor.language),
            boardPath: Paths.board(board.slug),
            locked: thread.locked,
            canReply: Permissions.canReply(visitor.user, thread: thread, board: board),
            replyAction: Paths.reply(thread.id),
            signInPath: Paths.loginReturning(to: Paths.thread(thread.id)),
            root: PostView(tree, threadId: thread.id, viewer: visitor.user, language: visitor.language, t: t),
            fullThreadPath: root == nil ? nil : Paths.thread(thread.id)
        )
        return renderer.render(page)
    }

    @Sendable func replyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let parentId = request.uri.queryParameters.get("parent", as: Int64.self)
        _ = try context.requireUser(returnTo: parentId.map { Paths.replyTo(thread.id, parent: $0) } ?? Paths.thread(thread.id))
        return try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: "", errors: [],
                                         status: .ok, context: context)
    }

    @Sendable func reply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (thread, board) = try await thread(context)
        let user = try context.requireUser(returnTo: Paths.thread(thread.id))
        let body = try context.form.require("body")
        var parentId: Int64?
        if let raw = context.form["parent"], !raw.isEmpty {
            guard let id = Int64(raw) else { throw AppError.badRequest }
            parentId = id
        }
        guard Permissions.canReply(user, thread: thread, board: board) else {
            throw AppError.forbidden(messageKey: thread.locked ? "error_thread_locked" : "error_board_archived")
        }
        if let error = Rules.validateBody(body) {
            return try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: body, errors: [error],
                                             status: .unprocessableContent, context: context)
        }
        do {
            let postId = try await store.createReply(NewReply(
                threadId: thread.id, parentId: parentId, authorId: user.id, markdown: body,
                html: Markdown.render(body), createdAt: Date()
            ))
            context.logger.info("reply created", metadata: ["thread": "\(thread.id)", "post": "\(postId)"])
            return redirect(to: Paths.post(thread.id, postId))
        } catch StoreError.invalidParent {
            throw AppError.notFound
        } catch StoreError.unavailable {
            return try await renderReplyForm(thread: thread, board: board, parentId: parentId, body: body,
                                             errors: [ValidationError(field: "body", messageKey: "error_unavailable")],
                                             status: .serviceUnavailable, context: context)
        }
    }

    private func renderReplyForm(thread: ThreadSummary, board: Board, parentId: Int64?, body: String,
                                 errors: [ValidationError], status: HTTPResponse.Status,
                                 context: AppRequestContext) async throws -> Response {
        var parent: Post?
        if let parentId {
            guard let post = try await store.post(id: parentId), post.threadId == thread.id else { throw AppError.notFound }
            parent = post
        }
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = ReplyPage(
            layout: renderer.layout(visitor, title: t["reply"] + " · " + thread.title),
            threadTitle: thread.title,
            threadPath: Paths.thread(thread.id),
            action: Paths.reply(thread.id),
            parentId: parentId.map(String.init) ?? "",
            parentAuthor: parent?.authorName ?? "",
            parentHTML: parent?.bodyHTML ?? "",
            bodyValue: body,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}
