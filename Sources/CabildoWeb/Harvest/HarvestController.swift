import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The committee's harvest: the page and its four exports, for the forum or one board. Each
/// is one read (the cached snapshot, `HarvestCache`) and one rendering of the report it gives.
struct HarvestController {
    let renderer: Renderer
    let cache: HarvestCache
    let baseURL: String?
    let store: any ForumStore
    let markdownRenderer: MarkdownRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.harvest, use: page)
        router.get(.harvestCSV, use: csv)
        router.get(.harvestJSON, use: json)
        router.get(.harvestMarkdown, use: markdown)
        router.get(.harvestReport, use: reportPage)
        router.get(.harvestReportMarkdown, use: reportMarkdown)
        router.get(.harvestDepartmentsCSV, use: departmentsCSV)
    }

    /// Committee and admins only; anyone else gets a 403 (with a way to sign in if they have not).
    private func authorize(_ context: AppRequestContext, returnTo path: String) throws {
        try context.requireTwoFactorIfHeld(.viewHarvest)
        guard context.can(.viewHarvest) else {
            throw context.visitor.user == nil ? AppError.forbiddenUntilSignedIn(returnTo: path) : AppError.forbidden()
        }
    }

    private func report(_ request: Request, context: AppRequestContext) async throws -> HarvestReport {
        try authorize(context, returnTo: SiteURL.harvest.path)
        guard let report = try await cache.report(board: boardSlug(request), now: context.visitor.now) else { throw AppError.notFound }
        return report
    }

    private func boardSlug(_ request: Request) -> String? {
        request.uri.queryParameters.get("board").flatMap { $0.isEmpty ? nil : $0 }
    }

    private var export: HarvestExport { HarvestExport(baseURL: baseURL, t: renderer.catalogs[.es]) }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try authorize(context, returnTo: SiteURL.harvest.path)
        guard let report = try await cache.overview(board: boardSlug(request), now: context.visitor.now) else { throw AppError.notFound }
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        return renderer.render(HarvestPage(report: report, language: language, t: t,
                                           layout: renderer.layout(context.visitor, title: t["harvest"])))
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await report(request, context: context), export = export
        return file(type: "text/csv; charset=utf-8", name: "cabildo-harvest.csv") { export.csvPieces(report) }
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await report(request, context: context), export = export
        return file(type: "application/json", name: "cabildo-harvest.json") { export.jsonPieces(report) }
    }

    @Sendable func markdown(_ request: Request, context: AppRequestContext) async throws -> Response {
        file(export.markdown(try await report(request, context: context)), type: "text/markdown; charset=utf-8", name: "cabildo-harvest.md")
    }

    /// The consultation report from the cached overviews, the committee's conclusions read now.
    private func consultation(_ context: AppRequestContext, returnTo path: String) async throws -> ConsultationReport {
        try authorize(context, returnTo: path)
        let now = context.visitor.now
        return try await ConsultationReport.assemble(store: store) { try await cache.overview(board: $0, now: now) }
    }

    /// Print-friendly: the Markdown report rendered by the site's own safe renderer, in the reader's language.
    @Sendable func reportPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let consultation = try await consultation(context, returnTo: SiteURL.harvestReport.path)
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        let text = HarvestExport(baseURL: baseURL, t: t, language: language).report(consultation)
        return renderer.render(ReportPage(layout: renderer.layout(context.visitor, title: t["report_title"]),
                                          reportHTML: try await markdownRenderer.render(text)))
    }

    @Sendable func reportMarkdown(_ request: Request, context: AppRequestContext) async throws -> Response {
        let consultation = try await consultation(context, returnTo: SiteURL.harvestReport.path)
        return file(export.report(consultation), type: "text/markdown; charset=utf-8", name: "cabildo-informe.md")
    }

    @Sendable func departmentsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        file(export.departmentsCSV(try await report(request, context: context)), type: "text/csv; charset=utf-8",
             name: "cabildo-harvest-departments.csv")
    }

    private func file(_ text: String, type: String, name: String) -> Response {
        Response(status: .ok, headers: fileHeaders(type: type, name: name), body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A download written as it is made, a piece at a time: the exports of every thread, 10 to
    /// 40 MB at a million posts, never sit whole in memory.
    private func file<Pieces: Sequence<String>>(type: String, name: String, _ pieces: @escaping @Sendable () -> Pieces) -> Response {
        Response(status: .ok, headers: fileHeaders(type: type, name: name), body: ResponseBody { writer in
            for piece in pieces() { try await writer.write(ByteBuffer(string: piece)) }
            try await writer.finish(nil)
        })
    }

    private func fileHeaders(type: String, name: String) -> HTTPFields {
        [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "private, no-store"]
    }
}
