import CabildoCore
import Foundation
import GRDB

/// The harvest's rows in one read transaction: the visible posts (listed threads; no hidden,
/// held or deleted post), streamed one at a time into Core's `HarvestTally`, which does the
/// counting; then the boards, and the listed threads with their endorsements and summaries.
extension AppDatabase {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in
            var tally = HarvestTally()
            let posts = try Row.fetchCursor(db, sql: """
                SELECT t.board_id, p.thread_id, p.author_id, coalesce(p.stakeholder, u.stakeholder), p.created_at,
                       p.parent_id IS NULL, t.title, p.body_markdown, u.department
                FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
                WHERE t.listed = 1 AND p.held = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL
                """)
            while let row = try posts.next() {
                let opening: Bool = row[5]
                tally.add(HarvestPost(
                    boardId: row[0], threadId: row[1], authorId: row[2], group: Stakeholder(rawValue: row[3]) ?? .individual,
                    // The account's department now, so a member counts once per scope; never answered counts as not said.
                    department: (row[8] as String?).flatMap(Department.init(rawValue:)) ?? .notSaid,
                    // Only an opening post's text includes the title: a reply's is not decoded.
                    createdAt: Date(unixSeconds: row[4]), isOpening: opening, threadTitle: opening ? (row[6] as String) : "", body: row[7]))
            }
            return tally.snapshot(generatedAt: date, boards: try Self.harvestBoards(db), threads: try Self.harvestThreads(db))
        }
    }

    private static func harvestBoards(_ db: Database) throws -> [HarvestReport.BoardRef] {
        try Row.fetchAll(db, sql: "SELECT id, slug, title_es, title_en FROM boards ORDER BY archived, position, id").map {
            HarvestReport.BoardRef(id: $0[0], slug: $0[1], titleES: $0[2], titleEN: $0[3])
        }
    }

    private static func harvestThreads(_ db: Database) throws -> [HarvestThreadRow] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder") {
            if let group = Stakeholder(rawValue: row[1]) { endorsements[row[0], default: [:]][group] = row[2] }
        }
        return try Row.fetchAll(db, sql: """
            SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html
            FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
            WHERE t.listed = 1
            """).map { row in
            HarvestThreadRow(
                id: row[0], boardId: row[1], boardSlug: row[2], title: row[3], isProposal: row[4],
                createdAt: Date(unixSeconds: row[5]), lastActivityAt: Date(unixSeconds: row[6]),
                endorsementsByGroup: endorsements[row[0]] ?? [:], summaryMarkdown: row[7], summaryHTML: row[8])
        }
    }
}
