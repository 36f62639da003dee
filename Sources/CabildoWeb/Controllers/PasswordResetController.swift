import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A forgotten password: `/password/forgot` takes a username or an e-mail address and mails a
/// single-use link (an hour) to the account's confirmed address; `/password/reset/{token}` sets
/// the new password, which ends every session. Two-factor sign-in stays on: the member then signs
/// in with the new password and their code, as always, so a stolen mailbox alone opens nothing.
struct PasswordResetController {
    let store: any ForumStore
    let renderer: Renderer
    let passwords: PasswordService
    let cookies: CookieJar
    let limits: RateLimits
    let mailOn: Bool
    let wakeup: MailWakeup
    /// Every answer to a request takes at least this long, whatever was typed. The work differs only
    /// in a row or two written (or not) in the same transaction, but that difference, or the
    /// account's rate limit, must not tell a stranger whether a name or an address has an account.
    static let answerTime: Duration = .milliseconds(300)

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.passwordForgot, use: forgotForm)
        router.post(.passwordForgot, use: forgot)
        router.get(.passwordReset, use: resetForm)
        router.post(.passwordReset, use: reset)
    }

    @Sendable func forgotForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderForgot(context: context, sent: request.uri.queryParameters.get("sent") != nil, errors: [], status: .ok)
    }

    /// The same redirect for a known name, a known address and anything else; the mail, if any,
    /// is written in the same transaction as its link and sent by the delivery worker.
    @Sendable func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        guard mailOn else { return renderForgot(context: context, sent: false, errors: [], status: .serviceUnavailable) }
        try await limits.passwordResetRequest(context)
        let login = try context.decode(ForgotForm.self).login.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !login.isEmpty, login.utf8.count <= 254 else {
            return renderForgot(context: context, sent: false, errors: [ValidationError(field: "login", messageKey: "error_login_required")],
                                status: .unprocessableContent)
        }
        let userId = try await store.requestPasswordReset(
            usernameKey: Rules.usernameKey(login), addressKey: login.lowercased(), token: Tokens.random(),
            language: context.visitor.language, at: context.visitor.now) { [limits] userId in
            try await limits.passwordResetMail(context, userId: userId)
        }
        if let userId {
            wakeup.poke()
            context.logger.info("password reset mail queued", metadata: ["user": "\(userId)"])
        }
        try? await Task.sleep(until: started + Self.answerTime)
        return redirect(to: SiteURL.passwordForgotSent)
    }

    @Sendable func resetForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let works = try await linkWorks(token, context)
        return renderReset(context: context, token: token, linkWorks: works, errors: [], status: works ? .ok : .gone)
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let form = try context.decode(ResetForm.self)
        // Checked before hashing: without a working link, a post costs the server nothing.
        guard try await linkWorks(token, context) else {
            return renderReset(context: context, token: token, linkWorks: false, errors: [], status: .gone)
        }
        if let error = Rules.validatePassword(form.password, confirmation: form.passwordConfirmation) {
            return renderReset(context: context, token: token, linkWorks: true, errors: [error], status: .unprocessableContent)
        }
        let hash = try await passwords.hash(form.password)
        guard let userId = try await store.resetPassword(tokenHash: Tokens.sha256(token), passwordHash: hash, at: context.visitor.now) else {
            return renderReset(context: context, token: token, linkWorks: false, errors: [], status: .gone)
        }
        context.logger.info("password reset", metadata: ["user": "\(userId)"])
        // This browser's session, if it had one, ended with the others.
        var response = redirect(to: SiteURL.loginAfterReset)
        response.setCookie(cookies.expired(CookieJar.session))
        return response
    }

    private func linkWorks(_ token: String, _ context: AppRequestContext) async throws -> Bool {
        guard token.utf8.count <= 64 else { return false }
        return try await store.mailLinkWorks(tokenHash: Tokens.sha256(token), kind: .passwordReset, at: context.visitor.now)
    }

    private func renderForgot(context: AppRequestContext, sent: Bool, errors: [ValidationError], status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        return renderer.render(PasswordForgotPage(layout: renderer.layout(context.visitor, title: t["password_forgot"]), mailOff: !mailOn,
                                                  sent: sent, errors: FormErrors(errors, t)), status: status)
    }

    private func renderReset(context: AppRequestContext, token: String, linkWorks: Bool, errors: [ValidationError],
                             status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        return renderer.render(PasswordResetPage(layout: renderer.layout(context.visitor, title: t["password_reset"]),
                                                 action: SiteURL.passwordReset(token), linkWorks: linkWorks,
                                                 errors: FormErrors(errors, t)), status: status)
    }
}

extension PasswordResetController {
    /// `password_forgot.mustache`: a username or an e-mail address, in one field.
    struct ForgotForm: FormDecodable {
        let login: String

        init(form: FormFields) throws {
            login = try form.require("login")
        }
    }

    /// `password_reset.mustache`.
    struct ResetForm: FormDecodable {
        let password: String
        let passwordConfirmation: String

        init(form: FormFields) throws {
            password = try form.require("password")
            passwordConfirmation = try form.require("password_confirmation")
        }
    }
}
