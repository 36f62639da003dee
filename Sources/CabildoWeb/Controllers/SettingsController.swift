import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// A member's own settings: language, stakeholder group, department, password. Also the language
/// switch in every page's footer, which works for visitors who are not signed in (a cookie).
struct SettingsController {
    let store: any ForumStore
    let renderer: Renderer
    let pages: PageCache
    let passwords: PasswordService
    let cookies: CookieJar
    let limits: RateLimits

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settings, use: pages.kept(show))
        router.post(.settings, use: savePreferences)
        router.post(.settingsPassword, use: changePassword)
        router.get(.settingsExport, use: export)
        router.post(.language, use: switchLanguage)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settings.path)
        let saved = request.uri.queryParameters.get("saved") != nil
        return render(user: user, context: context, notice: saved ? "settings_saved" : nil, preferenceErrors: [], errors: [], status: .ok)
    }

    /// My data: one JSON file to keep (`MemberExport`), never cached on the way.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsExport.path)
        guard let export = try await store.memberExport(userId: user.id) else { throw AppError.notFound }
        return Response(status: .ok, headers: [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"cabildo-\(user.id).json\"",
        ], body: .init(byteBuffer: ByteBuffer(data: try export.json())))
    }

    @Sendable func savePreferences(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.authorize(.changeSettings, returnTo: SiteURL.settings.path)
        let form = try context.decode(PreferencesForm.self)
        let department: Department?
        switch DepartmentField.parse(form.department) {
        case .success(let answer): department = answer
        case .failure(let error):
            return render(user: user, context: context, notice: nil, preferenceErrors: [error], errors: [], status: .unprocessableContent)
        }
        try await store.setDepartment(userId: user.id, department, shown: form.showDepartment)
        try await store.updateSettings(userId: user.id, language: form.language, stakeholder: form.stakeholder)
        try await store.setWatchesParticipation(userId: user.id, form.watchParticipation)
        return redirect(to: SiteURL.settingsSaved)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.authorize(.changeSettings, returnTo: SiteURL.settings.path)
        let form = try context.decode(PasswordForm.self)
        // Guessing the current password costs a sign-in attempt, before any hashing.
        try await limits.passwordCheck(context, by: user)
        let stored = try await store.credentials(userId: user.id)
        guard try await passwords.verify(form.currentPassword, against: stored) else {
            return render(user: user, context: context, notice: nil, preferenceErrors: [],
                          errors: [ValidationError(field: "current_password", messageKey: "error_current_password")],
                          status: .unprocessableContent)
        }
        if let error = Rules.validatePassword(form.password, confirmation: form.passwordConfirmation) {
            return render(user: user, context: context, notice: nil, preferenceErrors: [], errors: [error], status: .unprocessableContent)
        }
        try await store.setPasswordHash(userId: user.id, hash: try await passwords.hash(form.password))
        // Whoever else held a session with the old password is signed out.
        try await store.deleteOtherSessions(userId: user.id, keeping: context.visitor.sessionTokenHash)
        context.logger.info("password changed", metadata: ["user": "\(user.id)"])
        return redirect(to: SiteURL.settingsSaved)
    }

    @Sendable func switchLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decode(LanguageForm.self)
        // A suspended member's choice stays in the cookie: their account's settings are frozen.
        if let user = context.visitor.user, context.can(.changeSettings) {
            try await store.updateSettings(userId: user.id, language: form.language, stakeholder: user.stakeholder)
        }
        var response = redirect(to: SiteURL.safeReturn(form.next))
        response.setCookie(cookies.languageCookie(form.language.rawValue))
        return response
    }

    /// `preferenceErrors` belong to the preferences form, `errors` to the password form.
    private func render(user: User, context: AppRequestContext, notice: String?, preferenceErrors: [ValidationError],
                        errors: [ValidationError], status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = SettingsPage(
            layout: renderer.layout(context.visitor, title: t["settings"]),
            notice: notice.map { t[$0] },
            languages: [OptionView(value: "", label: t["language_automatic"], selected: user.language == nil)]
                + Language.allCases.map { OptionView(value: $0.rawValue, label: t["language_" + $0.rawValue], selected: user.language == $0) },
            stakeholders: Stakeholder.allCases.map {
                OptionView(value: $0.rawValue, label: t["stakeholder_" + $0.rawValue], selected: $0 == user.stakeholder)
            },
            departments: DepartmentField.options(selected: user.department, t: t),
            showDepartment: user.showsDepartment,
            watchParticipation: user.watchesParticipation,
            preferenceErrors: FormErrors(preferenceErrors, t),
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

extension SettingsController {
    /// `settings.mustache`'s preferences: the language and group selects, so a value they do not
    /// offer is a 400; the optional department, checked by the handler (422); two checkboxes.
    struct PreferencesForm: FormDecodable {
        let stakeholder: Stakeholder
        /// None: follow the browser's language.
        let language: Language?
        /// Watch the threads I open or reply to.
        let watchParticipation: Bool
        /// Empty: not answered.
        let department: String
        /// Show my department on my profile.
        let showDepartment: Bool

        init(form: FormFields) throws {
            stakeholder = try form.choice("stakeholder")
            language = try form.require("language").isEmpty ? nil : try form.choice("language")
            watchParticipation = form.isChecked("watch_participation")
            department = form.text(DepartmentField.name)
            showDepartment = form.isChecked("show_department")
        }
    }

    /// `settings.mustache`'s password change.
    struct PasswordForm: FormDecodable {
        let currentPassword: String
        let password: String
        let passwordConfirmation: String

        init(form: FormFields) throws {
            currentPassword = try form.require("current_password")
            password = try form.require("password")
            passwordConfirmation = try form.require("password_confirmation")
        }
    }

    /// The language switch in every page's footer (`layout.mustache`), and the page it came from.
    struct LanguageForm: FormDecodable {
        let language: Language
        let next: String?

        init(form: FormFields) throws {
            language = try form.choice("language")
            next = form["next"]
        }
    }
}
