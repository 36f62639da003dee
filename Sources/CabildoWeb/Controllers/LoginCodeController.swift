import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// The second step of signing in (`/login/2fa`) for members with two-factor sign-in on. The
/// password step left a challenge: a random token in the `cabildo_2fa` cookie whose SHA-256 names
/// the member for a few minutes. It grants nothing else: no page reads it but this one.
struct LoginCodeController {
    let store: any ForumStore
    let renderer: Renderer
    let cookies: CookieJar
    let secondFactor: SecondFactorCheck
    /// Long enough to open the authenticator app and type a code on a phone; short enough that a
    /// password typed on a shared computer and left there is not waiting for anyone.
    static let challengeLifetime: TimeInterval = 5 * 60

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.loginCode, use: form)
        router.post(.loginCode, use: submit)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = request.uri.queryParameters.get("next")
        guard try await challengedUser(request, context: context) != nil else {
            return expired(context: context, next: next, status: .ok)
        }
        return render(context: context, next: next, error: nil, status: .ok)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decode(CodeForm.self)
        guard let (user, challenge) = try await challengedUser(request, context: context) else {
            return expired(context: context, next: form.next)
        }
        let outcome = try await secondFactor.check(form.code, userId: user.id, at: context.visitor.now)
        if let refusal = outcome.refusal(renderer.catalogs[context.visitor.language]) {
            context.logger.notice("second factor refused", metadata: ["user": "\(user.id)", "status": "\(refusal.status.code)"])
            let message = renderer.catalogs[context.visitor.language].format(refusal.error.messageKey, refusal.error.values)
            return render(context: context, next: form.next, error: message, status: refusal.status)
        }
        let token = Tokens.random()
        guard try await store.completeSignIn(challenge: challenge, session: Tokens.sha256(token),
                                             userAgent: request.headers[.userAgent] ?? "", at: Date()) else {
            return expired(context: context, next: form.next)
        }
        if let old = context.visitor.sessionTokenHash { try await store.deleteSession(tokenHash: old) }
        // A used recovery code leaves fewer: the settings page says how many, and how to start again.
        let byRecoveryCode = outcome == .accepted(byRecoveryCode: true)
        var response = redirect(to: byRecoveryCode ? SiteURL.settingsTwoFactor.path : SiteURL.safeReturn(form.next))
        response.setCookie(cookies.sessionCookie(token))
        response.setCookie(cookies.expired(CookieJar.signInChallenge))
        return response
    }

    /// The member the challenge names, and the challenge's hash; nil when it is missing or expired.
    private func challengedUser(_ request: Request, context: AppRequestContext) async throws -> (User, Data)? {
        guard let token = request.cookies[CookieJar.signInChallenge]?.value, !token.isEmpty, token.utf8.count <= 64 else { return nil }
        let hash = Tokens.sha256(token)
        guard let user = try await store.signInChallengeUser(tokenHash: hash, at: context.visitor.now,
                                                             lifetime: Self.challengeLifetime) else { return nil }
        return (user, hash)
    }

    /// Back to the password, saying why: nothing is kept from the expired step.
    private func expired(context: AppRequestContext, next: String?, status: HTTPResponse.Status = .unprocessableContent) -> Response {
        var response = AccountController.loginPage(renderer: renderer, context: context, username: "", failed: false,
                                                   notice: "login_code_expired", next: next, status: status)
        response.setCookie(cookies.expired(CookieJar.signInChallenge))
        return response
    }

    private func render(context: AppRequestContext, next: String?, error: String?, status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = LoginCodePage(layout: renderer.layout(context.visitor, title: t["login_code"]),
                                 next: next.map(SiteURL.safeReturn) ?? "", error: error)
        return renderer.render(page, status: status)
    }
}

extension LoginCodeController {
    /// `login_2fa.mustache`: a six-digit code or a recovery code, in one field.
    struct CodeForm: FormDecodable {
        let code: String
        let next: String?

        init(form: FormFields) throws {
            code = try form.require("code")
            next = form["next"]
        }
    }
}
