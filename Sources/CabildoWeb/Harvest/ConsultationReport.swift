import CabildoCore
import CabildoStore
import Foundation

/// What the consultation report is made of: the forum's harvest, and for each board its harvest
/// and the committee's published conclusions. The web (`/harvest/report`, `.md`) and the CLI
/// (`cabildo harvest --format report`) assemble it the same way, so they print the same report,
/// and its numbers are the harvest's own.
public struct ConsultationReport: Sendable {
    public struct BoardSection: Sendable {
        public var harvest: HarvestReport
        /// The board as it stands: its phase dates and live panel.
        public var board: Board?
        public var conclusions: BoardConclusions?
    }

    public var forum: HarvestReport
    public var boards: [BoardSection]

    /// - Parameter harvest: the report of the forum (nil) or of one board, from one snapshot.
    static func assemble(store: any ForumStore, harvest: (Int64?) async throws -> HarvestReport) async throws -> ConsultationReport {
        let forum = try await harvest(nil)
        let stored = try await store.boards()
        var boards: [BoardSection] = []
        for board in forum.boards {
            boards.append(BoardSection(harvest: try await harvest(board.id), board: stored.first { $0.id == board.id },
                                       conclusions: try await store.publishedConclusions(boardId: board.id)))
        }
        return ConsultationReport(forum: forum, boards: boards)
    }

    /// For the CLI: one snapshot of the store now.
    public static func assemble(store: any ForumStore, at date: Date) async throws -> ConsultationReport {
        let snapshot = try await store.harvest(at: date)
        return try await assemble(store: store) { snapshot.report(boardId: $0) }
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
