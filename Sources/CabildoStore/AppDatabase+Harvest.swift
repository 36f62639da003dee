import CabildoCore
import Foundation
import GRDB

/// The harvest in one read transaction, from the counts every write keeps current
/// (`HarvestChange`): a few small tables, the listed threads with their endorsements and
/// summaries, and each board's most frequent terms until no term further down can rank.
extension AppDatabase {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in
            var kept = HarvestKept()
            let endorsements = try Self.harvestEndorsements(db)
            kept.threads = try Row.fetchAll(db, sql: """
                SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html,
                       h.replies, h.participants
                FROM harvest_threads h JOIN threads t ON t.id = h.thread_id JOIN boards b ON b.id = t.board_id
                LEFT JOIN summaries s ON s.thread_id = t.id
                WHERE t.listed = 1 ORDER BY t.id
                """).map { row in
                HarvestKept.Thread(row: Self.harvestThread(row, endorsements: endorsements), replies: row[9], participants: row[10])
            }
            kept.groups = try Row.fetchAll(db, sql: "SELECT board_id, stakeholder, posters, posts FROM harvest_groups").compactMap { row in
                Stakeholder(rawValue: row[1]).map { (boardId: row[0], group: $0, posters: row[2], posts: row[3]) }
            }
            kept.departments = try Row.fetchAll(db, sql: "SELECT board_id, department, participants FROM harvest_departments").map { row in
                (boardId: row[0], department: Department(rawValue: row[1]) ?? .notSaid, participants: row[2])
            }
            kept.days = try Row.fetchAll(db, sql: "SELECT board_id, day, posts FROM harvest_days").map { (boardId: $0[0], day: $0[1], posts: $0[2]) }
            kept.termsByBoard = try Self.harvestTerms(db)
            return kept.snapshot(generatedAt: date, boards: try Self.harvestBoards(db))
        }
    }

    /// The harvest counted again from every visible post, streamed into Core's `HarvestTally`:
    /// the reference the kept counts are checked against (the store contract compares them after
    /// every kind of write). Seconds and hundreds of MB at a million posts: not for a request.
    public func recomputedHarvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in
            var tally = HarvestTally()
            let posts = try Row.fetchCursor(db, sql: HarvestTables.visiblePosts)
            while let row = try posts.next() { tally.add(HarvestTables.post(row)) }
            let endorsements = try Self.harvestEndorsements(db)
            let threads = try Row.fetchAll(db, sql: """
                SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html
                FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
                WHERE t.listed = 1 ORDER BY t.id
                """).map { Self.harvestThread($0, endorsements: endorsements) }
            return tally.snapshot(generatedAt: date, boards: try Self.harvestBoards(db), threads: threads)
        }
    }

    private static func harvestBoards(_ db: Database) throws -> [HarvestReport.BoardRef] {
        try Row.fetchAll(db, sql: "SELECT id, slug, title_es, title_en FROM boards ORDER BY archived, position, id").map {
            HarvestReport.BoardRef(id: $0[0], slug: $0[1], titleES: $0[2], titleEN: $0[3])
        }
    }

    private static func harvestEndorsements(_ db: Database) throws -> [Int64: [Stakeholder: Int]] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder") {
            if let group = Stakeholder(rawValue: row[1]) { endorsements[row[0], default: [:]][group] = row[2] }
        }
        return endorsements
    }

    private static func harvestThread(_ row: Row, endorsements: [Int64: [Stakeholder: Int]]) -> HarvestThreadRow {
        HarvestThreadRow(
            id: row[0], boardId: row[1], boardSlug: row[2], title: row[3], isProposal: row[4],
            createdAt: Date(unixSeconds: row[5]), lastActivityAt: Date(unixSeconds: row[6]),
            endorsementsByGroup: endorsements[row[0]] ?? [:], summaryMarkdown: row[7], summaryHTML: row[8])
    }

    /// Each board's best terms. A board's terms are read most frequent first, a page at a time,
    /// until even the best weight cannot lift the next count above the last term kept.
    private static func harvestTerms(_ db: Database) throws -> [Int64: [KeyTerm]] {
        let totals = try Row.fetchAll(db, sql: "SELECT board_id, tokens, words FROM harvest_term_totals ORDER BY board_id")
        let boards = totals.filter { ($0[2] as Int) > 0 }
        let weight = KeyTermCorpus.maximumWeight(groupsWithTerms: boards.count)
        let limit = HarvestSnapshot.termsPerBoard
        var result: [Int64: [KeyTerm]] = [:]
        for board in boards {
            let minimum = KeyTermCorpus.minimumCount(tokens: board[1])
            var candidates: [KeyTermCount] = []
            var best: [KeyTerm] = []
            while true {
                let page = try Row.fetchAll(db.cached("""
                    SELECT t.term, t.count, b.boards FROM harvest_terms t JOIN harvest_term_boards b ON b.term = t.term
                    WHERE t.board_id = ? AND t.count >= ? ORDER BY t.count DESC, t.term LIMIT ? OFFSET ?
                    """), arguments: [board[0], minimum, termPage, candidates.count])
                candidates += page.map { KeyTermCount(term: $0[0], count: $0[1], boards: $0[2]) }
                best = KeyTermCorpus.best(candidates, groupsWithTerms: boards.count, limit: limit)
                guard page.count == termPage, let lowest = candidates.last?.count else { break }
                if best.count == limit, let last = best.last, last.score > Double(lowest) * weight * (1 + 1e-9) { break }
            }
            result[board[0]] = best
        }
        return result
    }

    private static let termPage = 500
}
