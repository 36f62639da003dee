import Foundation

/// A change to the harvest's kept counts (issue 20): what some visible posts add, minus what
/// others took away. A store builds one per write, from the affected posts as they were before
/// (`remove`) and as they are after (`add`), and adds it to its tables in the same transaction;
/// entries that cancel out (an edit that kept most words) touch nothing. Filling the tables from
/// every post is the same thing in batches.
///
/// Board 0 stands for the whole forum in `members` and `groupPosts`: a member counts once in the
/// forum however many boards they wrote in.
public struct HarvestDelta: Sendable {
    public struct ThreadMember: Hashable, Sendable, Comparable {
        public var threadId: Int64
        public var authorId: Int64
        public init(threadId: Int64, authorId: Int64) {
            self.threadId = threadId
            self.authorId = authorId
        }
        public static func < (a: Self, b: Self) -> Bool { (a.threadId, a.authorId) < (b.threadId, b.authorId) }
    }

    public struct BoardMember: Hashable, Sendable, Comparable {
        public var boardId: Int64
        public var authorId: Int64
        public init(boardId: Int64, authorId: Int64) {
            self.boardId = boardId
            self.authorId = authorId
        }
        public static func < (a: Self, b: Self) -> Bool { (a.boardId, a.authorId) < (b.boardId, b.authorId) }
    }

    public struct GroupMember: Hashable, Sendable, Comparable {
        public var boardId: Int64
        public var authorId: Int64
        public var group: Stakeholder
        public init(boardId: Int64, authorId: Int64, group: Stakeholder) {
            self.boardId = boardId
            self.authorId = authorId
            self.group = group
        }
        public static func < (a: Self, b: Self) -> Bool {
            (a.boardId, a.authorId, a.group.rawValue) < (b.boardId, b.authorId, b.group.rawValue)
        }
    }

    public struct BoardGroup: Hashable, Sendable, Comparable {
        public var boardId: Int64
        public var group: Stakeholder
        public init(boardId: Int64, group: Stakeholder) {
            self.boardId = boardId
            self.group = group
        }
        public static func < (a: Self, b: Self) -> Bool { (a.boardId, a.group.rawValue) < (b.boardId, b.group.rawValue) }
    }

    public struct BoardDay: Hashable, Sendable, Comparable {
        public var boardId: Int64
        /// The start of the local day, in Unix seconds (`HarvestDays`).
        public var day: Int64
        public init(boardId: Int64, day: Int64) {
            self.boardId = boardId
            self.day = day
        }
        public static func < (a: Self, b: Self) -> Bool { (a.boardId, a.day) < (b.boardId, b.day) }
    }

    public struct BoardTerm: Hashable, Sendable, Comparable {
        public var boardId: Int64
        public var term: String
        public init(boardId: Int64, term: String) {
            self.boardId = boardId
            self.term = term
        }
        public static func < (a: Self, b: Self) -> Bool {
            a.boardId != b.boardId ? a.boardId < b.boardId : a.term.utf8.lexicographicallyPrecedes(b.term.utf8)
        }
    }

    public struct ThreadCounts: Sendable, Equatable {
        public var posts = 0
        public var replies = 0
        public init() {}
    }

    public struct TermTotals: Sendable, Equatable {
        public var tokens = 0
        public var words = 0
        public init() {}
    }

    /// Visible posts per thread and member: a thread's participants are its members with posts.
    public private(set) var threadMembers: [ThreadMember: Int] = [:]
    public private(set) var threads: [Int64: ThreadCounts] = [:]
    /// Posts per board (0: the forum) and member, whatever their group: participation by department.
    public private(set) var members: [BoardMember: Int] = [:]
    /// Posts per board (0: the forum), member and the group they wrote as: posters per group.
    public private(set) var groupMembers: [GroupMember: Int] = [:]
    public private(set) var groupPosts: [BoardGroup: Int] = [:]
    public private(set) var days: [BoardDay: Int] = [:]
    public private(set) var terms: [BoardTerm: Int] = [:]
    public private(set) var termTotals: [Int64: TermTotals] = [:]
    /// Visible posts added minus removed, for batching.
    public private(set) var posts = 0
    private var calendar = LocalDays()

    public init() {}

    /// Counts `post`, visible as it is now.
    public mutating func add(_ post: HarvestPost) { apply(post, sign: 1) }

    /// Takes back what `post`, visible as it was, had counted.
    public mutating func remove(_ post: HarvestPost) { apply(post, sign: -1) }

    private mutating func apply(_ post: HarvestPost, sign: Int) {
        posts += sign
        bump(&threadMembers, ThreadMember(threadId: post.threadId, authorId: post.authorId), sign)
        var thread = threads[post.threadId] ?? ThreadCounts()
        thread.posts += sign
        if !post.isOpening { thread.replies += sign }
        threads[post.threadId] = thread == ThreadCounts() ? nil : thread
        for board in [post.boardId, 0] {
            bump(&members, BoardMember(boardId: board, authorId: post.authorId), sign)
            bump(&groupMembers, GroupMember(boardId: board, authorId: post.authorId, group: post.group), sign)
            bump(&groupPosts, BoardGroup(boardId: board, group: post.group), sign)
        }
        bump(&days, BoardDay(boardId: post.boardId, day: Int64(calendar.day(of: post.createdAt).timeIntervalSince1970)), sign)
        let text = PostTerms(of: post.isOpening ? post.threadTitle + "\n" + post.body : post.body)
        for (term, count) in text.counts { bump(&terms, BoardTerm(boardId: post.boardId, term: term), sign * count) }
        var totals = termTotals[post.boardId] ?? TermTotals()
        totals.tokens += sign * text.tokens
        totals.words += sign * text.words
        termTotals[post.boardId] = totals == TermTotals() ? nil : totals
    }

    private func bump<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key, _ amount: Int) {
        let sum = counts[key, default: 0] + amount
        counts[key] = sum == 0 ? nil : sum
    }

    /// The boards whose token counts change, in order.
    public var changedTermTotals: [(Int64, TermTotals)] { termTotals.sorted { $0.key < $1.key } }
}

/// The local days of the harvest's timeline, for counts kept by day in a database.
public enum HarvestDays {
    /// Every day from the first counted to the last, quiet days included: the same timeline a
    /// `HarvestTally` draws. `counts` are keyed by each day's start.
    public static func timeline(_ counts: [Date: Int]) -> [DayCount] {
        let calendar = LocalDays()
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return [] }
        return calendar.days(from: first, through: last).map { DayCount(day: calendar.text($0), posts: counts[$0] ?? 0) }
    }
}
