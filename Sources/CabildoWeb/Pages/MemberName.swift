import CabildoCore

/// How a page names a member: by username, linked to their profile; or, once they closed their
/// account (the store gives no name), as "cuenta eliminada", linked nowhere, so no page leads
/// from a closed account's posts back to the name it had.
struct MemberName: Sendable {
    let text: String
    /// The profile; nil for a closed account.
    let path: String?

    init(_ username: String?, _ t: Messages) {
        text = username ?? t["account_deleted"]
        path = username.map(SiteURL.user)
    }
}
