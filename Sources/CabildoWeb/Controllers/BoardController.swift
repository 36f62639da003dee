import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A board's thread list, and opening a thread on it.
struct BoardController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PageCache
    let threadsPerPage: Int
    let publisher: PostPublisher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.board, use: pages.kept(show))
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
        let before = request.uri.queryParameters.get("before", as: Int64.self)
        // One thread more than a page shows tells whether there is a next page.
        guard let slug = context.parameters.get("slug"),
              let content = try await store.boardPage(slug: slug, before: before, limit: threadsPerPage + 1,
                                                      viewerId: context.visitor.user?.id) else {
            throw AppError.notFound
        }
        return renderer.render(BoardPage(content, before: before, threadsPerPage: threadsPerPage, visitor: context.visitor, renderer: renderer))
    }

    @Sendable func newThread(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        try context.authorize(.createThread, returnTo: SiteURL.newThread(board.slug))
        try BoardGate.check(board, at: context.visitor.now)
        return renderForm(board: board, context: context, form: NewThreadForm(title: "", body: "", proposal: false),
                          errors: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        let user = try context.authorize(.createThread, returnTo: SiteURL.newThread(board.slug))
        try BoardGate.check(board, at: context.visitor.now, preservedText: context.preservedText)
        let form = try context.decode(NewThreadForm.self)
        let draft = PostPublisher.Draft.thread(board: board, title: form.title, body: form.body, isProposal: form.proposal)
        switch try await publisher.publish(draft, by: user, context: context) {
        case .published(let threadId, _, _):
            return redirect(to: SiteURL.thread(threadId))
        case .refused(let refusal):
            let response = renderForm(board: board, context: context, form: form,
                                      errors: refusal.formErrors(renderer.catalogs[context.visitor.language]), status: refusal.status)
            return refusal.rateLimit.map(response.answering) ?? response
        }
    }

    private func renderForm(board: Board, context: AppRequestContext, form: NewThreadForm,
                            errors: [ValidationError], status: HTTPResponse.Status) -> Response {
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = NewThreadPage(
            layout: renderer.layout(visitor, title: t["new_thread"]),
            boardTitle: board.title(in: visitor.language),
            boardPath: SiteURL.board(board.slug),
            action: SiteURL.board(board.slug),
            titleValue: form.title,
            bodyValue: form.body,
            proposalChecked: form.proposal,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension BoardController {
    /// `thread_new.mustache`: the opening post, and whether its author offers it as a proposal.
    struct NewThreadForm: FormDecodable {
        let title: String
        let body: String
        let proposal: Bool
    }
}

// Apart, so the memberwise init stays for the empty form `newThread` shows.
extension BoardController.NewThreadForm {
    init(form: FormFields) throws {
        title = try form.require("title").trimmingCharacters(in: .whitespacesAndNewlines)
        body = try form.require("body")
        proposal = form.isChecked("proposal")
    }
}
