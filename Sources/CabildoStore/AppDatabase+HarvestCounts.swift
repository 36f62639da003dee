import CabildoCore
import Foundation
import GRDB

/// The harvest's counts, kept current in the transaction of every write that changes what the
/// harvest counts (issue 20): one rule, here. A write names the posts it may change
/// (`HarvestChange`), which reads what they counted before; after the write, `commit` reads what
/// they count now and adds the difference (`HarvestDelta`) to the tables. A post counts while it
/// is visible: published, not hidden, not deleted, in a listed thread; it counts on its thread's
/// board, under the group it was written as, on its local day, with the terms of its text (and
/// of the title for an opening post).
struct HarvestChange {
    private enum Scope {
        case post(Int64)
        case thread(Int64)
    }

    private let scope: Scope
    private var delta = HarvestDelta()

    /// Before a write to post `id`. A thread's opening post decides whether the thread is listed,
    /// so a change to it may change every post of the thread.
    init(_ db: Database, post id: Int64) throws {
        if let thread = try Int64.fetchOne(db.cached("SELECT thread_id FROM posts WHERE id = ? AND parent_id IS NULL"), arguments: [id]) {
            scope = .thread(thread)
        } else {
            scope = .post(id)
        }
        try Self.visiblePosts(db, scope) { delta.remove($0) }
    }

    /// Before a write to a whole thread (a move to another board).
    init(_ db: Database, thread id: Int64) throws {
        scope = .thread(id)
        try Self.visiblePosts(db, scope) { delta.remove($0) }
    }

    /// After a new post: it counts from now on if it is visible (a held one is not, yet).
    static func added(_ db: Database, post id: Int64) throws {
        var delta = HarvestDelta()
        try visiblePosts(db, .post(id)) { delta.add($0) }
        try HarvestTables.add(delta, db)
    }

    /// After the write: what the posts count now, minus what they counted before.
    func commit(_ db: Database) throws {
        var delta = delta
        try Self.visiblePosts(db, scope) { delta.add($0) }
        try HarvestTables.add(delta, db)
    }

    private static func visiblePosts(_ db: Database, _ scope: Scope, _ body: (HarvestPost) throws -> Void) throws {
        let (condition, id): (String, Int64) = switch scope {
        case .post(let id): ("p.id = ?", id)
        case .thread(let id): ("p.thread_id = ?", id)
        }
        let posts = try Row.fetchCursor(db.cached(HarvestTables.visiblePosts + " AND " + condition), arguments: [id])
        while let row = try posts.next() { try body(HarvestTables.post(row)) }
    }
}

/// A member's department changes (in settings, or cleared as they close their account): each
/// board they wrote in counts them under the new one from now on.
struct HarvestDepartmentChange {
    private let userId: Int64
    private let before: Department

    init(_ db: Database, user id: Int64) throws {
        userId = id
        before = try HarvestTables.department(db, user: id)
    }

    func commit(_ db: Database) throws {
        let after = try HarvestTables.department(db, user: userId)
        guard after != before else { return }
        let boards = try Int64.fetchAll(db.cached("SELECT board_id FROM harvest_members WHERE author_id = ? ORDER BY board_id"), arguments: [userId])
        for board in boards {
            try HarvestTables.addParticipants(db, board: board, department: before, -1)
            try HarvestTables.addParticipants(db, board: board, department: after, 1)
        }
    }
}

/// The tables' SQL: adding a delta, and filling them from every post.
enum HarvestTables {
    /// Visible posts, as the harvest counts them; the reference `recomputedHarvest` reads the same.
    static let visiblePosts = """
        SELECT t.board_id, p.thread_id, p.author_id, coalesce(p.stakeholder, u.stakeholder), p.created_at,
               p.parent_id IS NULL, t.title, p.body_markdown, u.department
        FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
        WHERE t.listed = 1 AND p.held = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL
        """

    static func post(_ row: Row) -> HarvestPost {
        let opening: Bool = row[5]
        return HarvestPost(
            boardId: row[0], threadId: row[1], authorId: row[2], group: Stakeholder(rawValue: row[3]) ?? .individual,
            // The account's department now, so a member counts once per scope; never answered counts as not said.
            department: (row[8] as String?).flatMap(Department.init(rawValue:)) ?? .notSaid,
            // Only an opening post's text includes the title: a reply's is not decoded.
            createdAt: Date(unixSeconds: row[4]), isOpening: opening, threadTitle: opening ? (row[6] as String) : "", body: row[7])
    }

    static func department(_ db: Database, user id: Int64) throws -> Department {
        try String.fetchOne(db.cached("SELECT department FROM users WHERE id = ?"), arguments: [id]).flatMap(Department.init(rawValue:)) ?? .notSaid
    }

