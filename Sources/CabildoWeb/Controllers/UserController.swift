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
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        let page = ProfilePage(
            layout: renderer.layout(visitor, title: profile.user.username),
            username: profile.user.username,
            stakeholder: t["stakeholder_" + profile.user.stakeholder.rawValue],
            role: profile.user.role == .member ? "" : t["role_" + profile.user.role.rawValue],
            joined: DateText.guatemala.display(profile.user.createdAt, visitor.language),
            postCount: t.format("count_posts", ["n": "\(profile.postCount)"]),
            recent: profile.recentPosts.map { FeedItemView($0, visitor.language) },
            suspension: suspensionText(profile.user, visitor: visitor, t: t),
            staff: ProfileStaffTools(user: profile.user, context: context, t: t)
        )
        return renderer.render(page)
    }

    private func suspensionText(_ user: User, visitor: Visitor, t: Messages) -> String? {
        guard user.isSuspended(at: visitor.now), let until = user.suspendedUntil else { return nil }
        let reason = user.suspensionReason ?? ""
        if until >= Date.untilLifted { return t.format("profile_suspended_indefinitely", ["reason": reason]) }
        return t.format("profile_suspended_until", ["date": DateText.guatemala.display(until, visitor.language), "reason": reason])
    }
}
