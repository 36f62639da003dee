import CabildoStore
import CabildoCore
import Mustache

struct SettingsPage: Page {
    static let template = "settings"
    let layout: Layout
    let notice: String?
    let languages: [OptionView]
    let stakeholders: [OptionView]
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "notice": notice ?? false
        case "languages": languages
        case "stakeholders": stakeholders
        case "errors": errors
        default: nil
        }
    }
}

struct ProfilePage: Page {
    static let template = "profile"
    let layout: Layout
    let username: String
    let stakeholder: String
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
        case "profileName": username
        case "stakeholder": stakeholder
        case "role": role.isEmpty ? false : role
        case "joined": joined
        case "postCount": postCount
        case "recent": recent
        default: nil
        }
    }
}

/// A post listed outside its thread: on a profile, in a feed.
struct FeedItemView: MustacheParent, Sendable {
    let threadTitle: String
    let path: String
    let author: String
    let html: String
    let date: String
    let isoDate: String
    let id: String

    init(_ entry: FeedEntry, _ language: Language) {
        threadTitle = entry.threadTitle
        path = SiteURL.post(entry.threadId, entry.postId)
        author = entry.authorName
        html = entry.html
        date = DateText.guatemala.display(entry.createdAt, language)
        isoDate = DateText.iso8601(entry.createdAt)
        id = String(entry.postId)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "path": path
        case "author": author
        case "html": html
        case "date": date
        case "isoDate": isoDate
        case "id": id
        default: nil
        }
    }
}
