import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A board's thread list, and opening a thread on it.
struct BoardController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PublicPageCache
    let threadsPerPage: Int
    let publisher: PostPublisher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.board, use: show)
        router.get(.newThread, use: newThread)
        router.post(.board, use: create)
    }

    private func board(_ context: AppRequestContext) async throws -> Board {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug) else {
            throw AppError.notFound
        }
        return board
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.serve(request, context) { context in
            let board = try await board(context)
            let before = request.uri.queryParameters.get("before", as: Int64.self)
            var threads = try await store.threads(boardId: board.id, before: before, limit: threadsPerPage + 1)
            let unpinned = threads.filter { !$0.pinned }
            var nextPage: String?
            if unpinned.count > threadsPerPage {
                threads.removeLast()
                nextPage = threads.last.map { SiteURL.board(board.slug, before: $0.lastPostId) }
            }
            let visitor = context.visitor
            let page = BoardPage(
                layout: renderer.layout(visitor, title: board.title(in: visitor.language)),
                title: board.title(in: visitor.language),
                slug: board.slug,
                archived: board.archived,
                threadRows: threads.map { renderer.threadRow(ThreadRow($0, visitor.language)) },
                nextPage: nextPage,
                isLaterPage: before != nil
            )
            return renderer.html(page)
        }
    }

    @Sendable func newThread(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        try context.authorize(.createThread, returnTo: SiteURL.newThread(board.slug))
        guard !board.archived else { throw AppError.forbidden(messageKey: "error_board_archived") }
        return renderForm(board: board, context: context, title: "", body: "", errors: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        let user = try context.authorize(.createThread, returnTo: SiteURL.newThread(board.slug))
        guard !board.archived else { throw AppError.forbidden(messageKey: "error_board_archived", preservedText: context.form["body"]) }
        let title = try context.form.require("title").trimmingCharacters(in: .whitespacesAndNewlines)
        let body = try context.form.require("body")
        let draft = PostPublisher.Draft.thread(board: board, title: title, body: body, isProposal: context.form["proposal"] == "1")
        switch try await publisher.publish(draft, by: user, context: context) {
        case .published(let threadId, _, _):
            return redirect(to: SiteURL.thread(threadId))
        case .refused(let refusal):
            let response = renderForm(board: board, context: context, title: title, body: body,
                                      errors: refusal.formErrors(renderer.catalogs[context.visitor.language]), status: refusal.status)
            return refusal.rateLimit.map(response.answering) ?? response
        }
    }

    private func renderForm(board: Board, context: AppRequestContext, title: String, body: String,
                            errors: [ValidationError], status: HTTPResponse.Status) -> Response {
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = NewThreadPage(
            layout: renderer.layout(visitor, title: t["new_thread"]),
            boardTitle: board.title(in: visitor.language),
            boardPath: SiteURL.board(board.slug),
            action: SiteURL.board(board.slug),
            titleValue: title,
            bodyValue: body,
            proposalChecked: context.form["proposal"] == "1",
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}
