import CabildoCore

/// `settings_email.mustache`: the member's address (confirmed, waiting) and notification mail.
struct EmailSettingsPage: Page {
    static let template = "settings_email"
    let layout: Layout
    /// Without `CABILDO_SMTP_URL` the page only says so.
    let mailOff: Bool
    let notice: String?
    let confirmedSentence: String?
    let pendingSentence: String?
    let emailValue: String
    let choices: [OptionView]
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": SiteURL.settingsEmail.path
        case "mailOff": mailOff
        case "notice": notice ?? false
        case "confirmedSentence": confirmedSentence ?? false
        case "pendingSentence": pendingSentence ?? false
        case "emailValue": emailValue
        case "choices": choices
        case "errors": errors
        default: nil
        }
    }
}

/// `password_forgot.mustache`: a name or an address; after sending, the same sentence for everyone.
struct PasswordForgotPage: Page {
    static let template = "password_forgot"
    let layout: Layout
    let mailOff: Bool
    let sent: Bool
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": SiteURL.passwordForgot.path
        case "mailOff": mailOff
        case "sent": sent
        case "errors": errors
        default: nil
        }
    }
}

/// `password_reset.mustache`: the new password, twice; or why the link no longer works.
struct PasswordResetPage: Page {
    static let template = "password_reset"
    let layout: Layout
    /// The link's own path, which the form posts back to.
    let action: String
    let linkWorks: Bool
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": action
        case "linkWorks": linkWorks
        case "forgotPath": SiteURL.passwordForgot.path
        case "errors": errors
        default: nil
        }
    }
}

/// `unsubscribe.mustache`: one button, so that a link scanner opening the mail's link changes
/// nothing; after it, what was done.
struct UnsubscribePage: Page {
    static let template = "unsubscribe"
    let layout: Layout
    let action: String
    let done: Bool

    func value(_ name: String) -> Any? {
        switch name {
        case "action": action
        case "done": done
        case "settingsPath": SiteURL.settingsEmail.path
        default: nil
        }
    }
}
