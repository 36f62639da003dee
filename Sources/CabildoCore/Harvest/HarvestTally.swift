import Foundation

/// One visible post, as the harvest counts it.
public struct HarvestPost: Sendable {
    public var boardId: Int64
    public var threadId: Int64
    public var authorId: Int64
    /// The group its author had when writing it.
    public var group: Stakeholder
    /// Its author's department as the account says now (`.notSaid` when never answered).
    public var department: Department
    public var createdAt: Date
    /// The opening post of its thread (the others are replies).
    public var isOpening: Bool
    /// The thread's title; it counts for key terms with the opening post only.
    public var threadTitle: String
    public var body: String

    public init(boardId: Int64, threadId: Int64, authorId: Int64, group: Stakeholder, department: Department = .notSaid,
                createdAt: Date, isOpening: Bool, threadTitle: String, body: String) {
        self.department = department
        self.boardId = boardId
        self.threadId = threadId
        self.authorId = authorId
        self.group = group
        self.createdAt = createdAt
        self.isOpening = isOpening
        self.threadTitle = threadTitle
        self.body = body
    }
}

/// One listed thread as it is stored; the tally adds what its posts say.
public struct HarvestThreadRow: Sendable {
    public var id: Int64
    public var boardId: Int64
    public var boardSlug: String
    public var title: String
    public var isProposal: Bool
    public var createdAt: Date
    public var lastActivityAt: Date
    public var endorsementsByGroup: [Stakeholder: Int]
    public var summaryMarkdown: String?
    public var summaryHTML: String?

    public init(id: Int64, boardId: Int64, boardSlug: String, title: String, isProposal: Bool, createdAt: Date,
                lastActivityAt: Date, endorsementsByGroup: [Stakeholder: Int], summaryMarkdown: String?, summaryHTML: String?) {
        self.id = id
        self.boardId = boardId
        self.boardSlug = boardSlug
        self.title = title
        self.isProposal = isProposal
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.endorsementsByGroup = endorsementsByGroup
        self.summaryMarkdown = summaryMarkdown
        self.summaryHTML = summaryHTML
    }
}

/// The harvest's counts, taken one post at a time (the store streams a million of them, so
/// they are never all in memory), then turned into a `HarvestSnapshot`.
public struct HarvestTally {
    private struct ThreadCounts {
        var participants = Set<Int64>()
        var replies = 0
    }

    private struct GroupCounts {
        var posters: [Stakeholder: Set<Int64>] = [:]
        var posts: [Stakeholder: Int] = [:]
        /// Each member once, under their department.
        var departments: [Department: Set<Int64>] = [:]
        /// Posts by the start of their day in Guatemala.
        var days: [Date: Int] = [:]
    }

    private var threads: [Int64: ThreadCounts] = [:]
    private var boards: [Int64: GroupCounts] = [:]
    private var forum = GroupCounts()
    private var terms = KeyTermCorpus()
    private var calendar = LocalDays()

    public init() {}

    public mutating func add(_ post: HarvestPost) {
        let day = calendar.day(of: post.createdAt)
        threads[post.threadId, default: ThreadCounts()].participants.insert(post.authorId)
        if !post.isOpening { threads[post.threadId, default: ThreadCounts()].replies += 1 }
        // Mutated in place through the dictionary, so the sets are never copied.
        boards[post.boardId, default: GroupCounts()].posters[post.group, default: []].insert(post.authorId)
        boards[post.boardId, default: GroupCounts()].posts[post.group, default: 0] += 1
        boards[post.boardId, default: GroupCounts()].days[day, default: 0] += 1
        boards[post.boardId, default: GroupCounts()].departments[post.department, default: []].insert(post.authorId)
        forum.departments[post.department, default: []].insert(post.authorId)
        forum.posters[post.group, default: []].insert(post.authorId)
        forum.posts[post.group, default: 0] += 1
        forum.days[day, default: 0] += 1
        terms.add(post.isOpening ? post.threadTitle + "\n" + post.body : post.body, group: post.boardId)
    }

    /// Everything counted, with the boards and threads it belongs to. A thread with no visible
    /// post left (its opening post was deleted) is not in the harvest.
    public func snapshot(generatedAt: Date, boards refs: [HarvestReport.BoardRef], threads rows: [HarvestThreadRow]) -> HarvestSnapshot {
        let harvested = rows.compactMap { row -> ThreadHarvest? in
            guard let counts = threads[row.id] else { return nil }
            return ThreadHarvest(
                id: row.id, boardId: row.boardId, boardSlug: row.boardSlug, title: row.title, isProposal: row.isProposal,
                replies: counts.replies, participants: counts.participants.count, endorsementsByGroup: row.endorsementsByGroup,
                createdAt: row.createdAt, lastActivityAt: row.lastActivityAt,
                summaryMarkdown: row.summaryMarkdown, summaryHTML: row.summaryHTML)
        }
        return HarvestSnapshot(
            generatedAt: generatedAt, boards: refs, threads: harvested,
            participationByBoard: boards.mapValues(Self.participation), participation: Self.participation(forum),
            postsPerDayByBoard: boards.mapValues(days), postsPerDay: days(forum),
            departmentsByBoard: boards.mapValues(Self.departments), departments: Self.departments(forum), terms: terms)
    }

    private static func participation(_ counts: GroupCounts) -> [GroupParticipation] {
        Stakeholder.allCases.map { GroupParticipation(group: $0, posters: counts.posters[$0]?.count ?? 0, posts: counts.posts[$0] ?? 0) }
    }

    private static func departments(_ counts: GroupCounts) -> DepartmentParticipation {
        DepartmentParticipation(participants: counts.departments.mapValues(\.count))
    }

    /// Every day from the first to the last post, quiet days included, so the chart is a true timeline.
    private func days(_ counts: GroupCounts) -> [DayCount] {
        guard let first = counts.days.keys.min(), let last = counts.days.keys.max() else { return [] }
        return calendar.days(from: first, through: last).map { DayCount(day: calendar.text($0), posts: counts.days[$0] ?? 0) }
    }
}
