import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The live panels as iCalendar files (`ICalendar`): one board's, and every board's with a
/// panel that has a start, so a phone adds them to its calendar from a plain link.
struct CalendarController {
    let store: any ForumStore
    let renderer: Renderer
    let baseURL: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.panelCalendar, use: panel)
        router.get(.calendar, use: calendar)
    }

    /// 404 for a board without a panel start: there is no event to add.
    @Sendable func panel(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug),
              let event = event(board, context) else { throw AppError.notFound }
        let t = renderer.catalogs[context.visitor.language]
        return file(ICalendar(name: t.format("panel_summary", ["title": board.title(in: context.visitor.language)]),
                              timeZone: t.dates.timeZone.identifier, events: [event]), context: context)
    }

    @Sendable func calendar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let events = try await store.boards().compactMap { event($0, context) }.sorted { $0.start < $1.start }
        return file(ICalendar(name: t["calendar_name"], timeZone: t.dates.timeZone.identifier, events: events), context: context)
    }

    private func event(_ board: Board, _ context: AppRequestContext) -> ICalendar.Event? {
        guard let panel = board.panel, let start = panel.startsAt else { return nil }
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        let description = [("panel_moderators", panel.moderators), ("panel_panelists", panel.panelists), ("panel_stream", panel.streamURL)]
            .filter { !$0.1.isEmpty }.map { t[$0.0] + ": " + $0.1 }.joined(separator: "\n")
        let links = FeedLinks(baseURL: baseURL)
        return ICalendar.Event(
            uid: "panel-\(board.id)@" + (baseURL.flatMap { URL(string: $0)?.host } ?? "cabildo"),
            start: start, end: panel.endsAt,
            summary: t.format("panel_summary", ["title": board.title(in: language)]),
            location: panel.place, description: description,
            url: baseURL == nil ? nil : links.link(SiteURL.board(board.slug))
        )
    }

    private func file(_ calendar: ICalendar, context: AppRequestContext) -> Response {
        // The names follow the reader's language (cookie or Accept-Language): caches key on both.
        Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "public, max-age=300",
                                        .vary: "Accept-Language, Cookie"],
                 body: .init(byteBuffer: .init(string: calendar.text(stamp: context.visitor.now))))
    }
}
