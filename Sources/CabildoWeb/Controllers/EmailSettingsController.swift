import CabildoCore
import CabildoMail
import CabildoStore
import Foundation
import Hummingbird

/// A member's e-mail address and notification mail (`/settings/email`), and the link that
/// confirms an address (`/email/confirm/{token}`). A new address is used only once confirmed;
/// until then mail keeps going to the confirmed one, if any, so a typo never cuts a member off.
/// The address is shown to its member alone, here, and written in no log.
struct EmailSettingsController {
    let store: any ForumStore
    let renderer: Renderer
    let limits: RateLimits
    /// `CABILDO_SMTP_URL` and `CABILDO_MAIL_FROM` are set.
    let mailOn: Bool
    let wakeup: MailWakeup

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.settingsEmail, use: show)
        router.post(.settingsEmail, use: save)
        router.get(.confirmEmail, use: confirm)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(returnTo: SiteURL.settingsEmail.path)
        let settings = try await store.emailSettings(userId: user.id, at: context.visitor.now)
        let query = request.uri.queryParameters
        let notice = query.get("sent") != nil ? "email_confirmation_sent" : query.get("saved") != nil ? "settings_saved" : nil
        // The waiting address, if any: saving the form as it is sends its link again.
        return render(context: context, settings: settings, emailValue: settings.pendingAddress ?? settings.confirmedAddress ?? "",
                      notice: notice, errors: [], status: .ok)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.authorize(.changeSettings, returnTo: SiteURL.settingsEmail.path)
        guard mailOn else { return render(context: context, settings: nil, emailValue: "", notice: nil, errors: [], status: .serviceUnavailable) }
        let form = try context.decode(EmailForm.self)
        let settings = try await store.emailSettings(userId: user.id, at: context.visitor.now)
        let typed = form.email.trimmingCharacters(in: .whitespacesAndNewlines)
        if typed.isEmpty {
            // An empty field removes the address, confirmed or waiting.
            try await store.forgetEmail(userId: user.id, confirmedToo: true)
        } else if typed.lowercased() == settings.confirmedAddress?.lowercased() {
            // The address in use, kept: a different one waiting for its link is dropped.
            if settings.pendingAddress != nil { try await store.forgetEmail(userId: user.id, confirmedToo: false) }
        } else {
            guard let address = MailAddress(typed) else {
                return render(context: context, settings: settings, emailValue: typed, notice: nil,
                              errors: [ValidationError(field: "email", messageKey: "error_email")], status: .unprocessableContent)
            }
            try await limits.emailConfirmation(context, by: user)
            try await store.saveMailNotifications(userId: user.id, form.mailNotifications)
            try await store.requestEmailConfirmation(userId: user.id, address: address.value, token: Tokens.random(),
                                                     language: user.language ?? context.visitor.language, at: context.visitor.now)
            wakeup.poke()
            context.logger.info("e-mail confirmation requested", metadata: ["user": "\(user.id)"])
            return redirect(to: SiteURL.settingsEmailSent)
        }
        try await store.saveMailNotifications(userId: user.id, form.mailNotifications)
        return redirect(to: SiteURL.settingsEmailSaved)
    }

    /// A link from the confirmation mail: it needs no session (the mail may be read on another
    /// device), since the token, sent only to that address, is the proof.
    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let t = renderer.catalogs[context.visitor.language]
        let outcome = token.utf8.count <= 64 ? try await store.confirmEmail(tokenHash: Tokens.sha256(token), at: context.visitor.now) : .invalid
        let (message, status): (String, HTTPResponse.Status)
        switch outcome {
        case .confirmed(let userId):
            context.logger.info("e-mail address confirmed", metadata: ["user": "\(userId)"])
            (message, status) = ("email_confirmed", .ok)
        case .addressTaken: (message, status) = ("email_address_taken", .conflict)
        case .invalid: (message, status) = ("email_link_invalid", .gone)
        }
        return renderer.render(NoticePage(layout: renderer.layout(context.visitor, title: t["email_settings"]), message: t[message],
                                          backPath: SiteURL.settingsEmail.path, backLabel: t["email_settings"]), status: status)
    }

    private func render(context: AppRequestContext, settings: EmailSettings?, emailValue: String, notice: String?,
                        errors: [ValidationError], status: HTTPResponse.Status) -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let chosen = settings?.mailNotifications ?? .each
        let page = EmailSettingsPage(
            layout: renderer.layout(context.visitor, title: t["email_settings"]),
            mailOff: !mailOn,
            notice: notice.map { t[$0] },
            confirmedSentence: settings?.confirmedAddress.map { t.format("email_confirmed_address", ["address": $0]) },
            pendingSentence: settings?.pendingAddress.map { t.format("email_pending_address", ["address": $0]) },
            emailValue: emailValue,
            choices: MailNotifications.allCases.map {
                OptionView(value: $0.rawValue, label: t["mail_notifications_" + $0.rawValue], selected: $0 == chosen)
            },
            errors: FormErrors(errors, t))
        return renderer.render(page, status: status)
    }
}

extension EmailSettingsController {
    /// `settings_email.mustache`. The choice is a radio group: anything it does not offer is a 400.
    struct EmailForm: FormDecodable {
        let email: String
        let mailNotifications: MailNotifications

        init(form: FormFields) throws {
            email = form.text("email")
            mailNotifications = try form.choice("mail_notifications")
        }
    }
}
