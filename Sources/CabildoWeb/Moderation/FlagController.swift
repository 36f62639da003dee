import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Members flag posts for staff; enough distinct flags hide a post until someone reviews it.
struct FlagController {
    let store: any ForumStore
    let renderer: Renderer
    let limits: RateLimits
    let autoHide: AutoHideRule

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.flagPost, use: form)
        router.post(.flagPost, use: flag)
    }

    /// A post this visitor may flag: it exists, is not deleted and they can read it.
    private func flaggablePost(_ context: AppRequestContext) async throws -> (Post, User) {
        guard let id = context.parameters.get("id", as: Int64.self), let post = try await store.post(id: id), !post.isDeleted,
              !post.held || context.canSee(post) else { throw AppError.notFound }
        let user = try context.authorize(.flagPost, on: post.author, returnTo: SiteURL.flagPost(id))
        return (post, user)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, _) = try await flaggablePost(context)
        return render(post: post, reason: nil, note: "", errors: [], status: .ok, context: context)
    }

    @Sendable func flag(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, user) = try await flaggablePost(context)
        let form = try context.decode(FlagForm.self)
        var errors: [ValidationError] = []
        if form.reason == nil { errors.append(ValidationError(field: "reason", messageKey: "error_flag_reason")) }
        if form.note.unicodeScalars.count > 500 { errors.append(ValidationError(field: "note", messageKey: "error_flag_note")) }
        guard let reason = form.reason, errors.isEmpty else {
            return render(post: post, reason: form.reason, note: form.note, errors: errors, status: .unprocessableContent,
                          context: context)
        }
        try await limits.flag(context, by: user)
        let messageKey: String
        do {
            let outcome = try await store.flag(postId: post.id, by: user.id, reason: reason, note: form.note,
                                               rule: autoHide, at: context.visitor.now)
            context.logger.info("post flagged", metadata: ["post": "\(post.id)", "hidden": "\(outcome == .hidden)"])
            messageKey = "flag_thanks"
        } catch StoreError.alreadyFlagged {
            messageKey = "flag_already"
        }
        let t = renderer.catalogs[context.visitor.language]
        return renderer.render(NoticePage(layout: renderer.layout(context.visitor, title: t["flag"]), message: t[messageKey],
                                          backPath: SiteURL.post(post.threadId, post.id), backLabel: t["back_to_post"]))
    }

    private func render(post: Post, reason: FlagReason?, note: String, errors: [ValidationError], status: HTTPResponse.Status,
                        context: AppRequestContext) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = FlagPage(
            layout: renderer.layout(context.visitor, title: t["flag_post"]),
            action: SiteURL.flagPost(post.id),
            postPath: SiteURL.post(post.threadId, post.id),
            author: MemberName(post.authorName, t).text,
            html: context.canSee(post) ? post.bodyHTML : "",
            reasons: FlagReason.allCases.map { OptionView(value: $0.rawValue, label: t["flag_" + $0.rawValue], selected: $0 == reason) },
            noteValue: note,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension FlagController {
    /// `flag.mustache`. No reason chosen is the person's slip, which the page asks again about (422).
    struct FlagForm: FormDecodable {
        let reason: FlagReason?
        let note: String

        init(form: FormFields) {
            reason = FlagReason(rawValue: form.text("reason"))
            note = form.text("note").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

struct FlagPage: Page {
    static let template = "flag"
    let layout: Layout
    let action: String
    let postPath: String
    let author: String
    let html: String
    let reasons: [OptionView]
    let noteValue: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": action
        case "postPath": postPath
        case "author": author
        case "html": html
        case "reasons": reasons
        case "noteValue": noteValue
        case "errors": errors
        default: nil
        }
    }
}

/// A short confirmation with one way back.
struct NoticePage: Page {
    static let template = "notice"
    let layout: Layout
    let message: String
    let backPath: String
    let backLabel: String

    func value(_ name: String) -> Any? {
        switch name {
        case "message": message
        case "backPath": backPath
        case "backLabel": backLabel
        default: nil
        }
    }
}
