import CabildoCore
import Mustache

struct QueuePage: Page {
    static let template = "mod_queue"
    let layout: Layout
    let items: [ModeratedPostView]

    func value(_ name: String) -> Any? {
        switch name {
        case "items": items
        case "empty": items.isEmpty
        default: nil
        }
    }
}

struct ModeratePostPage: Page {
    static let template = "mod_post"
    let layout: Layout
    let item: ModeratedPostView

    func value(_ name: String) -> Any? { name == "item" ? item : nil }
}

struct ModerateThreadPage: Page {
    static let template = "mod_thread"
    let layout: Layout
    let threadTitle: String
    let threadPath: String
    let lockForm: ActionForm
    let pinForm: ActionForm
    let proposalForm: ActionForm
    let moveAction: String
    let boards: [OptionView]

    func value(_ name: String) -> Any? {
        switch name {
        case "threadTitle": threadTitle
        case "threadPath": threadPath
        case "lockForm": lockForm
        case "pinForm": pinForm
        case "proposalForm": proposalForm
        case "moveAction": moveAction
        case "boards": boards
        default: nil
        }
    }
}

/// A one-button staff form with its required reason, rendered by `action_form.mustache`.
struct ActionForm: MustacheParent, Sendable {
    let path: String
    let label: String
    /// Pre-filled so a queue action stays one click; staff can rewrite it.
    var reason = ""
    /// Where to come back after the action ("" = the target's page).
    var next = ""

    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "label": label
        case "reason": reason
        case "next": next
        default: nil
        }
    }
}

/// A post as staff see it in the queue or on its moderation page: body, state, flags, actions.
struct ModeratedPostView: MustacheParent, Sendable {
    let author: MemberName
    let threadTitle: String
    let postPath: String
    let moderatePath: String
    let posted: String
    let html: String
    let state: String
    let flags: [FlagView]
    /// The author's request for review, while undecided.
    let appeal: String?
    let forms: [ActionForm]

    init(post: Post, threadTitle: String, flags: [Flag], appeal: Appeal?, next: String, context: AppRequestContext, t: Messages) {
        let language = context.visitor.language
        author = MemberName(post.authorName, t)
        self.threadTitle = threadTitle
        postPath = SiteURL.post(post.threadId, post.id)
        moderatePath = SiteURL.moderatePost(post.id)
        posted = t.date(post.createdAt)
        html = post.bodyHTML
        state = post.isDeleted ? t["post_deleted"] : post.isHidden ? t["state_hidden"] : post.held ? t["state_held"] : ""
        self.flags = flags.map { FlagView($0, language: language, t: t) }
        self.appeal = appeal?.text
        let flagged = flags.isEmpty ? "" : t.format("reason_flagged", [
            "reasons": Set(flags.map(\.reason)).map { t["flag_" + $0.rawValue] }.sorted().joined(separator: ", "),
        ])
        var forms: [ActionForm] = []
        func offer(_ action: Action, _ name: String, label: String, reason: String) {
            guard context.can(action, on: post.author) else { return }
            forms.append(ActionForm(path: SiteURL.moderatePost(post.id, name), label: t[label], reason: reason, next: next))
        }
        if !post.isDeleted {
            if post.held && !post.isHidden { offer(.approvePost, "approve", label: "action_approve", reason: t["reason_approve"]) }
            if post.isHidden {
                // A request for review is decided either way, each with its reason: restore, or keep hidden.
                offer(Permissions.restoreAction(for: post), "restore", label: appeal == nil ? "action_restore" : "action_uphold_appeal",
                      reason: t["reason_restore"])
                if appeal != nil {
                    offer(Permissions.restoreAction(for: post), "dismiss-appeal", label: "action_dismiss_appeal",
                          reason: t["reason_dismiss_appeal"])
                }
            }
            if !post.isHidden {
                offer(.hidePost, "hide", label: "action_hide", reason: flagged.isEmpty ? t["reason_reject"] : flagged)
            }
        }
        if !flags.isEmpty { offer(.dismissFlags, "dismiss", label: "action_dismiss", reason: t["reason_dismiss"]) }
        self.forms = forms
    }

    func child(named name: String) -> Any? {
        switch name {
        case "author": author.text
        case "authorPath": author.path ?? false
        case "threadTitle": threadTitle
        case "postPath": postPath
        case "moderatePath": moderatePath
        case "posted": posted
        case "html": html
        case "state": state.isEmpty ? false : state
        case "flags": flags
        case "hasFlags": !flags.isEmpty
        case "appeal": appeal ?? false
        case "forms": forms
        default: nil
        }
    }
}

struct FlagView: MustacheParent, Sendable {
    let flagger: MemberName
    let reason: String
    let note: String
    let date: String

    init(_ flag: Flag, language: Language, t: Messages) {
        flagger = MemberName(flag.flaggerName, t)
        reason = t["flag_" + flag.reason.rawValue]
        note = flag.note
        date = t.date(flag.createdAt)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "flagger": flagger.text
        case "flaggerPath": flagger.path ?? false
        case "reason": reason
        case "note": note.isEmpty ? false : note
        case "date": date
        default: nil
        }
    }
}
