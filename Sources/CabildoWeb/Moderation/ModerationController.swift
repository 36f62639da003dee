import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The queue, and the actions staff take on posts, threads and accounts. Each action asks
/// the policy once, requires a reason, and is written to the public log by the store.
struct ModerationController {
    let store: any ForumStore
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.moderationQueue, use: queue)
        router.get(.moderatePost, use: postPage)
        router.post(.moderatePostAction, use: postAction)
        router.get(.moderateThread, use: threadPage)
        router.post(.moderateThreadAction, use: threadAction)
        router.post(.moderateUser, use: userAction)
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.authorize(.viewQueue, returnTo: SiteURL.moderationQueue.path)
        let items = try await store.moderationQueue(limit: 100)
        let t = renderer.catalogs[context.visitor.language]
        let page = QueuePage(
            layout: renderer.layout(context.visitor, title: t["moderation_queue"]),
            items: items.map { ModeratedPostView(post: $0.post, threadTitle: $0.threadTitle, flags: $0.flags, appeal: $0.appeal,
                                                 next: SiteURL.moderationQueue.path, context: context, t: t) }
        )
        return renderer.render(page)
    }

    private func post(_ context: AppRequestContext) async throws -> Post {
        guard let id = context.parameters.get("id", as: Int64.self), let post = try await store.post(id: id) else {
            throw AppError.notFound
        }
        return post
    }

    @Sendable func postPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await post(context)
        try context.authorize(post.hiddenAutomatically ? .undoAutomaticHide : .hidePost, on: post.author,
                              returnTo: SiteURL.moderatePost(post.id))
        guard let thread = try await store.thread(id: post.threadId) else { throw AppError.notFound }
        let flags = try await store.openFlags(postId: post.id)
        let appeal = try await store.openAppeal(postId: post.id)
        let t = renderer.catalogs[context.visitor.language]
        let page = ModeratePostPage(
            layout: renderer.layout(context.visitor, title: t["moderate"]),
            item: ModeratedPostView(post: post, threadTitle: thread.title, flags: flags, appeal: appeal,
                                    next: SiteURL.moderatePost(post.id), context: context, t: t)
        )
        return renderer.render(page)
    }

    @Sendable func postAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await post(context)
        let (action, permission): (ModerationAction, Action) = switch context.parameters.get("action") {
        case "hide": (.hidePost(post.id), .hidePost)
        case "restore": (.restorePost(post.id), Permissions.restoreAction(for: post))
        case "approve": (.approvePost(post.id), .approvePost)
        case "dismiss": (.dismissFlags(post.id), .dismissFlags)
        // Whoever may restore the post decides its author's request for review either way.
        case "dismiss-appeal": (.dismissAppeal(post.id), Permissions.restoreAction(for: post))
        default: throw AppError.notFound
        }
        let actor = try context.authorize(permission, on: post.author, returnTo: SiteURL.moderatePost(post.id))
        return try await apply(action, by: actor, context: context, done: SiteURL.moderatePost(post.id))
    }

    private func thread(_ context: AppRequestContext) async throws -> ForumThread {
        guard let id = context.parameters.get("id", as: Int64.self), let thread = try await store.thread(id: id) else {
            throw AppError.notFound
        }
        return thread
    }

    @Sendable func threadPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let thread = try await thread(context)
        try context.authorize(.lockThread, on: thread.author, returnTo: SiteURL.moderateThread(thread.id))
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        let boards = try await store.boards()
        let page = ModerateThreadPage(
            layout: renderer.layout(context.visitor, title: t["moderate_thread"]),
            threadTitle: thread.title,
            threadPath: SiteURL.thread(thread.id),
            lockForm: ActionForm(path: SiteURL.moderateThread(thread.id, thread.locked ? "unlock" : "lock"),
                                 label: t[thread.locked ? "action_unlock" : "action_lock"]),
            pinForm: ActionForm(path: SiteURL.moderateThread(thread.id, thread.pinned ? "unpin" : "pin"),
                                label: t[thread.pinned ? "action_unpin" : "action_pin"]),
            proposalForm: ActionForm(path: SiteURL.moderateThread(thread.id, thread.isProposal ? "unpropose" : "propose"),
                                     label: t[thread.isProposal ? "action_unpropose" : "action_propose"]),
            moveAction: SiteURL.moderateThread(thread.id, "move"),
            boards: boards.filter { $0.id != thread.boardId }.map {
                OptionView(value: $0.slug, label: $0.title(in: language), selected: false)
            }
        )
        return renderer.render(page)
    }

    @Sendable func threadAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let thread = try await thread(context)
        let id = thread.id
        let (action, permission): (ModerationAction, Action)
        switch context.parameters.get("action") {
        case "lock": (action, permission) = (.lockThread(id), .lockThread)
        case "unlock": (action, permission) = (.unlockThread(id), .lockThread)
        case "pin": (action, permission) = (.pinThread(id), .pinThread)
        case "unpin": (action, permission) = (.unpinThread(id), .pinThread)
        case "propose": (action, permission) = (.markProposal(id), .markProposal)
        case "unpropose": (action, permission) = (.unmarkProposal(id), .markProposal)
        case "move":
            guard let board = try await store.board(slug: try context.decode(MoveForm.self).board) else {
                throw AppError.unprocessable(messageKey: "error_unknown_board")
            }
            // An archived board is the admins' decision: moving a thread out of it or into it is too.
            let from = try await store.board(id: thread.boardId)
            (action, permission) = (.moveThread(id, toBoard: board.id),
                                    board.archived || from?.archived == true ? .manageBoards : .moveThread)
        default: throw AppError.notFound
        }
        let actor = try context.authorize(permission, on: thread.author, returnTo: SiteURL.moderateThread(id))
        return try await apply(action, by: actor, context: context, done: SiteURL.thread(id))
    }

    @Sendable func userAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = context.parameters.get("name"), let name = raw.removingPercentEncoding,
              let target = try await store.user(usernameKey: Rules.usernameKey(name)),
              // A closed account is no longer anyone to suspend or promote (its posts can still be moderated).
              !target.isClosed else { throw AppError.notFound }
        let profile = SiteURL.user(target.username)
        let (action, permission): (ModerationAction, Action)
        switch context.parameters.get("action") {
        case "suspend":
            (action, permission) = (.suspendUser(target.id, until: try suspensionEnd(context.decode(SuspendForm.self), context)),
                                    .suspendUser)
        case "unsuspend":
            (action, permission) = (.unsuspendUser(target.id), .suspendUser)
        case "role":
            (action, permission) = (.setRole(target.id, try context.decode(RoleForm.self).role), .setRole)
        default: throw AppError.notFound
        }
        let actor = try context.authorize(permission, on: target.account, returnTo: profile)
        return try await apply(action, by: actor, context: context, done: profile)
    }

    /// `days` empty: until lifted; otherwise 1 to 3650 days from now.
    private func suspensionEnd(_ form: SuspendForm, _ context: AppRequestContext) throws -> Date? {
        if form.days.isEmpty { return nil }
        guard let days = Int(form.days), (1...3650).contains(days) else { throw AppError.unprocessable(messageKey: "error_days") }
        return context.visitor.now.addingTimeInterval(TimeInterval(days * 86400))
    }

    /// Checks the reason, applies the action with its log line, and goes back where the form was.
    private func apply(_ action: ModerationAction, by actor: User, context: AppRequestContext, done: String) async throws -> Response {
        let reason = try context.decode(ModerationReason.self)
        try await store.apply(action, by: actor.id, reason: reason.required(), at: context.visitor.now)
        context.logger.info("moderation", metadata: ["actor": "\(actor.id)", "action": "\(action)"])
        let next = reason.next.map(SiteURL.safeReturn)
        return redirect(to: next == nil || next == SiteURL.home.path ? done : next!)
    }
}

