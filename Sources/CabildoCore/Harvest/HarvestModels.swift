import Foundation

/// One thread as the committee sees it: its engagement, its support by group, its summary.
/// Counts exclude hidden, held and deleted posts.
public struct ThreadHarvest: Sendable, Equatable {
    public var id: Int64
    public var boardId: Int64
    public var boardSlug: String
    public var title: String
    public var isProposal: Bool
    /// Visible replies (the opening post is not a reply).
    public var replies: Int
    /// Distinct authors of visible posts.
    public var participants: Int
    public var endorsementsByGroup: [Stakeholder: Int]
    public var createdAt: Date
    public var lastActivityAt: Date
    public var summaryMarkdown: String?
    public var summaryHTML: String?

    public init(id: Int64, boardId: Int64, boardSlug: String, title: String, isProposal: Bool, replies: Int, participants: Int,
                endorsementsByGroup: [Stakeholder: Int], createdAt: Date, lastActivityAt: Date,
                summaryMarkdown: String? = nil, summaryHTML: String? = nil) {
        self.id = id
        self.boardId = boardId
        self.boardSlug = boardSlug
        self.title = title
        self.isProposal = isProposal
        self.replies = replies
        self.participants = participants
        self.endorsementsByGroup = endorsementsByGroup
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.summaryMarkdown = summaryMarkdown
        self.summaryHTML = summaryHTML
    }

    public var endorsements: Int { endorsementsByGroup.values.reduce(0, +) }
    public var bridgingScore: Double { Bridging.score(endorsementsByGroup) }
    public var groupsReached: Int { Bridging.groupsReached(endorsementsByGroup) }
}

/// A thread's synthesis, written by a moderator or a committee member.
public struct ThreadSynthesis: Sendable, Equatable {
    public var markdown: String
    public var html: String
    /// nil once its author closed their account.
    public var authorName: String?
    public var updatedAt: Date
    public init(markdown: String, html: String, authorName: String?, updatedAt: Date) {
        self.markdown = markdown
        self.html = html
        self.authorName = authorName
        self.updatedAt = updatedAt
    }
}

/// Who took part, per stakeholder group.
public struct GroupParticipation: Sendable, Equatable {
    public var group: Stakeholder
    public var posters: Int
    public var posts: Int
    public init(group: Stakeholder, posters: Int, posts: Int) {
        self.group = group
        self.posters = posters
        self.posts = posts
    }
}

public struct DayCount: Sendable, Equatable {
    /// "YYYY-MM-DD" in Guatemala's time.
    public var day: String
    public var posts: Int
    public init(day: String, posts: Int) {
        self.day = day
        self.posts = posts
    }
}

/// Everything the harvest shows for one board, or for the whole forum when `board` is nil.
public struct HarvestReport: Sendable, Equatable {
    public struct BoardRef: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var titleES: String
        public var titleEN: String
        public init(id: Int64, slug: String, titleES: String, titleEN: String) {
            self.id = id
            self.slug = slug
            self.titleES = titleES
            self.titleEN = titleEN
        }

        public func title(in language: Language) -> String { language == .en ? titleEN : titleES }
    }

    public var board: BoardRef?
    /// Every board, for choosing another view.
    public var boards: [BoardRef]
    public var generatedAt: Date
    public var participation: [GroupParticipation]
    public var postsPerDay: [DayCount]
    /// Who took part by department, and the share from outside the department of Guatemala.
    public var departments: DepartmentParticipation
    /// The same for each board shown: every board in the forum's view, the one board in its own.
    public var departmentsByBoard: [BoardDepartments]
    /// Every thread, most engaged first: participants, then replies, then endorsements.
    public var threads: [ThreadHarvest]
    /// Proposals by bridging score.
    public var proposals: [ThreadHarvest]
    /// Each board's key terms: the one board, or all of them for the forum's view.
    public var keyTerms: [BoardTerms]

    public init(board: BoardRef?, boards: [BoardRef], generatedAt: Date, participation: [GroupParticipation], postsPerDay: [DayCount],
                departments: DepartmentParticipation = .empty, departmentsByBoard: [BoardDepartments] = [],
                threads: [ThreadHarvest], keyTerms: [BoardTerms]) {
        self.departments = departments
        self.departmentsByBoard = departmentsByBoard
        self.board = board
        self.boards = boards
        self.generatedAt = generatedAt
        self.participation = participation
        self.postsPerDay = postsPerDay
        self.threads = Self.mostEngagedFirst(threads)
        proposals = Bridging.rank(threads.filter(\.isProposal))
        self.keyTerms = keyTerms
    }

    public var summaries: [ThreadHarvest] { threads.filter { $0.summaryMarkdown != nil } }

    /// Participants, then replies, then endorsements, then the lower id: the order of `threads`,
    /// and of a store's `harvestOverview` query.
    public static func mostEngagedFirst(_ threads: [ThreadHarvest]) -> [ThreadHarvest] {
        // Each thread's endorsements summed once, not in every comparison: a full report sorts
        // 50,000 threads at a million posts.
        let endorsements = threads.map(\.endorsements)
        return threads.indices.sorted { i, j in
            let (a, b) = (threads[i], threads[j])
            if a.participants != b.participants { return a.participants > b.participants }
            if a.replies != b.replies { return a.replies > b.replies }
            if endorsements[i] != endorsements[j] { return endorsements[i] > endorsements[j] }
            return a.id < b.id
        }.map { threads[$0] }
    }
}
