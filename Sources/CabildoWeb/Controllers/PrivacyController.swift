import Foundation
import Hummingbird

/// `/privacy`: what the forum keeps, for how long, who sees it, how to take it or delete it.
struct PrivacyController {
    let renderer: Renderer
    let pages: PageCache
    let sessionIdleLimit: TimeInterval
    let sessionAbsoluteLimit: TimeInterval

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.privacy, use: pages.kept(show))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let days = { (limit: TimeInterval) in String(Int(limit / 86400)) }
        return renderer.render(PrivacyPage(visitor: context.visitor, renderer: renderer,
                                           values: ["idle": days(sessionIdleLimit), "max": days(sessionAbsoluteLimit)]))
    }
}
