import Mustache

struct EditPostPage: Page {
    static let template = "post_edit"
    let layout: Layout
    let action: String
    let postPath: String
    let bodyValue: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "action": action
        case "postPath": postPath
        case "bodyValue": bodyValue
        case "errors": errors
        default: nil
        }
    }
}

struct HistoryPage: Page {
    static let template = "post_history"
    let layout: Layout
    let postPath: String
    let author: String
    let revisions: [RevisionView]

    func value(_ name: String) -> Any? {
        switch name {
        case "postPath": postPath
        case "author": author
        case "revisions": revisions
        default: nil
        }
    }
}

struct RevisionView: MustacheParent, Sendable {
    let html: String
    let date: String

    func child(named name: String) -> Any? {
        switch name {
        case "html": html
        case "date": date
        default: nil
        }
    }
}
