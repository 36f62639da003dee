import CabildoCore
import CabildoStore
import Hummingbird

/// The front page (boards with their counts) and the liveness probe.
struct HomeController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PublicPageCache

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.home, use: index)
        router.get(.health, use: health)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.serve(request, context) { context in
            let boards = try await store.boards()
            let visitor = context.visitor
            let t = renderer.catalogs[visitor.language]
            return renderer.html(HomePage(layout: renderer.layout(visitor, title: t["home_heading"]),
                                          boards: boards.map { BoardRow($0, visitor.language, t) }))
        }
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await store.ping()
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ok\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: .init(string: "database unavailable\n")))
        }
    }
}
