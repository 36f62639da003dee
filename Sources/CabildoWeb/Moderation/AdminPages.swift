import CabildoCore
import Mustache

struct AdminBoardsPage: Page {
    static let template = "admin_boards"
    let layout: Layout
    let boards: [AdminBoardView]
    let slugValue: String
    let titleESValue: String
    let titleENValue: String
    let errors: FormErrors

    func value(_ name: String) -> Any? {
        switch name {
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

    init(_ board: Board, isFirst: Bool, isLast: Bool, t: Messages) {
        self.board = board
        renameAction = SiteURL.adminBoard(board.slug, "rename")
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
