import CabildoCore
import Foundation
import PostgresNIO

/// The harvest's counts kept current in the transaction of every write that changes them, as
/// `HarvestChange` does for SQLite: a write names the posts it may change, after locking them
/// (so no other write to them lands between the two reads); `commit` adds what they count now
/// minus what they counted before. Every table is changed by adding to its counts (`INSERT …
/// ON CONFLICT DO UPDATE`, one statement per table over arrays), so writes to the same rows from
/// concurrent transactions queue on the row locks and add up, in a fixed key order.
struct PostgresHarvestChange {
    private enum Scope {
        case post(Int64)
        case thread(Int64)
    }

    private let scope: Scope
    private var delta = HarvestDelta()

    /// Before a write to post `id`; a thread's opening post decides its listing, so a change to
    /// it may change every post of the thread.
    init(_ store: PostgresStore, _ connection: PostgresConnection, post id: Int64, isOpening: Bool, threadId: Int64) async throws {
        scope = isOpening ? .thread(threadId) : .post(id)
        try await Self.visiblePosts(store, connection, scope) { delta.remove($0) }
    }

    /// Before a write to a whole thread (a move to another board).
    init(_ store: PostgresStore, _ connection: PostgresConnection, thread id: Int64) async throws {
        scope = .thread(id)
        try await Self.visiblePosts(store, connection, scope) { delta.remove($0) }
    }

    /// After a new post: it counts from now on if it is visible (a held one is not, yet).
    static func added(_ store: PostgresStore, _ connection: PostgresConnection, post id: Int64) async throws {
        var delta = HarvestDelta()
        try await visiblePosts(store, connection, .post(id)) { delta.add($0) }
        try await PostgresHarvestTables.add(delta, store, connection)
    }

    func commit(_ store: PostgresStore, _ connection: PostgresConnection) async throws {
        var delta = delta
        try await Self.visiblePosts(store, connection, scope) { delta.add($0) }
        try await PostgresHarvestTables.add(delta, store, connection)
    }

    private static func visiblePosts(_ store: PostgresStore, _ connection: PostgresConnection, _ scope: Scope,
                                     _ body: (HarvestPost) throws -> Void) async throws {
        let rows = switch scope {
        case .post(let id): try await connection.query(PostgresHarvestTables.visiblePosts(postId: id), logger: store.logger)
        case .thread(let id): try await connection.query(PostgresHarvestTables.visiblePosts(threadId: id), logger: store.logger)
        }
        for try await row in rows { try body(try PostgresHarvestTables.post(Columns(row.makeRandomAccess()))) }
    }
}

/// A member's department changes: each board they wrote in counts them under the new one.
struct PostgresHarvestDepartmentChange {
    private let userId: Int64
    private let before: Department

    init(_ store: PostgresStore, _ connection: PostgresConnection, user id: Int64) async throws {
        userId = id
        before = try await PostgresHarvestTables.department(store, connection, users: [id])[id] ?? .notSaid
    }

    func commit(_ store: PostgresStore, _ connection: PostgresConnection) async throws {
        let after = try await PostgresHarvestTables.department(store, connection, users: [userId])[userId] ?? .notSaid
        guard after != before else { return }
        let boards = try await connection.all("""
            SELECT board_id FROM harvest_members WHERE author_id = \(userId) ORDER BY board_id
            """, logger: store.logger) { try $0.int64("board_id") }
        var change: [PostgresHarvestTables.BoardDepartment: Int] = [:]
        for board in boards {
            change[.init(boardId: board, department: before), default: 0] -= 1
            change[.init(boardId: board, department: after), default: 0] += 1
        }
        try await PostgresHarvestTables.addParticipants(change, store, connection)
    }
}

