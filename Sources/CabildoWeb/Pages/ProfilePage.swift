import CabildoCore
import CabildoStore
import Foundation
import Mustache

/// A member's public profile: group, join date, recent posts, and staff tools for staff. A closed
/// account's profile says only that: not even the name it is reached by.
struct ProfilePage: Page {
    static let template = "profile"
    let layout: Layout
    var closed = false
    let username: String
    let stakeholder: String
    /// Only when the member chose to show it (`users.show_department`) and has answered.
    var department: String?
    let role: String
    let joined: String
    let postCount: String
    let recent: [FeedItemView]
    /// Public, like the log: "suspended until …, because …".
    var suspension: String?
    var staff: ProfileStaffTools?

    func value(_ name: String) -> Any? {
        switch name {
        case "profileSuspension": suspension ?? false
        case "staff": staff ?? false
        case "closed": closed
        case "profileName": username
        case "stakeholder": stakeholder
        case "department": department ?? false
        case "role": role.isEmpty ? false : role
        case "joined": joined
        case "postCount": postCount
        case "recent": recent
        default: nil
        }
    }
}

extension ProfilePage {
    init(_ profile: UserProfile, context: AppRequestContext, renderer: Renderer) {
        let (user, visitor) = (profile.user, context.visitor)
        let t = renderer.catalogs[visitor.language]
        guard !user.isClosed else {
            self.init(layout: renderer.layout(visitor, title: t["account_deleted"]), closed: true, username: t["account_deleted"],
                      stakeholder: "", role: "", joined: "", postCount: "", recent: [])
            return
        }
        self.init(
            layout: renderer.layout(visitor, title: user.username),
            username: user.username,
            stakeholder: t["stakeholder_" + user.stakeholder.rawValue],
            department: user.showsDepartment ? user.department.flatMap { $0.isSaid ? t[$0.messageKey] : nil } : nil,
            role: user.role == .member ? "" : t["role_" + user.role.rawValue],
            joined: t.date(user.createdAt),
            postCount: t.format("count_posts", ["n": "\(profile.postCount)"]),
            recent: profile.recentPosts.map { FeedItemView($0, t) },
            suspension: t.suspension(of: user, at: visitor.now, language: visitor.language, keyPrefix: "profile_"),
            staff: ProfileStaffTools(user: user, context: context, t: t)
        )
    }
}

/// A post listed outside its thread: on a profile, in a feed.
struct FeedItemView: MustacheParent, Sendable {
    let threadTitle: String
    let path: String
    let html: String
    let date: String
    let isoDate: String
    let id: String

    init(_ entry: FeedEntry, _ t: Messages) {
        threadTitle = entry.threadTitle
        path = SiteURL.post(entry.threadId, entry.postId)
        html = entry.html
        date = t.date(entry.createdAt)
        isoDate = DateText.iso8601(entry.createdAt)
        id = String(entry.postId)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "path": path
        case "html": html
        case "date": date
        case "isoDate": isoDate
        case "id": id
        default: nil
        }
    }
}
