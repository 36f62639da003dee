import CabildoCore

/// `close_account.mustache`: what closing does, then the confirmation form.
struct CloseAccountPage: Page {
    static let template = "close_account"
    let layout: Layout
    /// Two-factor sign-in is on: closing asks for a code too.
    let asksCode: Bool
    /// Not while suspended: removing the text deletes posts, which a suspension forbids.
    let canRemoveText: Bool
    let removeTextChecked: Bool
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": SiteURL.settingsDelete.path
        case "asksCode": asksCode
        case "canRemoveText": canRemoveText
        case "removeTextChecked": removeTextChecked
        case "errors": errors
        default: nil
        }
    }
}
