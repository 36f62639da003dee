import CabildoCore
import CabildoStore
import Foundation

/// What the consultation report is made of: the forum's harvest, and for each board its harvest
/// and the committee's published conclusions. The web (`/harvest/report`, `.md`) and the CLI
/// (`cabildo harvest --format report`) assemble it the same way, so they print the same report,
/// and its numbers are the harvest's own.
public struct ConsultationReport: Sendable {
    public struct BoardSection: Sendable {
        public var harvest: HarvestOverview
        /// The board as it stands: its phase dates and live panel.
        public var board: Board?
        public var conclusions: BoardConclusions?
    }

    public var forum: HarvestOverview
    public var boards: [BoardSection]

    /// - Parameter harvest: the overview of the forum (nil) or of the board with that slug.
    static func assemble(store: any ForumStore, harvest: (String?) async throws -> HarvestOverview?) async throws -> ConsultationReport {
        guard let forum = try await harvest(nil) else { throw StoreError.notFound }
        let stored = try await store.boards()
        var boards: [BoardSection] = []
        for board in forum.boards {
            // A board renamed since the forum's overview was read is left out, not mistaken for another.
            guard let overview = try await harvest(board.slug) else { continue }
            boards.append(BoardSection(harvest: overview, board: stored.first { $0.id == board.id },
                                       conclusions: try await store.publishedConclusions(boardId: board.id)))
        }
        return ConsultationReport(forum: forum, boards: boards)
    }

    /// For the CLI: the store's overviews now.
    public static func assemble(store: any ForumStore, at date: Date) async throws -> ConsultationReport {
        try await assemble(store: store) { try await store.harvestOverview(board: $0, at: date) }
    }
}

/// `/harvest/report`: the report's HTML in a page that prints well (the stylesheet's print rules
/// drop the header, menu and footer).
struct ReportPage: Page {
    static let template = "report"
    let layout: Layout
    let reportHTML: String

    func value(_ name: String) -> Any? {
        switch name {
        case "reportHTML": reportHTML
        case "markdownPath": SiteURL.harvestReportMarkdown.path
        default: nil
        }
    }
}