enum PostgresHarvestTables {
    static let visibleColumns = """
        SELECT t.board_id, p.thread_id, p.author_id, coalesce(p.stakeholder, u.stakeholder) AS stakeholder, p.created_at,
               p.parent_id IS NULL AS opening, t.title, p.body_markdown, u.department
        FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
        WHERE t.listed AND NOT p.held AND p.hidden_at IS NULL AND p.deleted_at IS NULL
        """

    static func visiblePosts(postId: Int64) -> PostgresQuery { "\(unescaped: visibleColumns) AND p.id = \(postId)" }

    static func visiblePosts(threadId: Int64) -> PostgresQuery { "\(unescaped: visibleColumns) AND p.thread_id = \(threadId)" }

    static func visiblePosts(after first: Int64, through last: Int64) -> PostgresQuery {
        "\(unescaped: visibleColumns) AND p.id > \(first) AND p.id <= \(last)"
    }

    static var allVisiblePosts: PostgresQuery { PostgresQuery(unsafeSQL: visibleColumns) }

    static func post(_ row: Columns) throws -> HarvestPost {
        let opening = try row.bool("opening")
        return HarvestPost(
            boardId: try row.int64("board_id"), threadId: try row.int64("thread_id"), authorId: try row.int64("author_id"),
            group: Stakeholder(rawValue: try row.string("stakeholder")) ?? .individual,
            // The account's department now, so a member counts once per scope; never answered counts as not said.
            department: try row.optionalString("department").flatMap(Department.init(rawValue:)) ?? .notSaid,
            // Only an opening post's text includes the title.
            createdAt: try row.date("created_at"), isOpening: opening, threadTitle: opening ? try row.string("title") : "",
            body: try row.string("body_markdown"))
    }

