import CabildoCore
import Foundation
import GRDB

/// The harvest in one read transaction: one streamed pass over the visible posts (listed
/// threads; no hidden, held or deleted post) for participation, days, engagement and key
/// terms, plus three small queries for threads, endorsements and summaries.
extension AppDatabase {
    public func harvest(at date: Date) async throws -> HarvestSnapshot {
        try await read { db in try HarvestReader(db).read(at: date) }
    }
}

private struct HarvestReader {
    let db: Database
    init(_ db: Database) { self.db = db }

    struct ThreadTally {
        var participants = Set<Int64>()
        var replies = 0
    }

    struct BoardTally {
        var posters: [Stakeholder: Set<Int64>] = [:]
        var posts: [Stakeholder: Int] = [:]
        var days: [Int64: Int] = [:]
    }

    func read(at date: Date) throws -> HarvestSnapshot {
        let boards = try Row.fetchAll(db, sql: "SELECT id, slug, title_es, title_en FROM boards ORDER BY archived, position, id").map {
            HarvestReport.BoardRef(id: $0[0], slug: $0[1], titleES: $0[2], titleEN: $0[3])
        }
        var threadTallies: [Int64: ThreadTally] = [:]
        var boardTallies: [Int64: BoardTally] = [:]
        var forum = BoardTally()
        var terms = KeyTermCorpus()
        let posts = try Row.fetchCursor(db, sql: """
            SELECT t.board_id, p.thread_id, p.author_id, coalesce(p.stakeholder, u.stakeholder), p.created_at, p.parent_id IS NULL, t.title, p.body_markdown
            FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
            WHERE t.listed = 1 AND p.held = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL
            """)
        while let row = try posts.next() {
            let boardId: Int64 = row[0], threadId: Int64 = row[1], authorId: Int64 = row[2]
            let group = Stakeholder(rawValue: row[3]) ?? .individual
            let day = Self.guatemalaDay(row[4])
            let opening: Bool = row[5]
            threadTallies[threadId, default: ThreadTally()].participants.insert(authorId)
            if !opening { threadTallies[threadId, default: ThreadTally()].replies += 1 }
            // Mutated in place through the dictionary, so the sets are never copied.
            boardTallies[boardId, default: BoardTally()].posters[group, default: []].insert(authorId)
            boardTallies[boardId, default: BoardTally()].posts[group, default: 0] += 1
            boardTallies[boardId, default: BoardTally()].days[day, default: 0] += 1
            forum.posters[group, default: []].insert(authorId)
            forum.posts[group, default: 0] += 1
            forum.days[day, default: 0] += 1
            let body: String = row[7]
            terms.add(opening ? (row[6] as String) + "\n" + body : body, group: boardId)
        }

        var endorsements: [Int64: [Stakeholder: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder") {
            if let group = Stakeholder(rawValue: row[1]) { endorsements[row[0], default: [:]][group] = row[2] }
        }
        var summaries: [Int64: (String, String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT thread_id, body_markdown, body_html FROM summaries") {
            summaries[row[0]] = (row[1], row[2])
        }
        let threads = try Row.fetchAll(db, sql: """
            SELECT t.id, t.board_id, b.slug, t.title, t.proposal, t.created_at, t.last_post_at
            FROM threads t JOIN boards b ON b.id = t.board_id WHERE t.listed = 1
            """).compactMap { row -> ThreadHarvest? in
            let id: Int64 = row[0]
            guard let tally = threadTallies[id] else { return nil }  // its opening post was deleted
            return ThreadHarvest(
                id: id, boardId: row[1], boardSlug: row[2], title: row[3], isProposal: row[4],
                replies: tally.replies, participants: tally.participants.count,
                endorsementsByGroup: endorsements[id] ?? [:], createdAt: Date(unixSeconds: row[5]),
                lastActivityAt: Date(unixSeconds: row[6]), summaryMarkdown: summaries[id]?.0, summaryHTML: summaries[id]?.1)
        }
        return HarvestSnapshot(
            generatedAt: date, boards: boards, threads: threads,
            participationByBoard: boardTallies.mapValues(Self.participation), participation: Self.participation(forum),
            postsPerDayByBoard: boardTallies.mapValues(Self.days), postsPerDay: Self.days(forum), terms: terms)
    }

    static func participation(_ tally: BoardTally) -> [GroupParticipation] {
        Stakeholder.allCases.map { GroupParticipation(group: $0, posters: tally.posters[$0]?.count ?? 0, posts: tally.posts[$0] ?? 0) }
    }

    /// Every day from the first to the last post, quiet days included, so the chart is a true timeline.
    static func days(_ tally: BoardTally) -> [DayCount] {
        guard let first = tally.days.keys.min(), let last = tally.days.keys.max() else { return [] }
        return (first...last).map { DayCount(day: dayText($0), posts: tally.days[$0] ?? 0) }
    }

    /// Days since 1970-01-01 in Guatemala (UTC−6, no daylight saving).
    static func guatemalaDay(_ unixSeconds: Int64) -> Int64 {
        (unixSeconds - 6 * 3600).floorDivided(by: 86400)
    }

    /// "YYYY-MM-DD" for a day number (Howard Hinnant's civil-from-days).
    static func dayText(_ days: Int64) -> String {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04lld-%02lld-%02lld", year, month, day)
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
