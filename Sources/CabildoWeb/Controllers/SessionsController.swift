import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Where a member is signed in (`/settings/sessions`): each session with its browser, when it
/// started and was last used, and a button to end it; and "end all others", for a phone left
/// signed in somewhere.
struct SessionsController {
    let store: any ForumStore
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settingsSessions, use: show)
        router.post(.endSession, use: end)
        router.post(.endOtherSessions, use: endOthers)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsSessions.path)
        let sessions = try await store.sessions(userId: user.id, current: context.visitor.sessionTokenHash)
        return renderer.render(SessionsPage(sessions, visitor: context.visitor, renderer: renderer))
    }

    /// Only the member's own sessions: another member's id is not found.
    @Sendable func end(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsSessions.path)
        guard let id = context.parameters.get("id", as: Int64.self),
              try await store.endSession(id: id, userId: user.id) else { throw AppError.notFound }
        return redirect(to: SiteURL.settingsSessions.path)
    }

    @Sendable func endOthers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsSessions.path)
        try await store.deleteOtherSessions(userId: user.id, keeping: context.visitor.sessionTokenHash)
        return redirect(to: SiteURL.settingsSessions.path)
    }
}
