import CabildoStore
import CabildoCore
import Mustache

struct SettingsPage: Page {
    static let template = "settings"
    let layout: Layout
    let notice: String?
    let languages: [OptionView]
    let stakeholders: [OptionView]
    let watchParticipation: Bool
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "notice": notice ?? false
        case "languages": languages
        case "stakeholders": stakeholders
        case "watchParticipation": watchParticipation
        case "errors": errors
        default: nil
        }
    }
}
