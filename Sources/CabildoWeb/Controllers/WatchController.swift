import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Watching, returning to normal or muting a thread or a board (the buttons of `watch_form.mustache`).
struct WatchController {
    let store: any ForumStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(.watchThread, use: watchThread)
        router.post(.watchBoard, use: watchBoard)
    }

    /// A thread the member may not see does not exist for them, to watch or otherwise.
    @Sendable func watchThread(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id),
              context.canSee(thread) else { throw AppError.notFound }
        let user = try context.authorize(.watch, returnTo: SiteURL.thread(id))
        let form = try context.decode(WatchLevelForm.self)
        try await store.setWatch(userId: user.id, threadId: id, level: form.level, at: context.visitor.now)
        return redirect(to: SiteURL.thread(id))
    }

    @Sendable func watchBoard(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug) else {
            throw AppError.notFound
        }
        let user = try context.authorize(.watch, returnTo: SiteURL.board(slug))
        let form = try context.decode(WatchLevelForm.self)
        try await store.setWatch(userId: user.id, boardId: board.id, level: form.level, at: context.visitor.now)
        return redirect(to: SiteURL.board(slug))
    }
}

extension WatchController {
    /// The button pressed: `watching`, `normal` or `muted`; the page offers no other, so anything else is a 400.
    struct WatchLevelForm: FormDecodable {
        let level: WatchLevel

        init(form: FormFields) throws {
            level = try form.choice("level")
        }
    }
}
