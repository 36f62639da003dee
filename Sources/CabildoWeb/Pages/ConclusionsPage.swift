import CabildoCore
import Mustache

/// `/b/{slug}/conclusions`: the published conclusions and recommendations (or, for the
/// committee, the version asked for), and for the committee the form and the versions.
struct ConclusionsPage: Page {
    static let template = "conclusions"
    let layout: Layout
    let boardTitle: String
    let boardPath: String
    let shown: ConclusionsView?
    let editor: EditorView?

    init(layout: Layout, board: Board, shown: BoardConclusions?, editor: ConclusionsController.Editor?, visitor: Visitor, t: Messages) {
        self.layout = layout
        boardTitle = board.title(in: visitor.language)
        boardPath = SiteURL.board(board.slug)
        self.shown = shown.map { ConclusionsView($0, t: t) }
        self.editor = editor.map { EditorView($0, board: board, shownVersion: shown?.version, t: t) }
    }

    func value(_ name: String) -> Any? {
        switch name {
        case "boardTitle": boardTitle
        case "boardPath": boardPath
        case "shown": shown ?? false
        case "editor": editor ?? false
        default: nil
        }
    }
}

/// One version's two texts and who wrote it when; the board page shows the same, or where they
/// are long only their first words, so the page stays within its 30 KB.
struct ConclusionsView: MustacheParent, Sendable {
    /// The most bytes of the two texts' HTML a board page shows whole.
    static let boardPageBytes = 8 * 1024
    /// Characters of the excerpt shown instead.
    static let excerptLength = 600

    let conclusionsHTML: String
    let recommendationsHTML: String
    /// On a board page, for long texts: the conclusions' first words, as text, in place of both.
    let excerpt: String?
    let byline: String
    let isDraft: Bool

    init(_ conclusions: BoardConclusions, t: Messages, brief: Bool = false) {
        conclusionsHTML = conclusions.conclusionsHTML
        recommendationsHTML = conclusions.recommendationsHTML
        if brief, conclusionsHTML.utf8.count + recommendationsHTML.utf8.count > Self.boardPageBytes {
            let words = ReadableText.of(html: conclusionsHTML).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            excerpt = String(words.prefix(Self.excerptLength - 1)) + "…"
        } else {
            excerpt = nil
        }
        isDraft = conclusions.status == .draft
        let name: String? = if case .member(let name) = conclusions.author { name } else { nil }
        byline = t.format(isDraft ? "conclusions_draft_by" : "conclusions_published_by",
                          ["name": MemberName(name, t).text, "date": t.date(conclusions.createdAt)])
    }

    func child(named name: String) -> Any? {
        switch name {
        case "conclusionsHTML": conclusionsHTML
        case "recommendationsHTML": recommendationsHTML.isEmpty ? false : recommendationsHTML
        case "excerpt": excerpt ?? false
        case "byline": byline
        case "isDraft": isDraft
        default: nil
        }
    }
}

/// The committee's form, starting from the newest version, and the list of versions.
struct EditorView: MustacheParent, Sendable {
    let action: String
    let conclusionsValue: String
    let recommendationsValue: String
    let publishedChecked: Bool
    let errors: FormErrors
    let savedNotice: String?
    let versions: [LinkView]

    init(_ editor: ConclusionsController.Editor, board: Board, shownVersion: Int64?, t: Messages) {
        action = SiteURL.boardConclusions(board.slug)
        conclusionsValue = editor.form.conclusions
        recommendationsValue = editor.form.recommendations
        publishedChecked = editor.form.status == .published
        errors = FormErrors(editor.errors, t)
        savedNotice = switch editor.saved {
        case "draft": t["conclusions_saved_draft"]
        case "published": t["conclusions_saved_published"]
        default: nil
        }
        versions = editor.versions.map { version in
            let name: String? = if case .member(let name) = version.author { name } else { nil }
            return LinkView(label: t.format(version.status == .draft ? "conclusions_version_draft" : "conclusions_version_published",
                                           ["date": t.date(version.createdAt), "name": MemberName(name, t).text]),
                           path: SiteURL.boardConclusions(board.slug, version: version.version), current: version.version == shownVersion)
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "action": action
        case "conclusionsValue": conclusionsValue
        case "recommendationsValue": recommendationsValue
        case "publishedChecked": publishedChecked
        case "errors": errors
        case "savedNotice": savedNotice ?? false
        case "hasVersions": !versions.isEmpty
        case "versions": versions
        default: nil
        }
    }
}
