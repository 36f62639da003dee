import CabildoCore
import Foundation
import GRDB

/// Rows for `cabildo seed --demo`. They refer to one another by their position in the lists
/// handed to `loadDemo`, not by rowid: the store assigns ids, so accounts made before seeding
/// (an admin) keep theirs.
public struct DemoUser: Sendable {
    public var username: String
    public var role: Role
    public var stakeholder: Stakeholder
    /// Where the account says it takes part from; nil: never answered.
    public var department: Department?
    public var createdAt: Date

    public init(username: String, role: Role, stakeholder: Stakeholder, department: Department? = nil, createdAt: Date) {
        self.username = username
        self.role = role
        self.stakeholder = stakeholder
        self.department = department
        self.createdAt = createdAt
    }
}

public struct DemoThread: Sendable {
    public var boardId: Int64
    public var author: Int
    public var title: String
    public var isProposal: Bool

    public init(boardId: Int64, author: Int, title: String, isProposal: Bool) {
        self.boardId = boardId
        self.author = author
        self.title = title
        self.isProposal = isProposal
    }
}

/// A post in load order. The first post of each thread opens it (`parent == nil`, and the
/// thread's creation time is the post's); every other post answers an earlier post of its thread.
public struct DemoPost: Sendable {
    public var thread: Int
    public var parent: Int?
    public var author: Int
    public var markdown: String
    public var html: String
    public var createdAt: Date

    public init(thread: Int, parent: Int?, author: Int, markdown: String, html: String, createdAt: Date) {
        self.thread = thread
        self.parent = parent
        self.author = author
        self.markdown = markdown
        self.html = html
        self.createdAt = createdAt
    }
}

public struct DemoEndorsement: Sendable {
    public var thread: Int
    public var user: Int
    public var createdAt: Date

    public init(thread: Int, user: Int, createdAt: Date) {
        self.thread = thread
        self.user = user
        self.createdAt = createdAt
    }
}

/// Demo content is only ever loaded into a database without posts: merging it into a real
/// consultation would corrupt the harvest.
public struct DemoLoadRefused: Error, Equatable {
    public let posts: Int
    public let threads: Int
}

extension AppDatabase {
    /// Loads demo content in large transactions through reused prepared statements, then sets
    /// every counter the forum keeps (threads' reply, last-post and endorsement counts, boards'
    /// thread and post counts) from the rows just written, and fills the search index in bulk.
    ///
    /// Synchronous on purpose: `posts` is generated lazily on the writer's thread, so a million
    /// posts never sit in memory at once, and a lazy generator need not be `Sendable`.
    /// A load that stops half-way leaves posts behind and is refused next time: seed a new file.
    public func loadDemo<Posts: Sequence<DemoPost>>(
        passwordHash: String, users: [DemoUser], threads: [DemoThread], posts: Posts,
        endorsements: [DemoEndorsement], panels: [Int64: BoardPanel] = [:], batchSize: Int = 50_000,
        progress: @escaping (DemoLoadStage, Int) -> Void
    ) throws {
        try writer.writeWithoutTransaction { db in
            // A bigger page cache keeps the posts' two secondary indexes, written out of order, in memory.
            // Durability per commit is pointless while seeding a fresh file, so sync only at the end.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            defer {
                try? db.execute(sql: "PRAGMA synchronous = NORMAL")
                try? db.execute(sql: "PRAGMA cache_size = -2000")
            }
            var loader = DemoLoader(db: db, batchSize: batchSize, progress: progress)
            try loader.refuseIfNotEmpty()
            try loader.insertUsers(users, passwordHash: passwordHash)
            try loader.insertThreads(threads)
            try loader.insertPosts(posts)
            try loader.insertEndorsements(endorsements, users: users, threads: threads)
            try loader.updateCounters(threads: threads)
            try loader.setPanels(panels)
            try loader.fillSearchIndex()
            // The harvest's counts, as the migration that made their tables fills them.
            try db.inTransaction {
                try HarvestTables.refill(db)
                try HarvestTables.refillEndorsements(db)
                return .commit
            }
            progress(.harvest, loader.postIds.count)
            try db.checkpoint(.truncate)
            progress(.done, loader.postIds.count)
        }
    }
}

public enum DemoLoadStage: String, Sendable {
    case users, threads, posts, endorsements, counters, search, harvest, done
}

