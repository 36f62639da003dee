import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A member's public profile: group, join date, recent posts.
struct UserController {
    let store: any ForumStore
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.user, use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = context.parameters.get("name"),
              let name = raw.removingPercentEncoding,
              let profile = try await store.profile(usernameKey: Rules.usernameKey(name), recentLimit: 20) else {
            throw AppError.notFound
        }
        return renderer.render(ProfilePage(profile, context: context, renderer: renderer))
    }
}
