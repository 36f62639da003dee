import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The signed-in member's notifications, and marking them all read. Notifications are written
/// by the store with what causes them; this only reads them.
struct NotificationsController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PageCache
    let perPage = 30

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.notifications, use: pages.kept(show))
        router.post(.notificationsRead, use: markRead)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.notifications.path)
        let before = request.uri.queryParameters.get("before", as: Int64.self)
        var notifications = try await store.notifications(userId: user.id, before: before, limit: perPage + 1)
        var nextPage: String?
        if notifications.count > perPage {
            notifications.removeLast()
            nextPage = notifications.last.map { SiteURL.notifications(before: $0.id) }
        }
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        // The store forgets what a post told others once it stops being visible; this is the
        // same rule asked once more, of the one function that answers it.
        let shown = notifications.filter { !$0.kind.isAboutConversation || $0.post.map(context.canSee) ?? true }
        let page = NotificationsPage(
            layout: renderer.layout(context.visitor, title: t["notifications"]),
            items: shown.map { NotificationView($0, language: language, t: t) },
            anyUnread: user.unreadNotifications > 0,
            nextPage: nextPage,
            isLaterPage: before != nil
        )
        return renderer.render(page)
    }

    /// Marking read is no action on the forum: a suspended member may do it too.
    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.notifications.path)
        try await store.markNotificationsRead(userId: user.id, at: context.visitor.now)
        return redirect(to: SiteURL.notifications.path)
    }
}
