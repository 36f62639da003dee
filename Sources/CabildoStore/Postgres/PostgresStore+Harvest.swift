import CabildoCore
import Foundation
import PostgresNIO

/// The harvest in one snapshot (`read`), as `AppDatabase+Harvest`: from the counts every write
/// keeps current (`PostgresHarvestChange`), or counted again from every visible post (the
/// reference). The same forum gives the same `HarvestSnapshot` on both stores.
extension PostgresStore {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { connection in
            var kept = HarvestKept()
            let endorsements = try await harvestEndorsements(connection)
            kept.threads = try await connection.all("""
                SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html,
                       h.replies, h.participants
                FROM harvest_threads h JOIN threads t ON t.id = h.thread_id JOIN boards b ON b.id = t.board_id
                LEFT JOIN summaries s ON s.thread_id = t.id
                WHERE t.listed ORDER BY t.id
                """, logger: logger) { row in
                HarvestKept.Thread(row: try Self.harvestThread(row, endorsements: endorsements),
                                   replies: try row.int("replies"), participants: try row.int("participants"))
            }
            kept.groups = try await connection.all("SELECT board_id, stakeholder, posters, posts FROM harvest_groups", logger: logger) { row in
                (try row.int64("board_id"), Stakeholder(rawValue: try row.string("stakeholder")), try row.int("posters"), try row.int("posts"))
            }.compactMap { row in row.1.map { (boardId: row.0, group: $0, posters: row.2, posts: row.3) } }
            kept.departments = try await connection.all("""
                SELECT board_id, department, participants FROM harvest_departments
                """, logger: logger) { row in
                (boardId: try row.int64("board_id"), department: Department(rawValue: try row.string("department")) ?? .notSaid,
                 participants: try row.int("participants"))
            }
            kept.days = try await connection.all("SELECT board_id, day, posts FROM harvest_days", logger: logger) {
                (boardId: try $0.int64("board_id"), day: try $0.int64("day"), posts: try $0.int("posts"))
            }
            kept.termsByBoard = try await harvestTerms(connection)
            return kept.snapshot(generatedAt: date, boards: try await harvestBoards(connection))
        }
    }

    /// Every visible post streamed one row at a time into Core's `HarvestTally` (postgres-nio
    /// reads ahead only as the loop takes rows): the reference the kept counts are checked against.
    public func recomputedHarvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { connection in
            var tally = HarvestTally()
            for try await post in try await connection.query(PostgresHarvestTables.allVisiblePosts, logger: logger) {
                tally.add(try PostgresHarvestTables.post(Columns(post.makeRandomAccess())))
            }
            let endorsements = try await harvestEndorsements(connection)
            let threads = try await connection.all("""
                SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html
                FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
                WHERE t.listed ORDER BY t.id
                """, logger: logger) { try Self.harvestThread($0, endorsements: endorsements) }
            return tally.snapshot(generatedAt: date, boards: try await harvestBoards(connection), threads: threads)
        }
    }

    private func harvestBoards(_ connection: PostgresConnection) async throws -> [HarvestReport.BoardRef] {
        try await connection.all("SELECT id, slug, title_es, title_en FROM boards ORDER BY archived, position, id", logger: logger) {
            HarvestReport.BoardRef(id: try $0.int64("id"), slug: try $0.string("slug"), titleES: try $0.string("title_es"),
                                   titleEN: try $0.string("title_en"))
        }
    }

    private func harvestEndorsements(_ connection: PostgresConnection) async throws -> [Int64: [Stakeholder: Int]] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for (thread, group, count) in try await connection.all("""
            SELECT thread_id, stakeholder, COUNT(*) AS endorsements FROM endorsements GROUP BY thread_id, stakeholder
            """, logger: logger, { (try $0.int64("thread_id"), Stakeholder(rawValue: try $0.string("stakeholder")), try $0.int("endorsements")) }) {
            if let group { endorsements[thread, default: [:]][group] = count }
        }
        return endorsements
    }

    private static func harvestThread(_ row: Columns, endorsements: [Int64: [Stakeholder: Int]]) throws -> HarvestThreadRow {
        let id = try row.int64("id")
        return HarvestThreadRow(
            id: id, boardId: try row.int64("board_id"), boardSlug: try row.string("slug"), title: try row.string("title"),
            isProposal: try row.bool("proposal"), createdAt: try row.date("created_at"), lastActivityAt: try row.date("last_post_at"),
            endorsementsByGroup: endorsements[id] ?? [:], summaryMarkdown: try row.optionalString("body_markdown"),
            summaryHTML: try row.optionalString("body_html"))
    }

    /// Each board's best terms, read most frequent first a page at a time until even the best
    /// weight cannot lift the next count above the last term kept (`AppDatabase.harvestTerms`).
    private func harvestTerms(_ connection: PostgresConnection) async throws -> [Int64: [KeyTerm]] {
        let boards = try await connection.all("""
            SELECT board_id, tokens FROM harvest_term_totals WHERE words > 0 ORDER BY board_id
            """, logger: logger) { (try $0.int64("board_id"), try $0.int("tokens")) }
        let weight = KeyTermCorpus.maximumWeight(groupsWithTerms: boards.count)
        let limit = HarvestSnapshot.termsPerBoard
        let pageSize = 500
        var result: [Int64: [KeyTerm]] = [:]
        for (board, tokens) in boards {
            let minimum = KeyTermCorpus.minimumCount(tokens: tokens)
            var candidates: [KeyTermCount] = []
            var best: [KeyTerm] = []
            while true {
                let page = try await connection.all("""
                    SELECT t.term, t.count, b.boards FROM harvest_terms t JOIN harvest_term_boards b ON b.term = t.term
                    WHERE t.board_id = \(board) AND t.count >= \(minimum) ORDER BY t.count DESC, t.term LIMIT \(pageSize) OFFSET \(candidates.count)
                    """, logger: logger) { KeyTermCount(term: try $0.string("term"), count: try $0.int("count"), boards: try $0.int("boards")) }
                candidates += page
                best = KeyTermCorpus.best(candidates, groupsWithTerms: boards.count, limit: limit)
                guard page.count == pageSize, let lowest = candidates.last?.count else { break }
                if best.count == limit, let last = best.last, last.score > Double(lowest) * weight * (1 + 1e-9) { break }
            }
            result[board] = best
        }
        return result
    }
}
