import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Registering, signing in and signing out.
struct AccountController {
    let store: any ForumStore
    let renderer: Renderer
    let passwords: PasswordService
    let cookies: CookieJar
    let limits: RateLimits
    let metrics: ForumMetrics
    let devices: DeviceCookies

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.register, use: registerForm)
        router.post(.register, use: register)
        router.get(.login, use: loginForm)
        router.post(.login, use: login)
        router.post(.logout, use: logout)
    }

    @Sendable func registerForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderRegister(context: context, username: "", stakeholder: "", department: nil, errors: [], status: .ok,
                       next: request.uri.queryParameters.get("next"))
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decode(RegisterForm.self)
        // People never see the `website` field; bots fill in every field they find.
        if !form.website.isEmpty {
            limits.honeypotTripped(context)
            return renderRegister(context: context, username: "", stakeholder: "", department: nil,
                                  errors: [ValidationError(field: "username", messageKey: "error_registration_refused")],
                                  status: .unprocessableContent, next: form.next)
        }
        let username = Rules.normalizeUsername(form.username)
        var errors = [Rules.validateUsername(username), Rules.validatePassword(form.password, confirmation: form.passwordConfirmation)]
            .compactMap { $0 }
        let stakeholder = Stakeholder(rawValue: form.stakeholder)
        if stakeholder == nil { errors.append(ValidationError(field: "stakeholder", messageKey: "error_stakeholder")) }
        var department: Department?
        switch DepartmentField.parse(form.department) {
        case .success(let answer): department = answer
        case .failure(let error): errors.append(error)
        }
        guard errors.isEmpty, let stakeholder else {
            return renderRegister(context: context, username: username, stakeholder: form.stakeholder, department: department,
                                  errors: errors, status: .unprocessableContent, next: form.next)
        }
        // Counted only for a form that would make an account, so typos cost nothing.
        try await limits.registration(context)
        let user: User
        do {
            let hash = try await passwords.hash(form.password)
            user = try await store.createUser(NewUser(username: username, passwordHash: hash, role: .member,
                                                      stakeholder: stakeholder, department: department,
                                                      // The server's clock, as every age is measured by (a new account's limits).
                                                      createdAt: context.visitor.now))
        } catch StoreError.usernameTaken {
            return renderRegister(context: context, username: username, stakeholder: form.stakeholder, department: department,
                                  errors: [ValidationError(field: "username", messageKey: "error_username_taken")],
                                  status: .unprocessableContent, next: form.next)
        }
        context.logger.info("account registered", metadata: ["user": "\(user.id)"])
        return try await startSession(for: user, request: request, redirectTo: SiteURL.safeReturn(form.next))
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        return Self.loginPage(renderer: renderer, context: context, username: "", failed: false,
                              notice: query.get("reset") != nil ? "password_reset_done" : nil, next: query.get("next"), status: .ok)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try context.decode(LoginForm.self)
        let usernameKey = Rules.usernameKey(form.username)
        // Before any hashing: a flood of guesses costs the server nothing.
        try await limits.login(context, usernameKey: usernameKey, device: devices.device(in: request, for: usernameKey))
        let found = try await store.credentials(usernameKey: usernameKey)
        // Unknown usernames verify against a dummy hash: same time as a wrong password.
        guard try await passwords.verify(form.password, against: found?.passwordHash), let found else {
            context.logger.notice("login failed")
            metrics.signIn(succeeded: false)
            return renderLogin(context: context, username: form.username, failed: true, status: .unprocessableContent,
                               next: form.next)
        }
        metrics.signIn(succeeded: true)
        if passwords.needsRehash(found.passwordHash) {
            try await store.setPasswordHash(userId: found.user.id, hash: try await passwords.hash(form.password))
        }
        var response: Response
        if try await store.twoFactor(userId: found.user.id)?.isOn == true {
            // The password was right; the session waits for the code (`LoginCodeController`).
            let token = Tokens.random()
            try await store.createSignInChallenge(tokenHash: Tokens.sha256(token), userId: found.user.id, at: context.visitor.now,
                                                  lifetime: LoginCodeController.challengeLifetime)
            response = redirect(to: SiteURL.loginCode(returningTo: form.next.map(SiteURL.safeReturn)))
            response.setCookie(cookies.signInChallengeCookie(token))
        } else {
            if let old = context.visitor.sessionTokenHash { try await store.deleteSession(tokenHash: old) }
            response = try await startSession(for: found.user, request: request, redirectTo: SiteURL.safeReturn(form.next))
        }
        response.setCookie(devices.cookie(for: usernameKey))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let hash = context.visitor.sessionTokenHash { try await store.deleteSession(tokenHash: hash) }
        var response = redirect(to: SiteURL.home.path)
        response.setCookie(cookies.expired(CookieJar.session))
        return response
    }

    /// A fresh token on every sign-in (no session fixation); only its SHA-256 is stored.
    private func startSession(for user: User, request: Request, redirectTo path: String) async throws -> Response {
        let token = Tokens.random()
        try await store.createSession(tokenHash: Tokens.sha256(token), userId: user.id,
                                      userAgent: request.headers[.userAgent] ?? "", at: Date())
        var response = redirect(to: path)
        response.setCookie(cookies.sessionCookie(token))
        return response
    }

    /// `username` as it will be stored (normalized), `stakeholder` and `department` as chosen.
    private func renderRegister(context: AppRequestContext, username: String, stakeholder: String, department: Department?,
                                errors: [ValidationError], status: HTTPResponse.Status, next: String?) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = RegisterPage(
            layout: renderer.layout(context.visitor, title: t["register"]),
            usernameValue: username,
            stakeholders: Stakeholder.allCases.map {
                OptionView(value: $0.rawValue, label: t["stakeholder_" + $0.rawValue], selected: $0.rawValue == stakeholder)
            },
            departments: DepartmentField.options(selected: department, t: t),
            next: next.map(SiteURL.safeReturn) ?? "",
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }

    private func renderLogin(context: AppRequestContext, username: String, failed: Bool, status: HTTPResponse.Status,
                             next: String?) -> Response {
        Self.loginPage(renderer: renderer, context: context, username: username, failed: failed, notice: nil, next: next, status: status)
    }

    /// The password form, also where an expired second step sends the member back to.
    static func loginPage(renderer: Renderer, context: AppRequestContext, username: String, failed: Bool, notice: String?,
                          next: String?, status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = LoginPage(
            layout: renderer.layout(context.visitor, title: t["login"]),
            usernameValue: username,
            failed: failed,
            notice: notice.map { t[$0] },
            next: next.map(SiteURL.safeReturn) ?? ""
        )
        return renderer.render(page, status: status)
    }
}

extension AccountController {
    /// `register.mustache`. `stakeholder` and `department` stay text: a wrong one is shown back with a message (422).
    struct RegisterForm: FormDecodable {
        /// The honeypot: hidden from people, so anything in it was typed by a bot.
        let website: String
        let username: String
        let password: String
        let passwordConfirmation: String
        let stakeholder: String
        /// Optional: empty or absent is unanswered.
        let department: String
        /// Where to go once registered, if it is a path on this site (`SiteURL.safeReturn`).
        let next: String?

        init(form: FormFields) throws {
            website = form.text("website")
            next = form["next"]
            department = form.text(DepartmentField.name)
            // A bot's form is answered as a bot's whatever else it left out: the honeypot is checked first.
            guard website.isEmpty else {
                (username, password, passwordConfirmation, stakeholder) = ("", "", "", "")
                return
            }
            username = try form.require("username")
            password = try form.require("password")
            passwordConfirmation = try form.require("password_confirmation")
            stakeholder = try form.require("stakeholder")
        }
    }

    /// `login.mustache`.
    struct LoginForm: FormDecodable {
        let username: String
        let password: String
        let next: String?

        init(form: FormFields) throws {
            username = try form.require("username")
            password = try form.require("password")
            next = form["next"]
        }
    }
}