extension ModerationController {
    /// Moving a thread (`mod_thread.mustache`): the slug of the board it goes to; an unknown one is a 422.
    struct MoveForm: FormDecodable {
        let board: String

        init(form: FormFields) {
            board = form.text("board")
        }
    }

    /// Suspending (`profile.mustache`): `days` as sent, which `suspensionEnd` checks.
    struct SuspendForm: FormDecodable {
        let days: String

        init(form: FormFields) {
            days = form.text("days").trimmingCharacters(in: .whitespaces)
        }
    }

    /// Giving a role (`profile.mustache`): a select, so a role it does not offer is a 400.
    struct RoleForm: FormDecodable {
        let role: Role

        init(form: FormFields) throws {
            role = try form.choice("role")
        }
    }
}

/// What every staff form sends besides its own fields: the reason the public log shows, and
/// (`action_form.mustache`) the page its button was on. A missing reason is a 422, not a 400:
/// the moderator left it empty.
struct ModerationReason: FormDecodable {
    /// Trimmed.
    let text: String
    let next: String?

    init(form: FormFields) {
        text = form.text("reason").trimmingCharacters(in: .whitespacesAndNewlines)
        next = form["next"]
    }

    /// Its problem, for forms that show errors beside their fields.
    var error: ValidationError? { Rules.validateReason(text) }

    /// The reason, or a 422 saying one is needed.
    func required() throws -> String {
        if let error { throw AppError.unprocessable(messageKey: error.messageKey) }
        return text
    }
}
