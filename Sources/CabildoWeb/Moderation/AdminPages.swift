import CabildoCore
import Foundation
import Mustache

struct AdminBoardsPage: Page {
    static let template = "admin_boards"
    let layout: Layout
    let boards: [AdminBoardView]
    let slugValue: String
    let titleESValue: String
    let titleENValue: String
    let errors: FormErrors
    /// "America/Guatemala": the zone the dates are typed in.
    let timeZone: String

    func value(_ name: String) -> Any? {
        switch name {
        case "timeZone": timeZone
        case "boards": boards
        case "slugValue": slugValue
        case "titleESValue": titleESValue
        case "titleENValue": titleENValue
        case "errors": errors
        default: nil
        }
    }
}

/// One board with the forms that change it.
struct AdminBoardView: MustacheParent, Sendable {
    let board: Board
    let renameAction: String
    let forms: [ActionForm]
    /// The phase and panel forms' actions and current values, dates as `datetime-local` values.
    let scheduleAction: String
    let panelAction: String
    let opensAt: String
    let closesAt: String
    let panel: BoardPanel
    let panelStartsAt: String
    let panelEndsAt: String

    init(_ board: Board, isFirst: Bool, isLast: Bool, t: Messages) {
        self.board = board
        renameAction = SiteURL.adminBoard(board.slug, "rename")
        scheduleAction = SiteURL.adminBoard(board.slug, "schedule")
        panelAction = SiteURL.adminBoard(board.slug, "panel")
        opensAt = board.schedule.opensAt.map(t.dates.inputValue) ?? ""
        closesAt = board.schedule.closesAt.map(t.dates.inputValue) ?? ""
        panel = board.panel ?? BoardPanel()
        panelStartsAt = panel.startsAt.map(t.dates.inputValue) ?? ""
        panelEndsAt = panel.endsAt.map(t.dates.inputValue) ?? ""
        forms = (isFirst ? [] : [ActionForm(path: SiteURL.adminBoard(board.slug, "up"), label: t["action_move_up"])])
            + (isLast ? [] : [ActionForm(path: SiteURL.adminBoard(board.slug, "down"), label: t["action_move_down"])])
            + [board.archived
                ? ActionForm(path: SiteURL.adminBoard(board.slug, "unarchive"), label: t["action_unarchive"])
                : ActionForm(path: SiteURL.adminBoard(board.slug, "archive"), label: t["action_archive"])]
    }

    func child(named name: String) -> Any? {
        switch name {
        case "slug": board.slug
        case "path": SiteURL.board(board.slug)
        case "titleES": board.titleES
        case "titleEN": board.titleEN
        case "archived": board.archived
        case "renameAction": renameAction
        case "forms": forms
        case "scheduleAction": scheduleAction
        case "panelAction": panelAction
        case "opensAt": opensAt
        case "closesAt": closesAt
        case "panelStartsAt": panelStartsAt
        case "panelEndsAt": panelEndsAt
        case "panelPlace": panel.place
        case "panelModerators": panel.moderators
        case "panelPanelists": panel.panelists
        case "panelStreamURL": panel.streamURL
        default: nil
        }
    }
}

struct WatchedWordsPage: Page {
    static let template = "admin_words"
    let layout: Layout
    let words: [WordView]
    let phraseValue: String
    let responses: [OptionView]
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
        case "words": words
        case "empty": words.isEmpty
        case "phraseValue": phraseValue
        case "responses": responses
        case "errors": errors
        default: nil
        }
    }
}

struct WordView: MustacheParent, Sendable {
    let phrase: String
    let response: String
    let form: ActionForm

    func child(named name: String) -> Any? {
        switch name {
        case "phrase": phrase
        case "response": response
        case "form": form
        default: nil
        }
    }
}
