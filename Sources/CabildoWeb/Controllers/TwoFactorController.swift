import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Two-factor sign-in in the member's settings (`/settings/2fa`). Enrolling keeps a pending
/// secret (the same one however often the page is opened) until a correct code confirms it; the
/// ten recovery codes are shown once, on the page that answers that code. Turning it on or off
/// ends the member's other sessions, which signed in without it or with it.
struct TwoFactorController {
    let store: any ForumStore
    let renderer: Renderer
    let secondFactor: SecondFactorCheck

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settingsTwoFactor, use: show)
        router.post(.settingsTwoFactor, use: submit)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsTwoFactor.path)
        let notice = request.uri.queryParameters.get("off") != nil ? "two_factor_turned_off" : nil
        return try await page(for: user, context: context, notice: notice, error: nil, status: .ok)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsTwoFactor.path)
        let form = try context.decode(TwoFactorForm.self)
        let state = try await store.twoFactor(userId: user.id)
        let t = renderer.catalogs[context.visitor.language]
        switch form.action {
        case .enable:
            // A form from before it was turned on (another tab) has nothing left to confirm.
            guard let state, !state.isOn else { return redirect(to: SiteURL.settingsTwoFactor.path) }
            guard let step = TOTPSecret(text: state.secret).matchingStep(of: form.code, at: context.visitor.now) else {
                return try await page(for: user, context: context, notice: nil, error: t["error_code_wrong"], status: .unprocessableContent)
            }
            let codes = RecoveryCodes.generate()
            guard try await store.enableTwoFactor(userId: user.id, step: step, recoveryCodeDigests: codes.compactMap(RecoveryCodes.digest),
                                                  keepingSession: context.visitor.sessionTokenHash, at: context.visitor.now) else {
                return redirect(to: SiteURL.settingsTwoFactor.path)
            }
            context.logger.info("two-factor sign-in turned on", metadata: ["user": "\(user.id)"])
            var enrolled = context.visitor
            enrolled.user?.twoFactorHold = .none
            return renderer.render(TwoFactorSettingsPage(.recoveryCodes(codes), visitor: enrolled, renderer: renderer))
        case .disable:
            guard state?.isOn == true else { return redirect(to: SiteURL.settingsTwoFactor.path) }
            let outcome = try await secondFactor.check(form.code, userId: user.id, at: context.visitor.now)
            if let refusal = outcome.refusal(renderer.catalogs[context.visitor.language]) {
                return try await page(for: user, context: context, notice: nil, error: t.format(refusal.error.messageKey, refusal.error.values),
                                      status: refusal.status)
            }
            try await store.disableTwoFactor(userId: user.id, keepingSession: context.visitor.sessionTokenHash)
            context.logger.info("two-factor sign-in turned off", metadata: ["user": "\(user.id)"])
            return redirect(to: SiteURL.settingsTwoFactorOff)
        }
    }

    /// The page for the member's state: on, or enrolling with their pending secret (made now if none).
    private func page(for user: User, context: AppRequestContext, notice: String?, error: String?,
                      status: HTTPResponse.Status) async throws -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let step: TwoFactorSettingsPage.Step
        if let state = try await store.twoFactor(userId: user.id), let since = state.enabledAt {
            step = .on(since: t.format("two_factor_on_since", ["date": t.date(since)]),
                       codesLeft: t.count(state.recoveryCodesLeft, "count_recovery_codes_left"))
        } else {
            let secret = try await store.beginTwoFactor(userId: user.id, secret: TOTPSecret.random().text, at: context.visitor.now)
            step = .enrolling(.init(secret: TOTPSecret(text: secret), username: user.username))
        }
        let page = TwoFactorSettingsPage(step, visitor: context.visitor, renderer: renderer, notice: notice.map { t[$0] }, error: error)
        return renderer.render(page, status: status)
    }
}

extension TwoFactorController {
    /// `two_factor.mustache`: each form says what it is for, so one left open in another tab
    /// cannot turn off what the member just turned on.
    struct TwoFactorForm: FormDecodable {
        enum Action: String, CaseIterable { case enable, disable }
        let action: Action
        let code: String

        init(form: FormFields) throws {
            action = try form.choice("action")
            code = try form.require("code")
        }
    }
}