    /// The members' departments now. FOR SHARE: a department change in flight commits first, and
    /// its own count of the member's boards then sees the board this write adds.
    static func department(_ store: PostgresStore, _ connection: PostgresConnection, users: [Int64]) async throws -> [Int64: Department] {
        let rows = try await connection.all("""
            SELECT id, department FROM users WHERE id = ANY(\(users.sorted())) ORDER BY id FOR SHARE
            """, logger: store.logger) { (try $0.int64("id"), try $0.optionalString("department")) }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1.flatMap(Department.init(rawValue:)) ?? .notSaid) })
    }

    /// Empties the tables and counts every visible post again, in batches of posts: the migration
    /// that creates the tables, and `cabildo copy` after it copied the posts.
    static func refill(_ store: PostgresStore, _ connection: PostgresConnection, batch: Int = 20_000) async throws {
        try await connection.run("""
            TRUNCATE harvest_threads, harvest_thread_members, harvest_members, harvest_group_members, harvest_groups,
                harvest_departments, harvest_days, harvest_terms, harvest_term_boards, harvest_term_totals
            """, logger: store.logger)
        var after: Int64 = 0
        while let end = try await connection.one("""
            SELECT max(id) AS last FROM (SELECT id FROM posts WHERE id > \(after) ORDER BY id LIMIT \(batch)) AS page
            """, logger: store.logger, { try $0.optionalInt64("last") }) ?? nil {
            var delta = HarvestDelta()
            for try await row in try await connection.query(visiblePosts(after: after, through: end), logger: store.logger) {
                delta.add(try post(Columns(row.makeRandomAccess())))
            }
            try await add(delta, store, connection)
            after = end
        }
    }

    /// Each thread's endorsements per group and its support, counted again: the migration that
    /// made the tables, and `cabildo copy` after it copied the endorsements.
    static func refillEndorsements(_ store: PostgresStore, _ connection: PostgresConnection) async throws {
        try await connection.run("TRUNCATE harvest_endorsements, harvest_support", logger: store.logger)
        let rows = try await connection.all("""
            INSERT INTO harvest_endorsements (thread_id, stakeholder, endorsements)
            SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder
            RETURNING thread_id, stakeholder, endorsements
            """, logger: store.logger) { (try $0.int64("thread_id"), Stakeholder(rawValue: try $0.string("stakeholder")), try $0.int("endorsements")) }
        var groups: [Int64: [Stakeholder: Int]] = [:]
        for (thread, group, count) in rows { if let group { groups[thread, default: [:]][group] = count } }
        let threads = groups.keys.sorted()
        guard !threads.isEmpty else { return }
        try await connection.run("""
            INSERT INTO harvest_support (thread_id, endorsements, score)
            SELECT * FROM unnest(\(threads)::bigint[], \(threads.map { Int64(groups[$0]?.values.reduce(0, +) ?? 0) })::bigint[],
                                 \(threads.map { Bridging.score(groups[$0] ?? [:]) })::double precision[])
            """, logger: store.logger)
    }

    /// One endorsement given (+1) or taken back (-1); a count reaching zero is deleted. The
    /// thread's row is locked by the caller, so one thread's counts change one write at a time.
    static func countEndorsement(_ store: PostgresStore, _ connection: PostgresConnection, threadId: Int64, group: String,
                                 _ change: Int) async throws {
        let total = try await connection.one("""
            INSERT INTO harvest_endorsements AS h (thread_id, stakeholder, endorsements) VALUES (\(threadId), \(group), \(Int64(change)))
            ON CONFLICT (thread_id, stakeholder) DO UPDATE SET endorsements = h.endorsements + excluded.endorsements
            RETURNING endorsements
            """, logger: store.logger) { try $0.int("endorsements") } ?? 0
        if total == 0 {
            try await connection.run("""
                DELETE FROM harvest_endorsements WHERE thread_id = \(threadId) AND stakeholder = \(group) AND endorsements = 0
                """, logger: store.logger)
        }
        var counts: [Stakeholder: Int] = [:]
        for (group, count) in try await connection.all("""
            SELECT stakeholder, endorsements FROM harvest_endorsements WHERE thread_id = \(threadId)
            """, logger: store.logger, { (Stakeholder(rawValue: try $0.string("stakeholder")), try $0.int("endorsements")) }) {
            if let group { counts[group] = count }
        }
        let endorsements = counts.values.reduce(0, +)
        if endorsements == 0 {
            try await connection.run("DELETE FROM harvest_support WHERE thread_id = \(threadId)", logger: store.logger)
        } else {
            try await connection.run("""
                INSERT INTO harvest_support (thread_id, endorsements, score) VALUES (\(threadId), \(Int64(endorsements)), \(Bridging.score(counts)))
                ON CONFLICT (thread_id) DO UPDATE SET endorsements = excluded.endorsements, score = excluded.score
                """, logger: store.logger)
        }
    }

    struct BoardDepartment: Hashable, Comparable {
        var boardId: Int64
        var department: Department
        static func < (a: Self, b: Self) -> Bool { (a.boardId, a.department.rawValue) < (b.boardId, b.department.rawValue) }
    }

    /// Adds `delta` to the tables; a row whose counts reach zero is deleted.
    static func add(_ delta: HarvestDelta, _ store: PostgresStore, _ connection: PostgresConnection) async throws {
        let logger = store.logger
        // Threads: their members first, whose arrivals and departures are the participants.
        let threadMembers = delta.threadMembers.sorted { $0.key < $1.key }
        var participants: [Int64: Int] = [:]
        if !threadMembers.isEmpty {
            let totals = try await connection.all("""
                INSERT INTO harvest_thread_members AS h (thread_id, author_id, posts)
                SELECT * FROM unnest(\(threadMembers.map(\.key.threadId))::bigint[], \(threadMembers.map(\.key.authorId))::bigint[],
                                     \(threadMembers.map { Int64($0.value) })::bigint[])
                ON CONFLICT (thread_id, author_id) DO UPDATE SET posts = h.posts + excluded.posts
                RETURNING thread_id, author_id, posts
                """, logger: logger) { (HarvestDelta.ThreadMember(threadId: try $0.int64("thread_id"), authorId: try $0.int64("author_id")),
                                        try $0.int("posts")) }
            for (key, total) in totals { participants[key.threadId, default: 0] += entered(total, delta.threadMembers[key] ?? 0) }
            let emptied = totals.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_thread_members WHERE (thread_id, author_id) IN
                        (SELECT * FROM unnest(\(emptied.map(\.threadId))::bigint[], \(emptied.map(\.authorId))::bigint[])) AND posts = 0
                    """, logger: logger)
            }
        }
        let threadIds = Set(delta.threads.keys).union(participants.filter { $0.value != 0 }.keys).sorted()
        let threadCounts = threadIds.map { delta.threads[$0] ?? HarvestDelta.ThreadCounts() }
        if !threadIds.isEmpty {
            let emptied = try await connection.all("""
                INSERT INTO harvest_threads AS h (thread_id, posts, replies, participants)
                SELECT * FROM unnest(\(threadIds)::bigint[], \(threadCounts.map { Int64($0.posts) })::bigint[],
                                     \(threadCounts.map { Int64($0.replies) })::bigint[], \(threadIds.map { Int64(participants[$0] ?? 0) })::bigint[])
                ON CONFLICT (thread_id) DO UPDATE SET posts = h.posts + excluded.posts, replies = h.replies + excluded.replies,
                    participants = h.participants + excluded.participants
                RETURNING thread_id, posts
                """, logger: logger) { (try $0.int64("thread_id"), try $0.int("posts")) }.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("DELETE FROM harvest_threads WHERE thread_id = ANY(\(emptied)) AND posts = 0", logger: logger)
            }
        }

        // Members per board, and their departments.
        let members = delta.members.sorted { $0.key < $1.key }
        if !members.isEmpty {
            let totals = try await connection.all("""
                INSERT INTO harvest_members AS h (board_id, author_id, posts)
                SELECT * FROM unnest(\(members.map(\.key.boardId))::bigint[], \(members.map(\.key.authorId))::bigint[],
                                     \(members.map { Int64($0.value) })::bigint[])
                ON CONFLICT (board_id, author_id) DO UPDATE SET posts = h.posts + excluded.posts
                RETURNING board_id, author_id, posts
                """, logger: logger) { (HarvestDelta.BoardMember(boardId: try $0.int64("board_id"), authorId: try $0.int64("author_id")),
                                        try $0.int("posts")) }
            let arrivals = totals.compactMap { key, total -> (HarvestDelta.BoardMember, Int)? in
                let change = entered(total, delta.members[key] ?? 0)
                return change == 0 ? nil : (key, change)
            }
            if !arrivals.isEmpty {
                let departments = try await department(store, connection, users: Array(Set(arrivals.map(\.0.authorId))))
                var change: [BoardDepartment: Int] = [:]
                for (key, amount) in arrivals {
                    change[BoardDepartment(boardId: key.boardId, department: departments[key.authorId] ?? .notSaid), default: 0] += amount
                }
                try await addParticipants(change, store, connection)
            }
            let emptied = totals.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_members WHERE (board_id, author_id) IN
                        (SELECT * FROM unnest(\(emptied.map(\.boardId))::bigint[], \(emptied.map(\.authorId))::bigint[])) AND posts = 0
                    """, logger: logger)
            }
        }

        // Members per board and group, and the groups' posters and posts.
        let groupMembers = delta.groupMembers.sorted { $0.key < $1.key }
        var posters: [HarvestDelta.BoardGroup: Int] = [:]
        if !groupMembers.isEmpty {
            let totals = try await connection.all("""
                INSERT INTO harvest_group_members AS h (board_id, author_id, stakeholder, posts)
                SELECT * FROM unnest(\(groupMembers.map(\.key.boardId))::bigint[], \(groupMembers.map(\.key.authorId))::bigint[],
                                     \(groupMembers.map(\.key.group.rawValue))::text[], \(groupMembers.map { Int64($0.value) })::bigint[])
                ON CONFLICT (board_id, author_id, stakeholder) DO UPDATE SET posts = h.posts + excluded.posts
                RETURNING board_id, author_id, stakeholder, posts
                """, logger: logger) { row -> (HarvestDelta.GroupMember, Int)? in
                guard let group = Stakeholder(rawValue: try row.string("stakeholder")) else { return nil }
                return (HarvestDelta.GroupMember(boardId: try row.int64("board_id"), authorId: try row.int64("author_id"), group: group),
                        try row.int("posts"))
            }.compactMap { $0 }
            for (key, total) in totals {
                posters[HarvestDelta.BoardGroup(boardId: key.boardId, group: key.group), default: 0] += entered(total, delta.groupMembers[key] ?? 0)
            }
            let emptied = totals.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_group_members WHERE (board_id, author_id, stakeholder) IN
                        (SELECT * FROM unnest(\(emptied.map(\.boardId))::bigint[], \(emptied.map(\.authorId))::bigint[],
                                              \(emptied.map(\.group.rawValue))::text[])) AND posts = 0
                    """, logger: logger)
            }
        }
        let groups = Set(delta.groupPosts.keys).union(posters.filter { $0.value != 0 }.keys).sorted()
        if !groups.isEmpty {
            let emptied = try await connection.all("""
                INSERT INTO harvest_groups AS h (board_id, stakeholder, posters, posts)
                SELECT * FROM unnest(\(groups.map(\.boardId))::bigint[], \(groups.map(\.group.rawValue))::text[],
                                     \(groups.map { Int64(posters[$0] ?? 0) })::bigint[], \(groups.map { Int64(delta.groupPosts[$0] ?? 0) })::bigint[])
                ON CONFLICT (board_id, stakeholder) DO UPDATE SET posters = h.posters + excluded.posters, posts = h.posts + excluded.posts
                RETURNING board_id, stakeholder, posters + posts = 0 AS empty
                """, logger: logger) { (try $0.int64("board_id"), try $0.string("stakeholder"), try $0.bool("empty")) }.filter(\.2)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_groups WHERE (board_id, stakeholder) IN
                        (SELECT * FROM unnest(\(emptied.map(\.0))::bigint[], \(emptied.map(\.1))::text[])) AND posters = 0 AND posts = 0
                    """, logger: logger)
            }
        }

        let days = delta.days.sorted { $0.key < $1.key }
        if !days.isEmpty {
            let emptied = try await connection.all("""
                INSERT INTO harvest_days AS h (board_id, day, posts)
                SELECT * FROM unnest(\(days.map(\.key.boardId))::bigint[], \(days.map(\.key.day))::bigint[], \(days.map { Int64($0.value) })::bigint[])
                ON CONFLICT (board_id, day) DO UPDATE SET posts = h.posts + excluded.posts
                RETURNING board_id, day, posts = 0 AS empty
                """, logger: logger) { (try $0.int64("board_id"), try $0.int64("day"), try $0.bool("empty")) }.filter(\.2)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_days WHERE (board_id, day) IN
                        (SELECT * FROM unnest(\(emptied.map(\.0))::bigint[], \(emptied.map(\.1))::bigint[])) AND posts = 0
                    """, logger: logger)
            }
        }
        try await addTerms(delta, store, connection)
    }

    private static func addTerms(_ delta: HarvestDelta, _ store: PostgresStore, _ connection: PostgresConnection) async throws {
        let logger = store.logger
        let terms = delta.terms.sorted { $0.key < $1.key }
        if !terms.isEmpty {
            let totals = try await connection.all("""
                INSERT INTO harvest_terms AS h (board_id, term, count)
                SELECT * FROM unnest(\(terms.map(\.key.boardId))::bigint[], \(terms.map(\.key.term))::text[], \(terms.map { Int64($0.value) })::bigint[])
                ON CONFLICT (board_id, term) DO UPDATE SET count = h.count + excluded.count
                RETURNING board_id, term, count
                """, logger: logger) { (HarvestDelta.BoardTerm(boardId: try $0.int64("board_id"), term: try $0.string("term")), try $0.int("count")) }
            var boards: [String: Int] = [:]
            for (key, total) in totals {
                let change = entered(total, delta.terms[key] ?? 0)
                if change != 0 { boards[key.term, default: 0] += change }
            }
            let emptied = totals.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("""
                    DELETE FROM harvest_terms WHERE (board_id, term) IN
                        (SELECT * FROM unnest(\(emptied.map(\.boardId))::bigint[], \(emptied.map(\.term))::text[])) AND count = 0
                    """, logger: logger)
            }
            let changed = boards.filter { $0.value != 0 }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            if !changed.isEmpty {
                let emptied = try await connection.all("""
                    INSERT INTO harvest_term_boards AS h (term, boards)
                    SELECT * FROM unnest(\(changed.map(\.key))::text[], \(changed.map { Int64($0.value) })::bigint[])
                    ON CONFLICT (term) DO UPDATE SET boards = h.boards + excluded.boards
                    RETURNING term, boards
                    """, logger: logger) { (try $0.string("term"), try $0.int("boards")) }.filter { $0.1 == 0 }.map(\.0)
                if !emptied.isEmpty {
                    try await connection.run("DELETE FROM harvest_term_boards WHERE term = ANY(\(emptied)) AND boards = 0", logger: logger)
                }
            }
        }
        let totals = delta.changedTermTotals
        if !totals.isEmpty {
            let emptied = try await connection.all("""
                INSERT INTO harvest_term_totals AS h (board_id, tokens, words)
                SELECT * FROM unnest(\(totals.map(\.0))::bigint[], \(totals.map { Int64($0.1.tokens) })::bigint[],
                                     \(totals.map { Int64($0.1.words) })::bigint[])
                ON CONFLICT (board_id) DO UPDATE SET tokens = h.tokens + excluded.tokens, words = h.words + excluded.words
                RETURNING board_id, tokens
                """, logger: logger) { (try $0.int64("board_id"), try $0.int64("tokens")) }.filter { $0.1 == 0 }.map(\.0)
            if !emptied.isEmpty {
                try await connection.run("DELETE FROM harvest_term_totals WHERE board_id = ANY(\(emptied)) AND tokens = 0", logger: logger)
            }
        }
    }

    static func addParticipants(_ change: [BoardDepartment: Int], _ store: PostgresStore, _ connection: PostgresConnection) async throws {
        let rows = change.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        guard !rows.isEmpty else { return }
        let emptied = try await connection.all("""
            INSERT INTO harvest_departments AS h (board_id, department, participants)
            SELECT * FROM unnest(\(rows.map(\.key.boardId))::bigint[], \(rows.map(\.key.department.rawValue))::text[],
                                 \(rows.map { Int64($0.value) })::bigint[])
            ON CONFLICT (board_id, department) DO UPDATE SET participants = h.participants + excluded.participants
            RETURNING board_id, department, participants
            """, logger: store.logger) { (try $0.int64("board_id"), try $0.string("department"), try $0.int("participants")) }.filter { $0.2 == 0 }
        if !emptied.isEmpty {
            try await connection.run("""
                DELETE FROM harvest_departments WHERE (board_id, department) IN
                    (SELECT * FROM unnest(\(emptied.map(\.0))::bigint[], \(emptied.map(\.1))::text[])) AND participants = 0
                """, logger: store.logger)
        }
    }

    /// +1 when a count became positive with this change, −1 when it dropped to zero.
    private static func entered(_ total: Int, _ amount: Int) -> Int {
        let before = total - amount
        if before <= 0, total > 0 { return 1 }
        if before > 0, total <= 0 { return -1 }
        return 0
    }
}
