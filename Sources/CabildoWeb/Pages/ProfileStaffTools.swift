import CabildoCore
import Mustache

/// The suspension and role forms staff see on a member's profile, each only when the policy allows it.
struct ProfileStaffTools: MustacheParent, Sendable {
    var suspendAction: String?
    var unsuspendForm: ActionForm?
    var roleAction: String?
    var durations: [OptionView] = []
    var roles: [OptionView] = []

    init?(user: User, context: AppRequestContext, t: Messages) {
        let now = context.visitor.now
        if context.can(.suspendUser, on: user.account) {
            if user.isSuspended(at: now) {
                unsuspendForm = ActionForm(path: SiteURL.moderateUser(user.username, "unsuspend"), label: t["action_unsuspend"])
            } else {
                suspendAction = SiteURL.moderateUser(user.username, "suspend")
                durations = [1, 3, 7, 30, 365].map { OptionView(value: "\($0)", label: t.format("days", ["n": "\($0)"]), selected: $0 == 7) }
                    + [OptionView(value: "", label: t["until_lifted"], selected: false)]
            }
        }
        if context.can(.setRole, on: user.account) {
            roleAction = SiteURL.moderateUser(user.username, "role")
            roles = Role.allCases.map { OptionView(value: $0.rawValue, label: t["role_" + $0.rawValue], selected: $0 == user.role) }
        }
        if suspendAction == nil, unsuspendForm == nil, roleAction == nil { return nil }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "suspendAction": suspendAction ?? false
        case "unsuspendForm": unsuspendForm ?? false
        case "roleAction": roleAction ?? false
        case "durations": durations
        case "roles": roles
        default: nil
        }
    }
}
