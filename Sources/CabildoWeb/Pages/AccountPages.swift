import Mustache

struct RegisterPage: Page {
    static let template = "register"
    let layout: Layout
    let usernameValue: String
    let stakeholders: [OptionView]
    let departments: [OptionView]
    let next: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "usernameValue": usernameValue
        case "stakeholders": stakeholders
        case "departments": departments
        case "next": next
        case "errors": errors
        default: nil
        }
    }
}

struct LoginPage: Page {
    static let template = "login"
    let layout: Layout
    let usernameValue: String
    let failed: Bool
    /// Why the form is shown again without a mistake of the member's (an expired second step).
    let notice: String?
    let next: String

    func value(_ name: String) -> Any? {
        switch name {
        case "usernameValue": usernameValue
        case "failed": failed
        case "notice": notice ?? false
        case "next": next
        default: nil
        }
    }
}

/// One `<option>` of a `<select>`.
struct OptionView: MustacheParent, Sendable {
    let value: String
    let label: String
    let selected: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}
