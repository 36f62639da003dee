import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A member's own settings: language, stakeholder group, password. Also the language
/// switch in every page's footer, which works for visitors who are not signed in (a cookie).
struct SettingsController {
    let store: any ForumStore
    let renderer: Renderer
    let passwords: PasswordService
    let cookies: CookieJar
    let limits: RateLimits

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settings, use: show)
        router.post(.settings, use: savePreferences)
        router.post(.settingsPassword, use: changePassword)
        router.post(.language, use: switchLanguage)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settings.path)
        let saved = request.uri.queryParameters.get("saved") != nil
        return render(user: user, context: context, notice: saved ? "settings_saved" : nil, errors: [], status: .ok)
    }

    @Sendable func savePreferences(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.authorize(.changeSettings, returnTo: SiteURL.settings.path)
        guard let stakeholder = Stakeholder(rawValue: try context.form.require("stakeholder")) else { throw AppError.badRequest }
        let languageValue = try context.form.require("language")
        let language = Language(rawValue: languageValue)
        guard language != nil || languageValue.isEmpty else { throw AppError.badRequest }
        try await store.updateSettings(userId: user.id, language: language, stakeholder: stakeholder)
        return redirect(to: SiteURL.settingsSaved)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.authorize(.changeSettings, returnTo: SiteURL.settings.path)
        let current = try context.form.require("current_password")
        let new = try context.form.require("password")
        let confirmation = try context.form.require("password_confirmation")
        // Guessing the current password costs a sign-in attempt, before any hashing.
        try limits.passwordCheck(context, by: user)
        let stored = try await store.credentials(userId: user.id)
        guard try await passwords.verify(current, against: stored) else {
            return render(user: user, context: context, notice: nil,
                          errors: [ValidationError(field: "current_password", messageKey: "error_current_password")],
                          status: .unprocessableContent)
        }
        if let error = Rules.validatePassword(new, confirmation: confirmation) {
            return render(user: user, context: context, notice: nil, errors: [error], status: .unprocessableContent)
        }
        try await store.setPasswordHash(userId: user.id, hash: try await passwords.hash(new))
        // Whoever else held a session with the old password is signed out.
        try await store.deleteOtherSessions(userId: user.id, keeping: context.visitor.sessionTokenHash)
        context.logger.info("password changed", metadata: ["user": "\(user.id)"])
        return redirect(to: SiteURL.settingsSaved)
    }

    @Sendable func switchLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let language = Language(rawValue: try context.form.require("language")) else { throw AppError.badRequest }
        // A suspended member's choice stays in the cookie: their account's settings are frozen.
        if let user = context.visitor.user, context.can(.changeSettings) {
            try await store.updateSettings(userId: user.id, language: language, stakeholder: user.stakeholder)
        }
        var response = redirect(to: SiteURL.safeReturn(context.form["next"]))
        response.setCookie(cookies.languageCookie(language.rawValue))
        return response
    }

    private func render(user: User, context: AppRequestContext, notice: String?, errors: [ValidationError],
                        status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = SettingsPage(
            layout: renderer.layout(context.visitor, title: t["settings"]),
            notice: notice.map { t[$0] },
            languages: [OptionView(value: "", label: t["language_automatic"], selected: user.language == nil)]
                + Language.allCases.map { OptionView(value: $0.rawValue, label: t["language_" + $0.rawValue], selected: user.language == $0) },
            stakeholders: Stakeholder.allCases.map {
                OptionView(value: $0.rawValue, label: t["stakeholder_" + $0.rawValue], selected: $0 == user.stakeholder)
            },
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}
