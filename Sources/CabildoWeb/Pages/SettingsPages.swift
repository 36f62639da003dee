import CabildoStore
import CabildoCore
import Mustache

struct SettingsPage: Page {
    static let template = "settings"
    let layout: Layout
    let notice: String?
    let languages: [OptionView]
    let stakeholders: [OptionView]
    let departments: [OptionView]
    let showDepartment: Bool
    let watchParticipation: Bool
    let preferenceErrors: FormErrors
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "notice": notice ?? false
        case "languages": languages
        case "stakeholders": stakeholders
        case "departments": departments
        case "showDepartment": showDepartment
        case "watchParticipation": watchParticipation
        case "preferenceErrors": preferenceErrors
        case "errors": errors
        default: nil
        }
    }
}