/// One load: the statements, the ids assigned so far, and the counters kept on the way.
private struct DemoLoader {
    let db: Database
    let batchSize: Int
    let progress: (DemoLoadStage, Int) -> Void
    var userIds: [Int64] = []
    var threadIds: [Int64] = []
    var postIds: [Int64] = []
    /// The thread of each post so far, to check that a reply answers a post of its own thread.
    var postThread: [Int32] = []
    var replyCounts: [Int] = []
    var lastPostIds: [Int64] = []
    var lastPostTimes: [Int64] = []
    var threadTimes: [Int64] = []
    var endorsementCounts: [Int] = []

    init(db: Database, batchSize: Int, progress: @escaping (DemoLoadStage, Int) -> Void) {
        self.db = db
        self.batchSize = max(1, batchSize)
        self.progress = progress
    }

    func refuseIfNotEmpty() throws {
        let posts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM posts") ?? 0
        let threads = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM threads") ?? 0
        guard posts == 0, threads == 0 else { throw DemoLoadRefused(posts: posts, threads: threads) }
    }

    /// Runs `body` for `count` items in transactions of `batchSize`, reporting after each commit.
    private func inBatches(_ count: Int, _ stage: DemoLoadStage, _ body: (Int) throws -> Void) throws {
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            try db.inTransaction {
                for index in start..<end { try body(index) }
                return .commit
            }
            progress(stage, end)
            start = end
        }
    }

    /// The boards' live panels, by board id: demo data, so no moderation log line.
    func setPanels(_ panels: [Int64: BoardPanel]) throws {
        for (boardId, panel) in panels.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: """
                UPDATE boards SET panel_starts_at = ?, panel_ends_at = ?, panel_place = ?, panel_moderators = ?, panel_panelists = ?,
                panel_stream_url = ? WHERE id = ?
                """, arguments: [panel.startsAt?.unixSeconds, panel.endsAt?.unixSeconds, panel.place, panel.moderators, panel.panelists,
                                 panel.streamURL, boardId])
        }
    }

    mutating func insertUsers(_ users: [DemoUser], passwordHash: String) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO users (username, username_key, name_skeleton, password_hash, role, stakeholder, department, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var ids: [Int64] = []
        ids.reserveCapacity(users.count)
        do {
            try inBatches(users.count, .users) { index in
                let user = users[index]
                try statement.execute(arguments: [user.username, Rules.usernameKey(user.username),
                                                  UsernameSkeleton.of(user.username), passwordHash,
                                                  user.role.rawValue, user.stakeholder.rawValue, user.department?.rawValue,
                                                  user.createdAt.unixSeconds])
                ids.append(db.lastInsertedRowID)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.usernameTaken
        }
        userIds = ids
    }

    /// Threads go in before their posts (posts reference them); their counters are set at the end.
    mutating func insertThreads(_ threads: [DemoThread]) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO threads (board_id, author_id, title, created_at, last_post_at, listed, proposal)
            VALUES (?, ?, ?, 0, 0, 1, ?)
            """)
        var ids: [Int64] = []
        ids.reserveCapacity(threads.count)
        let userIds = self.userIds
        try inBatches(threads.count, .threads) { index in
            let thread = threads[index]
            try statement.execute(arguments: [thread.boardId, userIds[thread.author], thread.title, thread.isProposal])
            ids.append(db.lastInsertedRowID)
        }
        threadIds = ids
        replyCounts = Array(repeating: -1, count: threads.count)
        lastPostIds = Array(repeating: 0, count: threads.count)
        lastPostTimes = Array(repeating: 0, count: threads.count)
        threadTimes = Array(repeating: 0, count: threads.count)
        endorsementCounts = Array(repeating: 0, count: threads.count)
    }

    mutating func insertPosts<Posts: Sequence<DemoPost>>(_ posts: Posts) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO posts (thread_id, parent_id, author_id, body_markdown, body_html, created_at, stakeholder)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT stakeholder FROM users WHERE id = ?3))
            """)
        var iterator = posts.makeIterator()
        var next = iterator.next()
        while next != nil {
            try db.inTransaction {
                var written = 0
                while let post = next, written < batchSize {
                    try insertPost(post, statement: statement)
                    written += 1
                    next = iterator.next()
                }
                return .commit
            }
            progress(.posts, postIds.count)
        }
        // Every thread has its opening post: a thread without posts would be listed and empty.
        guard !replyCounts.contains(-1) else { throw StoreError.notFound }
    }

    private mutating func insertPost(_ post: DemoPost, statement: Statement) throws {
        let at = post.createdAt.unixSeconds
        var parentId: Int64?
        if let parent = post.parent {
            // The same rule as createReply: a reply answers an earlier post of its own thread.
            guard parent >= 0, parent < postIds.count, Int(postThread[parent]) == post.thread else {
                throw StoreError.invalidParent
            }
            parentId = postIds[parent]
        } else if replyCounts[post.thread] != -1 {
            throw StoreError.invalidParent
        } else {
            threadTimes[post.thread] = at
        }
        try statement.execute(arguments: [threadIds[post.thread], parentId, userIds[post.author], post.markdown, post.html, at])
        let id = db.lastInsertedRowID
        postIds.append(id)
        postThread.append(Int32(post.thread))
        replyCounts[post.thread] += 1
        lastPostIds[post.thread] = id
        lastPostTimes[post.thread] = at
    }

    /// Each endorsement keeps the endorser's group at the time, as `toggleEndorsement` does.
    mutating func insertEndorsements(_ endorsements: [DemoEndorsement], users: [DemoUser], threads: [DemoThread]) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO endorsements (thread_id, user_id, stakeholder, created_at) VALUES (?, ?, ?, ?)
            """)
        let threadIds = self.threadIds, userIds = self.userIds
        // In primary-key order, so the WITHOUT ROWID table is appended to rather than split.
        let ordered = endorsements.sorted { ($0.thread, userIds[$0.user]) < ($1.thread, userIds[$1.user]) }
        var counts = endorsementCounts
        try inBatches(ordered.count, .endorsements) { index in
            let endorsement = ordered[index]
            guard threads[endorsement.thread].isProposal else { throw StoreError.notAProposal }
            try statement.execute(arguments: [threadIds[endorsement.thread], userIds[endorsement.user],
                                              users[endorsement.user].stakeholder.rawValue, endorsement.createdAt.unixSeconds])
            counts[endorsement.thread] += 1
        }
        endorsementCounts = counts
    }

    /// Threads from what was inserted; boards from their threads, as the app's increments would leave them.
    func updateCounters(threads: [DemoThread]) throws {
        let statement = try db.makeStatement(sql: """
            UPDATE threads SET created_at = ?, last_post_at = ?, last_post_id = ?, reply_count = ?, endorsement_count = ?
            WHERE id = ?
            """)
        try inBatches(threads.count, .counters) { index in
            try statement.execute(arguments: [threadTimes[index], lastPostTimes[index], lastPostIds[index],
                                              replyCounts[index], endorsementCounts[index], threadIds[index]])
        }
        try db.inTransaction {
            try db.execute(sql: """
                UPDATE boards SET
                    thread_count = thread_count + (SELECT COUNT(*) FROM threads WHERE board_id = boards.id),
                    post_count = post_count + (SELECT coalesce(sum(reply_count + 1), 0) FROM threads WHERE board_id = boards.id),
                    last_post_at = coalesce((SELECT max(last_post_at) FROM threads WHERE board_id = boards.id), last_post_at)
                """)
            return .commit
        }
    }

    /// One `INSERT … SELECT` per range of posts instead of one insert per post: FTS5 then builds
    /// few, large segments. The opening post carries its thread's title, as `createThread` does.
    func fillSearchIndex() throws {
        guard let first = postIds.first, let last = postIds.last else { return }
        let statement = try db.makeStatement(sql: """
            INSERT INTO post_search (rowid, title, body)
            SELECT p.id, CASE WHEN p.parent_id IS NULL THEN t.title ELSE '' END, p.body_markdown
            FROM posts p JOIN threads t ON t.id = p.thread_id
            WHERE p.id BETWEEN ? AND ? ORDER BY p.id
            """)
        let chunk = Int64(batchSize) * 4
        var start = first
        while start <= last {
            let end = min(last, start + chunk - 1)
            try db.inTransaction {
                try statement.execute(arguments: [start, end])
                return .commit
            }
            progress(.search, Int(min(end - first + 1, Int64(postIds.count))))
            start = end + 1
        }
    }
}