    /// Empties the tables and counts every visible post again, in batches of posts so memory
    /// stays bounded at a million posts: the migration that creates the tables, and a demo load.
    static func refill(_ db: Database, batch: Int = 20_000) throws {
        for table in ["harvest_threads", "harvest_thread_members", "harvest_members", "harvest_group_members", "harvest_groups",
                      "harvest_departments", "harvest_days", "harvest_terms", "harvest_term_boards", "harvest_term_totals"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        var after: Int64 = 0
        while let end = try Int64.fetchOne(db, sql: "SELECT max(id) FROM (SELECT id FROM posts WHERE id > ? ORDER BY id LIMIT ?)",
                                           arguments: [after, batch]) {
            var delta = HarvestDelta()
            let visible = try Row.fetchCursor(db, sql: visiblePosts + " AND p.id > ? AND p.id <= ?", arguments: [after, end])
            while let row = try visible.next() { delta.add(post(row)) }
            try add(delta, db)
            after = end
        }
    }

    /// Each thread's endorsements per group and its support, counted again: the migration that
    /// made the tables, and a demo load.
    static func refillEndorsements(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM harvest_endorsements;
            DELETE FROM harvest_support;
            INSERT INTO harvest_endorsements (thread_id, stakeholder, endorsements)
                SELECT thread_id, stakeholder, COUNT(*) FROM endorsements GROUP BY thread_id, stakeholder;
            """)
        var groups: [Int64: [Stakeholder: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT thread_id, stakeholder, endorsements FROM harvest_endorsements") {
            if let group = Stakeholder(rawValue: row[1]) { groups[row[0], default: [:]][group] = row[2] }
        }
        for (thread, counts) in groups { try setSupport(db, threadId: thread, counts) }
    }

    /// A thread's endorsements and bridging score, from its counts per group; none, no row.
    private static func setSupport(_ db: Database, threadId: Int64, _ counts: [Stakeholder: Int]) throws {
        let total = counts.values.reduce(0, +)
        guard total > 0 else {
            try db.cached("DELETE FROM harvest_support WHERE thread_id = ?").execute(arguments: [threadId])
            return
        }
        try db.cached("""
            INSERT INTO harvest_support (thread_id, endorsements, score) VALUES (?, ?, ?)
            ON CONFLICT (thread_id) DO UPDATE SET endorsements = excluded.endorsements, score = excluded.score
            """).execute(arguments: [threadId, total, Bridging.score(counts)])
    }

    /// One endorsement given (+1) or taken back (-1); a count reaching zero is deleted.
    static func countEndorsement(_ db: Database, threadId: Int64, group: String, _ change: Int) throws {
        let total = try Int.fetchOne(db.cached("""
            INSERT INTO harvest_endorsements (thread_id, stakeholder, endorsements) VALUES (?, ?, ?)
            ON CONFLICT (thread_id, stakeholder) DO UPDATE SET endorsements = endorsements + excluded.endorsements
            RETURNING endorsements
            """), arguments: [threadId, group, change]) ?? 0
        if total == 0 {
            try db.cached("DELETE FROM harvest_endorsements WHERE thread_id = ? AND stakeholder = ?").execute(arguments: [threadId, group])
        }
        var counts: [Stakeholder: Int] = [:]
        for row in try Row.fetchAll(db.cached("SELECT stakeholder, endorsements FROM harvest_endorsements WHERE thread_id = ?"),
                                    arguments: [threadId]) {
            if let group = Stakeholder(rawValue: row[0]) { counts[group] = row[1] }
        }
        try setSupport(db, threadId: threadId, counts)
    }

    static func add(_ delta: HarvestDelta, _ db: Database) throws {
        var participants: [Int64: Int] = [:]
        for (key, amount) in delta.threadMembers.sorted(by: { $0.key < $1.key }) {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_thread_members (thread_id, author_id, posts) VALUES (?, ?, ?)
                ON CONFLICT (thread_id, author_id) DO UPDATE SET posts = posts + excluded.posts RETURNING posts
                """), arguments: [key.threadId, key.authorId, amount]) ?? 0
            participants[key.threadId, default: 0] += entered(total, amount)
            if total == 0 {
                try db.cached("DELETE FROM harvest_thread_members WHERE thread_id = ? AND author_id = ?").execute(arguments: [key.threadId, key.authorId])
            }
        }
        for id in Set(delta.threads.keys).union(participants.filter { $0.value != 0 }.keys).sorted() {
            let counts = delta.threads[id] ?? HarvestDelta.ThreadCounts()
            let change = participants[id] ?? 0
            let posts = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_threads (thread_id, posts, replies, participants) VALUES (?, ?, ?, ?)
                ON CONFLICT (thread_id) DO UPDATE SET posts = posts + excluded.posts, replies = replies + excluded.replies,
                    participants = participants + excluded.participants
                RETURNING posts
                """), arguments: [id, counts.posts, counts.replies, change]) ?? 0
            if posts == 0 { try db.cached("DELETE FROM harvest_threads WHERE thread_id = ?").execute(arguments: [id]) }
        }

        var departments: [Int64: Department] = [:]
        for (key, amount) in delta.members.sorted(by: { $0.key < $1.key }) {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_members (board_id, author_id, posts) VALUES (?, ?, ?)
                ON CONFLICT (board_id, author_id) DO UPDATE SET posts = posts + excluded.posts RETURNING posts
                """), arguments: [key.boardId, key.authorId, amount]) ?? 0
            let change = entered(total, amount)
            if change != 0 {
                if departments[key.authorId] == nil { departments[key.authorId] = try department(db, user: key.authorId) }
                try addParticipants(db, board: key.boardId, department: departments[key.authorId] ?? .notSaid, change)
            }
            if total == 0 {
                try db.cached("DELETE FROM harvest_members WHERE board_id = ? AND author_id = ?").execute(arguments: [key.boardId, key.authorId])
            }
        }

        var posters: [HarvestDelta.BoardGroup: Int] = [:]
        for (key, amount) in delta.groupMembers.sorted(by: { $0.key < $1.key }) {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_group_members (board_id, author_id, stakeholder, posts) VALUES (?, ?, ?, ?)
                ON CONFLICT (board_id, author_id, stakeholder) DO UPDATE SET posts = posts + excluded.posts RETURNING posts
                """), arguments: [key.boardId, key.authorId, key.group.rawValue, amount]) ?? 0
            posters[HarvestDelta.BoardGroup(boardId: key.boardId, group: key.group), default: 0] += entered(total, amount)
            if total == 0 {
                try db.cached("DELETE FROM harvest_group_members WHERE board_id = ? AND author_id = ? AND stakeholder = ?")
                    .execute(arguments: [key.boardId, key.authorId, key.group.rawValue])
            }
        }
        for key in Set(delta.groupPosts.keys).union(posters.keys).sorted() {
            let (posts, change) = (delta.groupPosts[key] ?? 0, posters[key] ?? 0)
            guard posts != 0 || change != 0 else { continue }
            let row = try Row.fetchOne(db.cached("""
                INSERT INTO harvest_groups (board_id, stakeholder, posters, posts) VALUES (?, ?, ?, ?)
                ON CONFLICT (board_id, stakeholder) DO UPDATE SET posters = posters + excluded.posters, posts = posts + excluded.posts
                RETURNING posters, posts
                """), arguments: [key.boardId, key.group.rawValue, change, posts])
            if let row, row[0] as Int == 0, row[1] as Int == 0 {
                try db.cached("DELETE FROM harvest_groups WHERE board_id = ? AND stakeholder = ?").execute(arguments: [key.boardId, key.group.rawValue])
            }
        }

        for (key, amount) in delta.days.sorted(by: { $0.key < $1.key }) {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_days (board_id, day, posts) VALUES (?, ?, ?)
                ON CONFLICT (board_id, day) DO UPDATE SET posts = posts + excluded.posts RETURNING posts
                """), arguments: [key.boardId, key.day, amount]) ?? 0
            if total == 0 { try db.cached("DELETE FROM harvest_days WHERE board_id = ? AND day = ?").execute(arguments: [key.boardId, key.day]) }
        }

        try addTerms(delta, db)
    }

    private static func addTerms(_ delta: HarvestDelta, _ db: Database) throws {
        var boards: [String: Int] = [:]
        for (key, amount) in delta.terms.sorted(by: { $0.key < $1.key }) {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_terms (board_id, term, count) VALUES (?, ?, ?)
                ON CONFLICT (board_id, term) DO UPDATE SET count = count + excluded.count RETURNING count
                """), arguments: [key.boardId, key.term, amount]) ?? 0
            let change = entered(total, amount)
            if change != 0 { boards[key.term, default: 0] += change }
            if total == 0 { try db.cached("DELETE FROM harvest_terms WHERE board_id = ? AND term = ?").execute(arguments: [key.boardId, key.term]) }
        }
        for (term, change) in boards.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where change != 0 {
            let total = try Int.fetchOne(db.cached("""
                INSERT INTO harvest_term_boards (term, boards) VALUES (?, ?)
                ON CONFLICT (term) DO UPDATE SET boards = boards + excluded.boards RETURNING boards
                """), arguments: [term, change]) ?? 0
            if total == 0 { try db.cached("DELETE FROM harvest_term_boards WHERE term = ?").execute(arguments: [term]) }
        }
        for (board, totals) in delta.changedTermTotals {
            let row = try Row.fetchOne(db.cached("""
                INSERT INTO harvest_term_totals (board_id, tokens, words) VALUES (?, ?, ?)
                ON CONFLICT (board_id) DO UPDATE SET tokens = tokens + excluded.tokens, words = words + excluded.words
                RETURNING tokens
                """), arguments: [board, totals.tokens, totals.words])
            if let row, row[0] as Int == 0 { try db.cached("DELETE FROM harvest_term_totals WHERE board_id = ?").execute(arguments: [board]) }
        }
    }

    static func addParticipants(_ db: Database, board: Int64, department: Department, _ change: Int) throws {
        let total = try Int.fetchOne(db.cached("""
            INSERT INTO harvest_departments (board_id, department, participants) VALUES (?, ?, ?)
            ON CONFLICT (board_id, department) DO UPDATE SET participants = participants + excluded.participants RETURNING participants
            """), arguments: [board, department.rawValue, change]) ?? 0
        if total == 0 {
            try db.cached("DELETE FROM harvest_departments WHERE board_id = ? AND department = ?").execute(arguments: [board, department.rawValue])
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
