import CabildoCore
import CabildoStore
import Hummingbird

/// The front page (boards with their counts) and the liveness probe.
struct HomeController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PageCache

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.home, use: pages.kept(index))
        router.get(.health, use: health)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderer.render(HomePage(boards: try await store.boards(), visitor: context.visitor, renderer: renderer))
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
