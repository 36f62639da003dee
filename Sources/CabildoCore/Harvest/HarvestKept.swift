import Foundation

/// The harvest's counts as a store keeps them current (issue 20), read back in a few small
/// queries and turned into the same `HarvestSnapshot` a full `HarvestTally` gives.
public struct HarvestKept: Sendable {
    public struct Thread: Sendable {
        public var row: HarvestThreadRow
        public var replies: Int
        public var participants: Int
        public init(row: HarvestThreadRow, replies: Int, participants: Int) {
            self.row = row
            self.replies = replies
            self.participants = participants
        }

        public var harvest: ThreadHarvest {
            ThreadHarvest(id: row.id, boardId: row.boardId, boardSlug: row.boardSlug, title: row.title, isProposal: row.isProposal,
                          replies: replies, participants: participants, endorsementsByGroup: row.endorsementsByGroup,
                          createdAt: row.createdAt, lastActivityAt: row.lastActivityAt, summaryMarkdown: row.summaryMarkdown,
                          summaryHTML: row.summaryHTML)
        }
    }

    /// Listed threads with at least one visible post.
    public var threads: [Thread] = []
    /// Posters and posts per board (0: the forum) and group.
    public var groups: [(boardId: Int64, group: Stakeholder, posters: Int, posts: Int)] = []
    /// Members per board (0: the forum) and the department their account says now.
    public var departments: [(boardId: Int64, department: Department, participants: Int)] = []
    /// Posts per board and local day (its start in Unix seconds).
    public var days: [(boardId: Int64, day: Int64, posts: Int)] = []
    public var termsByBoard: [Int64: [KeyTerm]] = [:]

    public init() {}

    public func snapshot(generatedAt: Date, boards: [HarvestReport.BoardRef]) -> HarvestSnapshot {
        var groupCounts: [Int64: [Stakeholder: (posters: Int, posts: Int)]] = [:]
        for row in groups { groupCounts[row.boardId, default: [:]][row.group] = (row.posters, row.posts) }
        func participation(_ board: Int64) -> [GroupParticipation] {
            Stakeholder.allCases.map {
                GroupParticipation(group: $0, posters: groupCounts[board]?[$0]?.posters ?? 0, posts: groupCounts[board]?[$0]?.posts ?? 0)
            }
        }
        var departmentCounts: [Int64: [Department: Int]] = [:]
        for row in departments { departmentCounts[row.boardId, default: [:]][row.department, default: 0] += row.participants }
        var dayCounts: [Int64: [Date: Int]] = [:]
        for row in days {
            let day = Date(timeIntervalSince1970: TimeInterval(row.day))
            dayCounts[row.boardId, default: [:]][day] = row.posts
            dayCounts[0, default: [:]][day, default: 0] += row.posts
        }
        // As a tally's: a board is in each map exactly when it has a visible post.
        let boardIds = Set(groupCounts.keys).subtracting([0])
        return HarvestSnapshot(
            generatedAt: generatedAt, boards: boards,
            threads: threads.map(\.harvest),
            participationByBoard: Dictionary(uniqueKeysWithValues: boardIds.map { ($0, participation($0)) }),
            participation: participation(0),
            postsPerDayByBoard: Dictionary(uniqueKeysWithValues: boardIds.map { ($0, HarvestDays.timeline(dayCounts[$0] ?? [:])) }),
            postsPerDay: HarvestDays.timeline(dayCounts[0] ?? [:]),
            departmentsByBoard: Dictionary(uniqueKeysWithValues: boardIds.map {
                ($0, DepartmentParticipation(participants: departmentCounts[$0] ?? [:]))
            }),
            departments: DepartmentParticipation(participants: departmentCounts[0] ?? [:]),
            termsByBoard: termsByBoard)
    }
}
