import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Leaving (`/settings/delete`): the page says what closing does before the member confirms
/// with their password; closing signs them out everywhere and names them nowhere.
struct CloseAccountController {
    let store: any ForumStore
    let renderer: Renderer
    let passwords: PasswordService
    let cookies: CookieJar
    let limits: RateLimits
    let secondFactor: SecondFactorCheck

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settingsDelete, use: show)
        router.post(.settingsDelete, use: close)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Where closing leads: the member is signed out by then, so this one answer needs no account.
        if context.visitor.user == nil, request.uri.queryParameters.get("closed") != nil {
            let t = renderer.catalogs[context.visitor.language]
            return renderer.render(NoticePage(layout: renderer.layout(context.visitor, title: t["close_account"]),
                                              message: t["account_closed_notice"], backPath: SiteURL.home.path, backLabel: t["back_home"]))
        }
        let user = try context.requireUser(returnTo: SiteURL.settingsDelete.path)
        return try await render(user: user, form: CloseForm(password: "", code: "", removeText: false), errors: [], status: .ok,
                                context: context)
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsDelete.path)
        let form = try context.decode(CloseForm.self)
        // Removing the text deletes every post: a suspended member may not, as they may not delete one.
        if form.removeText && !context.can(.deletePost, on: user.account) { throw AppError.forbidden() }
        // Guessing the password costs a sign-in attempt, before any hashing.
        try await limits.passwordCheck(context, by: user)
        guard try await passwords.verify(form.password, against: try await store.credentials(userId: user.id)) else {
            return try await render(user: user, form: form, errors: [ValidationError(field: "password", messageKey: "error_current_password")],
                                    status: .unprocessableContent, context: context)
        }
        // With two-factor on, a stolen session and password are not enough to close the account.
        if try await store.twoFactor(userId: user.id)?.isOn == true,
           let refusal = try await secondFactor.check(form.code, userId: user.id, at: context.visitor.now).refusal(renderer.catalogs[context.visitor.language]) {
            return try await render(user: user, form: form, errors: [refusal.error], status: refusal.status, context: context)
        }
        // The only admin is refused here (`StoreError.lastAdmin`, a 403 saying why), with nothing changed.
        try await store.closeAccount(userId: user.id, removingText: form.removeText, at: context.visitor.now)
        context.logger.info("account closed", metadata: ["user": "\(user.id)", "text_removed": "\(form.removeText)"])
        var response = redirect(to: SiteURL.accountClosed)
        response.setCookie(cookies.expired(CookieJar.session))
        return response
    }

    private func render(user: User, form: CloseForm, errors: [ValidationError], status: HTTPResponse.Status,
                        context: AppRequestContext) async throws -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = CloseAccountPage(
            layout: renderer.layout(context.visitor, title: t["close_account"]),
            asksCode: try await store.twoFactor(userId: user.id)?.isOn == true,
            canRemoveText: context.can(.deletePost, on: user.account),
            removeTextChecked: form.removeText,
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension CloseAccountController {
    /// `close_account.mustache`: the password, a code when two-factor sign-in is on (empty
    /// otherwise), and whether the posts' text goes too.
    struct CloseForm: FormDecodable {
        let password: String
        let code: String
        let removeText: Bool

        init(password: String, code: String, removeText: Bool) {
            self.password = password
            self.code = code
            self.removeText = removeText
        }

        init(form: FormFields) throws {
            password = try form.require("password")
            code = form.text("code")
            removeText = form.isChecked("remove_text")
        }
    }
}
