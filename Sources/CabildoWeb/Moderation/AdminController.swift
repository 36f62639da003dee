import CabildoCore
import CabildoStore
import Foundation
import Hummingbird

/// Admins' tools: the boards (create, rename, reorder, archive) and the watched words.
/// Each change needs a reason and lands in the public log like any moderation action.
struct AdminController {
    let store: any ForumStore
    let renderer: Renderer
    /// The forum's time zone, in which admins type a board's dates.
    var dates: DateText { renderer.catalogs[.es].dates }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.adminBoards, use: boards)
        router.post(.adminBoards, use: createBoard)
        router.post(.adminBoard, use: boardAction)
        router.get(.adminWords, use: words)
        router.post(.adminWords, use: addWord)
        router.post(.adminWord, use: removeWord)
    }

    @Sendable func boards(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.authorize(.manageBoards, returnTo: SiteURL.adminBoards.path)
        return try await renderBoards(slug: "", titleES: "", titleEN: "", errors: [], status: .ok, context: context)
    }

    @Sendable func createBoard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorize(.manageBoards, returnTo: SiteURL.adminBoards.path)
        let form = try context.decode(BoardForm.self)
        let reason = try context.decode(ModerationReason.self)
        var errors = [Rules.validateSlug(form.slug), Rules.validateBoardTitle(form.titleES, field: "title_es"),
                      Rules.validateBoardTitle(form.titleEN, field: "title_en"), reason.error].compactMap { $0 }
        if errors.isEmpty {
            do {
                try await store.apply(.createBoard(slug: form.slug, titleES: form.titleES, titleEN: form.titleEN), by: admin.id,
                                      reason: reason.text, at: context.visitor.now)
                return redirect(to: SiteURL.adminBoards.path)
            } catch StoreError.slugTaken {
                errors.append(ValidationError(field: "slug", messageKey: "error_slug_taken"))
            }
        }
        return try await renderBoards(slug: form.slug, titleES: form.titleES, titleEN: form.titleEN, errors: errors,
                                      status: .unprocessableContent, context: context)
    }

    @Sendable func boardAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorize(.manageBoards, returnTo: SiteURL.adminBoards.path)
        guard let board = try await store.board(slug: context.parameters.get("slug") ?? "") else { throw AppError.notFound }
        let action: ModerationAction
        switch context.parameters.get("action") {
        case "rename":
            let form = try context.decode(BoardForm.self)
            if let error = Rules.validateBoardTitle(form.titleES, field: "title_es")
                ?? Rules.validateBoardTitle(form.titleEN, field: "title_en") {
                throw AppError.unprocessable(messageKey: error.messageKey)
            }
            action = .renameBoard(board.id, titleES: form.titleES, titleEN: form.titleEN)
        case "up": action = .moveBoard(board.id, up: true)
        case "down": action = .moveBoard(board.id, up: false)
        case "archive": action = .archiveBoard(board.id)
        case "unarchive": action = .unarchiveBoard(board.id)
        case "schedule": action = .scheduleBoard(board.id, try context.decode(ScheduleForm.self).schedule(in: dates))
        case "panel": action = .setBoardPanel(board.id, try context.decode(PanelForm.self).panel(in: dates))
        default: throw AppError.notFound
        }
        let reason = try context.decode(ModerationReason.self).required()
        try await store.apply(action, by: admin.id, reason: reason, at: context.visitor.now)
        return redirect(to: SiteURL.adminBoards.path)
    }

    private func renderBoards(slug: String, titleES: String, titleEN: String, errors: [ValidationError],
                              status: HTTPResponse.Status, context: AppRequestContext) async throws -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = AdminBoardsPage(
            layout: renderer.layout(context.visitor, title: t["admin_boards"]),
            boards: try await Self.ordered(store.boards(), t: t),
            slugValue: slug, titleESValue: titleES, titleENValue: titleEN,
            errors: FormErrors(errors, t), timeZone: dates.timeZone.identifier
        )
        return renderer.render(page, status: status)
    }

    /// Boards as they are ordered by position (archived ones too), each offered only the moves it can make.
    private static func ordered(_ boards: [Board], t: Messages) -> [AdminBoardView] {
        let byPosition = boards.sorted { $0.position < $1.position }
        return byPosition.enumerated().map { AdminBoardView($0.element, isFirst: $0.offset == 0, isLast: $0.offset == byPosition.count - 1, t: t) }
    }

    @Sendable func words(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.authorize(.manageWatchedWords, returnTo: SiteURL.adminWords.path)
        return try await renderWords(phrase: "", errors: [], status: .ok, context: context)
    }

    @Sendable func addWord(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorize(.manageWatchedWords, returnTo: SiteURL.adminWords.path)
        let form = try context.decode(WordForm.self)
        let reason = try context.decode(ModerationReason.self)
        let phrase = WatchedWord.fold(form.phrase)
        var errors: [ValidationError] = []
        if !(1...100).contains(phrase.unicodeScalars.count) { errors.append(ValidationError(field: "phrase", messageKey: "error_phrase")) }
        if let reasonError = reason.error { errors.append(reasonError) }
        if errors.isEmpty {
            do {
                try await store.apply(.addWatchedWord(phrase, form.response), by: admin.id, reason: reason.text, at: context.visitor.now)
                return redirect(to: SiteURL.adminWords.path)
            } catch StoreError.duplicateWord {
                errors.append(ValidationError(field: "phrase", messageKey: "error_phrase_taken"))
            }
        }
        return try await renderWords(phrase: form.phrase, errors: errors, status: .unprocessableContent, context: context)
    }

    @Sendable func removeWord(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorize(.manageWatchedWords, returnTo: SiteURL.adminWords.path)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        let reason = try context.decode(ModerationReason.self).required()
        try await store.apply(.removeWatchedWord(id), by: admin.id, reason: reason, at: context.visitor.now)
        return redirect(to: SiteURL.adminWords.path)
    }

    private func renderWords(phrase: String, errors: [ValidationError], status: HTTPResponse.Status,
                             context: AppRequestContext) async throws -> Response {
        let t = renderer.catalogs[context.visitor.language]
        let page = WatchedWordsPage(
            layout: renderer.layout(context.visitor, title: t["watched_words"]),
            words: try await store.watchedWords().map {
                WordView(phrase: $0.phrase, response: t["word_" + $0.response.rawValue],
                         form: ActionForm(path: SiteURL.adminWord($0.id), label: t["delete"]))
            },
            phraseValue: phrase,
            responses: WatchedWord.Response.allCases.map { OptionView(value: $0.rawValue, label: t["word_" + $0.rawValue], selected: false) },
            errors: FormErrors(errors, t)
        )
        return renderer.render(page, status: status)
    }
}

