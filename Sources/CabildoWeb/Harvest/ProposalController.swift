import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Endorsing proposals, and the synthesis moderators and committee members write for a thread.
struct ProposalController {
    let store: any ForumStore
    let renderer: Renderer
    let markdown: MarkdownRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(.endorse, use: endorse)
        router.get(.summary, use: summaryForm)
        router.post(.summary, use: saveSummary)
    }

    /// Endorsements and summaries are about what everyone can read: a listed thread. For anyone
    /// else an unlisted one (held, hidden or deleted opening post) does not exist; for staff who
    /// may see it, it cannot be endorsed or summarized yet.
    private func thread(_ context: AppRequestContext) async throws -> ForumThread {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id),
              context.canSee(thread) else { throw AppError.notFound }
        guard thread.listed else { throw AppError.forbidden(messageKey: "error_thread_closed", preservedText: context.preservedText) }
        return thread
    }

    /// Toggles: a second press takes the endorsement back. Members do not endorse their own proposals.
    @Sendable func endorse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let thread = try await thread(context)
        let user = try context.authorize(.endorse, on: thread.author, returnTo: SiteURL.thread(thread.id))
        // Endorsements close with the board (and are not taken back after it closed either).
        if let board = try await store.board(id: thread.boardId) { try BoardGate.check(board, at: context.visitor.now) }
        do {
            let given = try await store.toggleEndorsement(threadId: thread.id, by: user, at: context.visitor.now)
            context.logger.info("endorsement", metadata: ["thread": "\(thread.id)", "given": "\(given)"])
        } catch StoreError.notAProposal {
            throw AppError.unprocessable(messageKey: "error_not_a_proposal")
        } catch StoreError.closed {
            throw AppError.forbidden(messageKey: "error_thread_closed")
        }
        return redirect(to: SiteURL.endorsements(thread.id))
    }

    @Sendable func summaryForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let thread = try await thread(context)
        try context.authorize(.writeSummary, returnTo: SiteURL.summary(thread.id))
        let existing = try await store.summary(threadId: thread.id)
        return render(thread: thread, body: existing?.markdown ?? "", errors: [], status: .ok, context: context)
    }

    @Sendable func saveSummary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let thread = try await thread(context)
        let user = try context.authorize(.writeSummary, returnTo: SiteURL.summary(thread.id))
        let body = try context.decode(SummaryForm.self).body
        guard (1...5000).contains(body.unicodeScalars.count) else {
            return render(thread: thread, body: body, errors: [ValidationError(field: "body", messageKey: "error_summary_length")],
                          status: .unprocessableContent, context: context)
        }
        if let error = MarkdownBounds.check(body) {
            return render(thread: thread, body: body, errors: [error], status: .unprocessableContent, context: context)
        }
        try await store.saveSummary(threadId: thread.id, markdown: body, html: try await markdown.render(body), authorId: user.id,
                                    at: context.visitor.now)
        return redirect(to: SiteURL.thread(thread.id))
    }

    private func render(thread: ForumThread, body: String, errors: [ValidationError], status: HTTPResponse.Status,
                        context: AppRequestContext) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        return renderer.render(SummaryPage(
            layout: renderer.layout(context.visitor, title: t["summary"]),
            threadTitle: thread.title, threadPath: SiteURL.thread(thread.id), action: SiteURL.summary(thread.id),
            bodyValue: body, errors: FormErrors(errors, t)
        ), status: status)
    }
}

extension ProposalController {
    /// `summary.mustache`: the synthesis, in Markdown.
    struct SummaryForm: FormDecodable {
        let body: String

        init(form: FormFields) throws {
            body = try form.require("body").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

struct SummaryPage: Page {
    static let template = "summary"
    let layout: Layout
    let threadTitle: String
    let threadPath: String
    let action: String
    let bodyValue: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "threadPath": threadPath
        case "action": action
        case "bodyValue": bodyValue
        case "errors": errors
        default: nil
        }
    }
}
