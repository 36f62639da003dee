import CabildoCore
import Foundation
import GRDB

/// The harvest in one read transaction, from the counts every write keeps current
/// (`HarvestChange`): a few small tables, the listed threads with their endorsements and
/// summaries, and each board's most frequent terms until no term further down can rank.
extension AppDatabase {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in
            var kept = try Self.harvestFigures(db, termsOf: nil)
            let endorsements = try Self.harvestEndorsements(db)
            // A row at a time: 50,000 rows held at once would double the memory the threads take.
            let threads = try Row.fetchCursor(db, sql: "SELECT \(Self.keptThreadColumns) FROM \(Self.keptThreads) WHERE t.listed = 1 ORDER BY t.id")
            while let row = try threads.next() { kept.threads.append(Self.keptThread(row, endorsements: endorsements)) }
            return kept.snapshot(generatedAt: date, boards: try Self.harvestBoards(db))
        }
    }

    /// The harvest page's view of the forum, or of the board `slug` names (nil if none does): its
    /// figures from the small count tables; its most engaged threads read in index order; its
    /// best-supported proposals ranked by the kept scores (`harvest_support`) and only those read;
    /// and every synthesis. CROSS JOIN fixes each query's first table: SQLite would otherwise
    /// scan every thread.
    public func harvestOverview(board slug: String?, at date: Date) async throws -> HarvestOverview? {
        try await read { db in
            let boards = try Self.harvestBoards(db)
            let board = boards.first { $0.slug == slug }
            if slug != nil, board == nil { return nil }
            let id = board?.id
            let figures = try Self.harvestFigures(db, termsOf: id).snapshot(generatedAt: date, boards: boards).report(boardId: id)
            let top = try Row.fetchAll(db.cached("""
                SELECT \(Self.keptThreadColumns) FROM harvest_threads h CROSS JOIN threads t ON t.id = h.thread_id
                JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
                LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.listed = 1 AND (?1 IS NULL OR t.board_id = ?1)
                ORDER BY h.participants DESC, h.replies DESC, coalesce(p.endorsements, 0) DESC, t.id LIMIT ?2
                """), arguments: [id, HarvestOverview.threadsShown])
            // Bridging.rank's order: score, then endorsements, then the older, then the lower id.
            let proposals = try Row.fetchAll(db.cached("""
                SELECT \(Self.keptThreadColumns) FROM threads t CROSS JOIN harvest_threads h ON h.thread_id = t.id
                JOIN boards b ON b.id = t.board_id LEFT JOIN summaries s ON s.thread_id = t.id
                LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.proposal = 1 AND t.listed = 1 AND (?1 IS NULL OR t.board_id = ?1)
                ORDER BY coalesce(p.score, 0) DESC, coalesce(p.endorsements, 0) DESC, t.created_at, t.id LIMIT ?2
                """), arguments: [id, HarvestOverview.proposalsShown])
            let proposalTotals = try Row.fetchOne(db.cached("""
                SELECT COUNT(*), coalesce(SUM(p.endorsements), 0) FROM threads t CROSS JOIN harvest_threads h ON h.thread_id = t.id
                LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.proposal = 1 AND t.listed = 1 AND (?1 IS NULL OR t.board_id = ?1)
                """), arguments: [id])
            let summaries = try Row.fetchAll(db.cached("""
                SELECT \(Self.keptThreadColumns) FROM summaries s CROSS JOIN threads t ON t.id = s.thread_id
                CROSS JOIN harvest_threads h ON h.thread_id = t.id JOIN boards b ON b.id = t.board_id
                WHERE t.listed = 1 AND (?1 IS NULL OR t.board_id = ?1)
                """), arguments: [id])
            let count = try Int.fetchOne(db.cached("""
                SELECT COUNT(*) FROM harvest_threads h JOIN threads t ON t.id = h.thread_id
                WHERE t.listed = 1 AND (?1 IS NULL OR t.board_id = ?1)
                """), arguments: [id]) ?? 0
            let endorsements = try Self.harvestEndorsements(db, of: Set((top + proposals + summaries).map { $0[0] as Int64 }))
            func harvest(_ rows: [Row]) -> [ThreadHarvest] { rows.map { Self.keptThread($0, endorsements: endorsements).harvest } }
            return HarvestOverview(figures: figures, threads: harvest(top), threadCount: count, proposals: harvest(proposals),
                                   proposalCount: proposalTotals?[0] ?? 0, proposalEndorsements: proposalTotals?[1] ?? 0,
                                   summaries: harvest(summaries))
        }
    }

    /// Listed threads with a visible post: their replies and participants kept (`harvest_threads`).
    private static let keptThreads = """
        harvest_threads h JOIN threads t ON t.id = h.thread_id JOIN boards b ON b.id = t.board_id
        LEFT JOIN summaries s ON s.thread_id = t.id
        """
    private static let keptThreadColumns = """
        t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at, s.body_markdown, s.body_html, h.replies, h.participants
        """

    private static func keptThread(_ row: Row, endorsements: [Int64: [Stakeholder: Int]]) -> HarvestKept.Thread {
        HarvestKept.Thread(row: harvestThread(row, endorsements: endorsements), replies: row[9], participants: row[10])
    }

    /// Everything but the threads, from the count tables; terms for one board, or all when `board` is nil.
    private static func harvestFigures(_ db: Database, termsOf board: Int64?) throws -> HarvestKept {
        var kept = HarvestKept()
        kept.groups = try Row.fetchAll(db, sql: "SELECT board_id, stakeholder, posters, posts FROM harvest_groups").compactMap { row in
            Stakeholder(rawValue: row[1]).map { (boardId: row[0], group: $0, posters: row[2], posts: row[3]) }
        }
        kept.departments = try Row.fetchAll(db, sql: "SELECT board_id, department, participants FROM harvest_departments").map { row in
            (boardId: row[0], department: Department(rawValue: row[1]) ?? .notSaid, participants: row[2])
        }
        kept.days = try Row.fetchAll(db, sql: "SELECT board_id, day, posts FROM harvest_days").map { (boardId: $0[0], day: $0[1], posts: $0[2]) }
        kept.termsByBoard = try harvestTerms(db, of: board)
        return kept
    }

    /// The harvest counted again from every visible post, streamed into Core's `HarvestTally`:
    /// the reference the kept counts are checked against (the store contract compares them after
    /// every kind of write). Seconds and hundreds of MB at a million posts: not for a request.
    public func recomputedHarvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in
            var tally = HarvestTally()
            let posts = try Row.fetchCursor(db, sql: HarvestTables.visiblePosts)
            while let row = try posts.next() { tally.add(HarvestTables.post(row)) }
            let endorsements = try Self.countedEndorsements(db)
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

    /// Endorsements per thread and group, as the reference counts them from every endorsement.
    private static func countedEndorsements(_ db: Database) throws -> [Int64: [Stakeholder: Int]] {
        endorsementsByThread(try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder"))
    }

    /// The same, as `toggleEndorsement` keeps them: of every thread, or of those given.
    private static func harvestEndorsements(_ db: Database, of threads: Set<Int64>? = nil) throws -> [Int64: [Stakeholder: Int]] {
        // Past a thousand threads (syntheses are not bounded), every count is read instead: a
        // statement takes at most 32,766 arguments.
        guard let threads, threads.count <= 1_000 else {
            return endorsementsByThread(try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, endorsements FROM harvest_endorsements"))
        }
        if threads.isEmpty { return [:] }
        return endorsementsByThread(try Row.fetchAll(db, sql: """
            SELECT thread_id, stakeholder, endorsements FROM harvest_endorsements
            WHERE thread_id IN (\(databaseQuestionMarks(count: threads.count)))
            """, arguments: StatementArguments(threads.sorted())))
    }

    private static func endorsementsByThread(_ rows: [Row]) -> [Int64: [Stakeholder: Int]] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for row in rows {
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
    private static func harvestTerms(_ db: Database, of only: Int64?) throws -> [Int64: [KeyTerm]] {
        let totals = try Row.fetchAll(db, sql: "SELECT board_id, tokens, words FROM harvest_term_totals ORDER BY board_id")
        let boards = totals.filter { ($0[2] as Int) > 0 }
        let weight = KeyTermCorpus.maximumWeight(groupsWithTerms: boards.count)
        let limit = HarvestSnapshot.termsPerBoard
        var result: [Int64: [KeyTerm]] = [:]
        // Every board with words counts in each term's weight, even when one board's terms are read.
        for board in boards where only == nil || only == board[0] {
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