/// Each form here also carries a `ModerationReason`, decoded beside it.
extension AdminController {
    /// `admin_boards.mustache`, creating (with `slug`) or renaming a board. Titles a person can get
    /// wrong stay text for the handler's 422.
    struct BoardForm: FormDecodable {
        /// Trimmed and lowercased; empty when renaming.
        let slug: String
        let titleES: String
        let titleEN: String

        init(form: FormFields) {
            slug = form.text("slug").trimmingCharacters(in: .whitespaces).lowercased()
            titleES = form.text("title_es").trimmingCharacters(in: .whitespacesAndNewlines)
            titleEN = form.text("title_en").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// `admin_boards.mustache`, a board's phase: `datetime-local` values in the forum's time zone;
    /// an empty field is no bound. A date that does not read, or a closing not after the opening, is a 422.
    struct ScheduleForm: FormDecodable {
        let opensAt: String
        let closesAt: String

        init(form: FormFields) {
            opensAt = form.text("opens_at").trimmingCharacters(in: .whitespaces)
            closesAt = form.text("closes_at").trimmingCharacters(in: .whitespaces)
        }

        func schedule(in dates: DateText) throws -> BoardSchedule {
            let schedule = BoardSchedule(opensAt: try readDate(opensAt, dates), closesAt: try readDate(closesAt, dates))
            guard schedule.isOrdered else { throw AppError.unprocessable(messageKey: "error_schedule_order") }
            return schedule
        }
    }

    /// `admin_boards.mustache`, a board's live panel; every field may be empty (all empty: no panel).
    struct PanelForm: FormDecodable {
        let startsAt: String
        let endsAt: String
        let place: String
        let moderators: String
        let panelists: String
        let streamURL: String

        init(form: FormFields) {
            let trimmed = { (name: String) in form.text(name).trimmingCharacters(in: .whitespacesAndNewlines) }
            startsAt = trimmed("panel_starts_at")
            endsAt = trimmed("panel_ends_at")
            place = trimmed("panel_place")
            moderators = trimmed("panel_moderators")
            panelists = trimmed("panel_panelists")
            streamURL = trimmed("panel_stream_url")
        }

        func panel(in dates: DateText) throws -> BoardPanel {
            let panel = BoardPanel(startsAt: try readDate(startsAt, dates), endsAt: try readDate(endsAt, dates), place: place,
                                   moderators: moderators, panelists: panelists, streamURL: streamURL)
            if let error = panel.validate() { throw AppError.unprocessable(messageKey: error.messageKey) }
            return panel
        }
    }

    /// `admin_words.mustache`: the phrase as typed (shown back on an error), and what it does:
    /// a select, so anything else is a 400.
    struct WordForm: FormDecodable {
        let phrase: String
        let response: WatchedWord.Response

        init(form: FormFields) throws {
            phrase = form.text("phrase")
            response = try form.choice("response")
        }
    }
}

/// A `datetime-local` field: empty is nil, anything that does not read as a date is a 422.
private func readDate(_ text: String, _ dates: DateText) throws -> Date? {
    guard !text.isEmpty else { return nil }
    guard let date = dates.parseInput(text) else { throw AppError.unprocessable(messageKey: "error_date_input") }
    return date
}
