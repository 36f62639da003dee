import CabildoCore
import Foundation
import PostgresNIO

/// The harvest in one snapshot (`read`), as `AppDatabase+Harvest`: from the counts every write
/// keeps current (`PostgresHarvestChange`), or counted again from every visible post (the
/// reference). The same forum gives the same `HarvestSnapshot` on both stores.
extension PostgresStore {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { connection in
            var kept = try await harvestFigures(connection, termsOf: nil)
            let endorsements = try await harvestEndorsements(connection)
            kept.threads = try await connection.all("""
                SELECT \(unescaped: Self.keptThreadColumns) FROM \(unescaped: Self.keptThreads) WHERE t.listed ORDER BY t.id
                """, logger: logger) { try Self.keptThread($0, endorsements: endorsements) }
            return kept.snapshot(generatedAt: date, boards: try await harvestBoards(connection))
        }
    }

    /// As `AppDatabase.harvestOverview`: the figures from the count tables, the most engaged
    /// threads, the best-supported proposals by their kept scores, and every synthesis.
    public func harvestOverview(board slug: String?, at date: Date) async throws -> HarvestOverview? {
        try await read { connection in
            let boards = try await harvestBoards(connection)
            let board = boards.first { $0.slug == slug }
            if slug != nil, board == nil { return nil }
            let id = board?.id
            let figures = try await harvestFigures(connection, termsOf: id).snapshot(generatedAt: date, boards: boards).report(boardId: id)
            func rows(_ query: PostgresQuery) async throws -> [Columns] { try await connection.all(query, logger: logger) { $0 } }
            let top = try await rows("""
                SELECT \(unescaped: Self.keptThreadColumns) FROM \(unescaped: Self.keptThreads)
                LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.listed AND (\(id)::bigint IS NULL OR t.board_id = \(id))
                ORDER BY h.participants DESC, h.replies DESC, coalesce(p.endorsements, 0) DESC, t.id LIMIT \(Int64(HarvestOverview.threadsShown))
                """)
            // Bridging.rank's order: score, then endorsements, then the older, then the lower id.
            let proposals = try await rows("""
                SELECT \(unescaped: Self.keptThreadColumns) FROM \(unescaped: Self.keptThreads)
                LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.proposal AND t.listed AND (\(id)::bigint IS NULL OR t.board_id = \(id))
                ORDER BY coalesce(p.score, 0) DESC, coalesce(p.endorsements, 0) DESC, t.created_at, t.id
                LIMIT \(Int64(HarvestOverview.proposalsShown))
                """)
            let totals = try await connection.one("""
                SELECT COUNT(*) AS proposals, coalesce(SUM(p.endorsements), 0)::bigint AS endorsements
                FROM threads t JOIN harvest_threads h ON h.thread_id = t.id LEFT JOIN harvest_support p ON p.thread_id = t.id
                WHERE t.proposal AND t.listed AND (\(id)::bigint IS NULL OR t.board_id = \(id))
                """, logger: logger) { (try $0.int("proposals"), try $0.int("endorsements")) } ?? (0, 0)
            let summaries = try await rows("""
                SELECT \(unescaped: Self.keptThreadColumns) FROM summaries s JOIN threads t ON t.id = s.thread_id
                JOIN harvest_threads h ON h.thread_id = t.id JOIN boards b ON b.id = t.board_id
                WHERE t.listed AND (\(id)::bigint IS NULL OR t.board_id = \(id))
                """)
            let count = try await connection.one("""
                SELECT COUNT(*) AS threads FROM harvest_threads h JOIN threads t ON t.id = h.thread_id
                WHERE t.listed AND (\(id)::bigint IS NULL OR t.board_id = \(id))
                """, logger: logger) { try $0.int("threads") } ?? 0
            let endorsements = try await harvestEndorsements(connection, of: Set(try (top + proposals + summaries).map { try $0.int64("id") }))
            func harvest(_ rows: [Columns]) throws -> [ThreadHarvest] { try rows.map { try Self.keptThread($0, endorsements: endorsements).harvest } }
            return HarvestOverview(figures: figures, threads: try harvest(top), threadCount: count, proposals: try harvest(proposals),
                                   proposalCount: totals.0, proposalEndorsements: totals.1, summaries: try harvest(summaries))
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

    private static func keptThread(_ row: Columns, endorsements: [Int64: [Stakeholder: Int]]) throws -> HarvestKept.Thread {
        HarvestKept.Thread(row: try harvestThread(row, endorsements: endorsements),
                           replies: try row.int("replies"), participants: try row.int("participants"))
    }

    /// Everything but the threads, from the count tables; terms for one board, or all when `board` is nil.
    private func harvestFigures(_ connection: PostgresConnection, termsOf board: Int64?) async throws -> HarvestKept {
        var kept = HarvestKept()
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
        kept.termsByBoard = try await harvestTerms(connection, of: board)
        return kept
    }

    /// Every visible post streamed one row at a time into Core's `HarvestTally` (postgres-nio
    /// reads ahead only as the loop takes rows): the reference the kept counts are checked against.
    public func recomputedHarvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { connection in
            var tally = HarvestTally()
            for try await post in try await connection.query(PostgresHarvestTables.allVisiblePosts, logger: logger) {
                tally.add(try PostgresHarvestTables.post(Columns(post.makeRandomAccess())))
            }
            let endorsements = try await countedEndorsements(connection)
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

    /// Endorsements per thread and group, as the reference counts them from every endorsement.
    private func countedEndorsements(_ connection: PostgresConnection) async throws -> [Int64: [Stakeholder: Int]] {
        Self.endorsementsByThread(try await connection.all("""
            SELECT thread_id, stakeholder, COUNT(*) AS endorsements FROM endorsements GROUP BY thread_id, stakeholder
            """, logger: logger, Self.endorsementRow))
    }

    /// The same, as `toggleEndorsement` keeps them: of every thread, or of those given.
    private func harvestEndorsements(_ connection: PostgresConnection, of threads: Set<Int64>? = nil) async throws -> [Int64: [Stakeholder: Int]] {
        guard let threads else {
            return Self.endorsementsByThread(try await connection.all("""
                SELECT thread_id, stakeholder, endorsements FROM harvest_endorsements
                """, logger: logger, Self.endorsementRow))
        }
        return Self.endorsementsByThread(try await connection.all("""
            SELECT thread_id, stakeholder, endorsements FROM harvest_endorsements WHERE thread_id = ANY(\(threads.sorted()))
            """, logger: logger, Self.endorsementRow))
    }

    private static func endorsementRow(_ row: Columns) throws -> (Int64, Stakeholder?, Int) {
        (try row.int64("thread_id"), Stakeholder(rawValue: try row.string("stakeholder")), try row.int("endorsements"))
    }

    private static func endorsementsByThread(_ rows: [(Int64, Stakeholder?, Int)]) -> [Int64: [Stakeholder: Int]] {
        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for (thread, group, count) in rows {
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
    private func harvestTerms(_ connection: PostgresConnection, of only: Int64?) async throws -> [Int64: [KeyTerm]] {
        let boards = try await connection.all("""
            SELECT board_id, tokens FROM harvest_term_totals WHERE words > 0 ORDER BY board_id
            """, logger: logger) { (try $0.int64("board_id"), try $0.int("tokens")) }
        let weight = KeyTermCorpus.maximumWeight(groupsWithTerms: boards.count)
        let limit = HarvestSnapshot.termsPerBoard
        let pageSize = 500
        var result: [Int64: [KeyTerm]] = [:]
        // Every board with words counts in each term's weight, even when one board's terms are read.
        for (board, tokens) in boards where only == nil || only == board {
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
