import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The author of a hidden post asks for a review, once (`POST /p/{id}/appeal`, from the form
/// under the post, which only its author sees). The request waits in the moderation queue.
struct AppealController {
    let store: any ForumStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(.appeal, use: appeal)
    }

    @Sendable func appeal(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self), let post = try await store.post(id: id), !post.isDeleted else {
            throw AppError.notFound
        }
        let back = SiteURL.post(post.threadId, post.id)
        let user = try context.authorize(.appeal, on: post.author, returnTo: back)
        guard post.isHidden else { throw AppError.unprocessable(messageKey: "error_appeal_not_hidden") }
        let form = try context.decode(AppealForm.self)
        if let error = Appeal.validate(form.text) { throw AppError.unprocessable(messageKey: error.messageKey) }
        do {
            try await store.appeal(postId: post.id, by: user.id, text: form.text, at: context.visitor.now)
        } catch StoreError.alreadyAppealed {
            throw AppError.unprocessable(messageKey: "error_appeal_twice")
        } catch StoreError.notHidden {
            throw AppError.unprocessable(messageKey: "error_appeal_not_hidden")
        }
        context.logger.info("review requested", metadata: ["post": "\(post.id)"])
        return redirect(to: back)
    }
}

extension AppealController {
    /// `post_body.mustache`'s request form: why the author thinks the post should be seen (trimmed).
    struct AppealForm: FormDecodable {
        let text: String

        init(form: FormFields) throws {
            text = try form.require("text").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
