import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Editing and deleting one's own post, and a post's edit history.
struct PostController {
    let store: any ForumStore
    let renderer: Renderer
    let publisher: PostPublisher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.editPost, use: editForm)
        router.post(.editPost, use: update)
        router.post(.deletePost, use: delete)
        router.get(.postHistory, use: history)
    }

    private func post(_ context: AppRequestContext) async throws -> Post {
        guard let id = context.parameters.get("id", as: Int64.self), let post = try await store.post(id: id) else {
            throw AppError.notFound
        }
        return post
    }

    /// Signs in first if needed, then checks the policy: 403 for someone else's post, and for a
    /// post on a board that no longer takes posts (`BoardGate`: closed boards are read-only).
    private func editablePost(_ context: AppRequestContext) async throws -> (Post, User) {
        let post = try await post(context)
        let user = try context.authorize(.editPost, on: post.author, returnTo: SiteURL.editPost(post.id))
        guard !post.isDeleted else { throw AppError.notFound }
        if let thread = try await store.thread(id: post.threadId), let board = try await store.board(id: thread.boardId) {
            try BoardGate.check(board, at: context.visitor.now, preservedText: context.preservedText)
        }
        return (post, user)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, _) = try await editablePost(context)
        return renderForm(post: post, body: post.bodyMarkdown, errors: [], status: .ok, context: context)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, user) = try await editablePost(context)
        let form = try context.decode(EditForm.self)
        switch try await publisher.publish(.edit(post: post, body: form.body), by: user, context: context) {
        case .published(let threadId, let postId, _):
            return redirect(to: SiteURL.post(threadId, postId))
        case .refused(let refusal):
            let response = renderForm(post: post, body: form.body, errors: refusal.formErrors(renderer.catalogs[context.visitor.language]),
                                      status: refusal.status, context: context)
            return refusal.rateLimit.map(response.answering) ?? response
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await post(context)
        try context.authorize(.deletePost, on: post.author, returnTo: SiteURL.post(post.threadId, post.id))
        try await store.deletePost(id: post.id, at: context.visitor.now)
        context.logger.info("post deleted", metadata: ["post": "\(post.id)"])
        return redirect(to: SiteURL.post(post.threadId, post.id))
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await post(context)
        guard !post.isDeleted, context.canSee(post) else { throw AppError.notFound }
        let revisions = try await store.revisions(postId: post.id)
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let current = RevisionView(html: post.bodyHTML, date: t.date(post.editedAt ?? post.createdAt))
        let page = HistoryPage(
            layout: renderer.layout(visitor, title: t["history"]),
            postPath: SiteURL.post(post.threadId, post.id),
            author: MemberName(post.authorName, t).text,
            revisions: [current] + revisions.map {
                RevisionView(html: $0.bodyHTML, date: t.date($0.createdAt))
            }
        )
        return renderer.render(page)
    }

    private func renderForm(post: Post, body: String, errors: [ValidationError], status: HTTPResponse.Status,
                            context: AppRequestContext) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = EditPostPage(
            layout: renderer.layout(context.visitor, title: t["edit_post"]),
            action: SiteURL.editPost(post.id),
            postPath: SiteURL.post(post.threadId, post.id),
            bodyValue: body,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension PostController {
    /// `post_edit.mustache`: the post's new text.
    struct EditForm: FormDecodable {
        let body: String

        init(form: FormFields) throws {
            body = try form.require("body")
        }
    }
}
