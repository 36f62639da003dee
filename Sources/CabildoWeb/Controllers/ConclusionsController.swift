import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A board's conclusions and recommendations (`/b/{slug}/conclusions`): everyone reads the newest
/// published version; the committee (and admins) also sees the form, starting from the newest
/// version of all, and the list of versions. Saving is a new version, a draft or published.
struct ConclusionsController {
    let store: any ForumStore
    let renderer: Renderer
    let markdown: MarkdownRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.boardConclusions, use: show)
        router.post(.boardConclusions, use: save)
    }

    private func board(_ context: AppRequestContext) async throws -> Board {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug) else { throw AppError.notFound }
        return board
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        guard context.can(.writeConclusions) else {
            return render(board: board, published: try await store.publishedConclusions(boardId: board.id), editor: nil, context: context)
        }
        let versions = try await store.conclusionVersions(boardId: board.id)
        // `?version=N` shows that version to the committee, in place of the published one.
        let asked = request.uri.queryParameters.get("version", as: Int64.self)
        if asked != nil, !versions.contains(where: { $0.version == asked }) { throw AppError.notFound }
        let shown = asked.flatMap { version in versions.first { $0.version == version } } ?? versions.first { $0.status == .published }
        let latest = versions.first
        let form = ConclusionsForm(conclusions: latest?.conclusionsMarkdown ?? "", recommendations: latest?.recommendationsMarkdown ?? "",
                                   status: latest?.status ?? .draft)
        return render(board: board, published: shown, editor: Editor(form: form, versions: versions, errors: [],
                                                                     saved: request.uri.queryParameters.get("saved")),
                      context: context)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await board(context)
        let user = try context.authorize(.writeConclusions, returnTo: SiteURL.boardConclusions(board.slug))
        let form = try context.decode(ConclusionsForm.self)
        let errors = form.errors
        guard errors.isEmpty else {
            let versions = try await store.conclusionVersions(boardId: board.id)
            return render(board: board, published: versions.first { $0.status == .published },
                          editor: Editor(form: form, versions: versions, errors: errors, saved: nil), status: .unprocessableContent,
                          context: context)
        }
        _ = try await store.saveConclusions(NewConclusions(
            boardId: board.id, conclusionsMarkdown: form.conclusions, conclusionsHTML: try await markdown.render(form.conclusions),
            recommendationsMarkdown: form.recommendations, recommendationsHTML: try await markdown.render(form.recommendations),
            status: form.status, authorId: user.id, date: context.visitor.now))
        context.logger.info("conclusions saved", metadata: ["board": "\(board.slug)", "status": "\(form.status.rawValue)"])
        return redirect(to: SiteURL.boardConclusions(board.slug) + "?saved=" + form.status.rawValue)
    }

    /// What the committee sees besides the published text.
    struct Editor {
        let form: ConclusionsForm
        let versions: [BoardConclusions]
        let errors: [ValidationError]
        /// `draft` or `published` right after a save.
        let saved: String?
    }

    private func render(board: Board, published: BoardConclusions?, editor: Editor?, status: HTTPResponse.Status = .ok,
                        context: AppRequestContext) -> Response {
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        return renderer.render(ConclusionsPage(
            layout: renderer.layout(visitor, title: t.format("conclusions_title", ["board": board.title(in: visitor.language)])),
            board: board, shown: published, editor: editor, visitor: visitor, t: t), status: status)
    }
}

extension ConclusionsController {
    /// `conclusions.mustache`: both texts in Markdown, and whether this version is published.
    struct ConclusionsForm: FormDecodable {
        let conclusions: String
        let recommendations: String
        let status: ConclusionsStatus

        init(conclusions: String, recommendations: String, status: ConclusionsStatus) {
            self.conclusions = conclusions
            self.recommendations = recommendations
            self.status = status
        }

        init(form: FormFields) throws {
            conclusions = form.text("conclusions").trimmingCharacters(in: .whitespacesAndNewlines)
            recommendations = form.text("recommendations").trimmingCharacters(in: .whitespacesAndNewlines)
            status = try form.choice("status")
        }

        /// Each text within its length and Markdown's bounds; something to publish when publishing.
        var errors: [ValidationError] {
            var errors: [ValidationError] = []
            for (field, text) in [("conclusions", conclusions), ("recommendations", recommendations)] {
                if text.unicodeScalars.count > BoardConclusions.maximumLength {
                    errors.append(ValidationError(field: field, messageKey: "error_conclusions_length",
                                                  values: ["n": "\(BoardConclusions.maximumLength)"]))
                } else if let error = MarkdownBounds.check(text) {
                    errors.append(ValidationError(field: field, messageKey: error.messageKey, values: error.values))
                }
            }
            if status == .published, conclusions.isEmpty {
                errors.append(ValidationError(field: "conclusions", messageKey: "error_conclusions_empty"))
            }
            return errors
        }
    }
}
