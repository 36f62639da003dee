import CabildoCore
import Foundation
import PostgresNIO

/// The harvest's rows in one snapshot (`read`), as `AppDatabase+Harvest`: the visible posts
/// (listed threads; no hidden, held or deleted post) streamed one row at a time into Core's
/// `HarvestTally` (postgres-nio reads ahead only as the loop takes rows, so a million posts are
/// never all in memory), then the boards, and the listed threads with their endorsements and
/// summaries. The same forum gives the same `HarvestSnapshot` on both stores.
extension PostgresStore {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { connection in
            var tally = HarvestTally()
            let posts = try await connection.query("""
                SELECT t.board_id, p.thread_id, p.author_id, coalesce(p.stakeholder, u.stakeholder) AS stakeholder, p.created_at,
                       p.parent_id IS NULL AS opening, t.title, p.body_markdown, u.department
                FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
                WHERE t.listed AND NOT p.held AND p.hidden_at IS NULL AND p.deleted_at IS NULL
                """, logger: logger)
            for try await post in posts {
                let row = Columns(post.makeRandomAccess())
                let opening = try row.bool("opening")
                tally.add(HarvestPost(
                    boardId: try row.int64("board_id"), threadId: try row.int64("thread_id"), authorId: try row.int64("author_id"),
                    group: Stakeholder(rawValue: try row.string("stakeholder")) ?? .individual,
                    // The account's department now, so a member counts once per scope; never answered counts as not said.
                    department: try row.optionalString("department").flatMap(Department.init(rawValue:)) ?? .notSaid,
                    // Only an opening post's text includes the title.
                    createdAt: try row.date("created_at"), isOpening: opening, threadTitle: opening ? try row.string("title") : "",
                    body: try row.string("body_markdown")))
            }
            return tally.snapshot(generatedAt: date, boards: try await harvestBoards(connection),
                                  threads: try await harvestThreads(connection))
        }
    }

    private func harvestBoards(_ connection: PostgresConnection) async throws -> [HarvestReport.BoardRef] {
        try await connection.all("SELECT id, slug, title_es, title_en FROM boards ORDER BY archived, position, id", logger: logger) {
            HarvestReport.BoardRef(id: try $0.int64("id"), slug: try $0.string("slug"), titleES: try $0.string("title_es"),
                                   titleEN: try $0.string("title_en"))
        }
    }

    /// In id order, the order SQLite's scan of `threads` gives.
    private func harvestThreads(_ connection: PostgresConnection) async throws -> [HarvestThreadRow] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for (thread, group, count) in try await connection.all("""
            SELECT thread_id, stakeholder, COUNT(*) AS endorsements FROM endorsements GROUP BY thread_id, stakeholder
            """, logger: logger, { (try $0.int64("thread_id"), Stakeholder(rawValue: try $0.string("stakeholder")), try $0.int("endorsements")) }) {
            if let group { endorsements[thread, default: [:]][group] = count }
        }
        return try await connection.all("""
            SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html
            FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
            WHERE t.listed ORDER BY t.id
            """, logger: logger) { row in
            let id = try row.int64("id")
            return HarvestThreadRow(
                id: id, boardId: try row.int64("board_id"), boardSlug: try row.string("slug"), title: try row.string("title"),
                isProposal: try row.bool("proposal"), createdAt: try row.date("created_at"), lastActivityAt: try row.date("last_post_at"),
                endorsementsByGroup: endorsements[id] ?? [:], summaryMarkdown: try row.optionalString("body_markdown"),
                summaryHTML: try row.optionalString("body_html"))
        }
    }
}
