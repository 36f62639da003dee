import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Every mail's unsubscribe link (`/unsubscribe/{token}`), which works without signing in. A GET
/// only shows a button: mail security scanners open every link in a mail, and must not unsubscribe
/// anyone. A POST turns notification mail off: the button's, or a mail program's RFC 8058
/// one-click POST, which carries no CSRF token (`FormGuardMiddleware` lets exactly this route
/// through; the token in the link is the authority). Mails the member asks for (a password reset,
/// a confirmation link) still come.
struct UnsubscribeController {
    let store: any ForumStore
    let renderer: Renderer
    let links: UnsubscribeLinks

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.unsubscribe, use: confirmForm)
        router.post(.unsubscribe, use: unsubscribe)
    }

    @Sendable func confirmForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard links.userId(fromToken: token) != nil else { throw AppError.notFound }
        return render(context: context, token: token, done: false)
    }

    @Sendable func unsubscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let userId = links.userId(fromToken: token), try await store.unsubscribe(userId: userId) else { throw AppError.notFound }
        context.logger.info("unsubscribed from notification mail", metadata: ["user": "\(userId)"])
        return render(context: context, token: token, done: true)
    }

    private func render(context: AppRequestContext, token: String, done: Bool) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        return renderer.render(UnsubscribePage(layout: renderer.layout(context.visitor, title: t["unsubscribe"]),
                                               action: SiteURL.unsubscribe(token), done: done))
    }
}
