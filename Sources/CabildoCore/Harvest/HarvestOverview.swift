import Foundation

/// What a harvest holds besides its thread lists: who took part, when, from where, in which
/// words. A full `HarvestReport` has them, and so has the `HarvestOverview` the page shows.
public protocol HarvestFigures: Sendable {
    /// The board shown, or nil for the whole forum.
    var board: HarvestReport.BoardRef? { get }
    var boards: [HarvestReport.BoardRef] { get }
    var generatedAt: Date { get }
    var participation: [GroupParticipation] { get }
    var postsPerDay: [DayCount] { get }
    var departments: DepartmentParticipation { get }
    var departmentsByBoard: [BoardDepartments] { get }
    var keyTerms: [BoardTerms] { get }
}

extension HarvestFigures {
    public var totalPosts: Int { participation.reduce(0) { $0 + $1.posts } }
}

extension HarvestReport: HarvestFigures {}

/// What the harvest page and the consultation report show: a report's figures, its most
/// engaged threads and best-supported proposals (the first few, and how many there are), and
/// every synthesis. A store reads it in a few small queries, so a view right after a write costs
/// milliseconds at a million posts (issue 20); the downloads carry every thread and take the
/// whole `HarvestReport`.
public struct HarvestOverview: HarvestFigures, Equatable {
    /// Threads listed by engagement, and proposals listed by support.
    public static let threadsShown = 20
    public static let proposalsShown = 50

    public var board: HarvestReport.BoardRef?
    public var boards: [HarvestReport.BoardRef]
    public var generatedAt: Date
    public var participation: [GroupParticipation]
    public var postsPerDay: [DayCount]
    public var departments: DepartmentParticipation
    public var departmentsByBoard: [BoardDepartments]
    public var keyTerms: [BoardTerms]
    /// The first `threadsShown` of the report's threads, most engaged first.
    public var threads: [ThreadHarvest]
    public var threadCount: Int
    /// The first `proposalsShown` proposals by bridging score.
    public var proposals: [ThreadHarvest]
    public var proposalCount: Int
    /// Endorsements of every proposal, not only those shown.
    public var proposalEndorsements: Int
    /// Every thread with a synthesis, most engaged first.
    public var summaries: [ThreadHarvest]

    /// - Parameters:
    ///   - threads: the most engaged threads, in order, at least the first `threadsShown` of them.
    ///   - proposals: the best-supported proposals, ranked, at least the first `proposalsShown` of them.
    ///   - summaries: every thread with a synthesis, in any order.
    public init(figures: some HarvestFigures, threads: some Collection<ThreadHarvest>, threadCount: Int,
                proposals: some Collection<ThreadHarvest>, proposalCount: Int, proposalEndorsements: Int, summaries: [ThreadHarvest]) {
        board = figures.board
        boards = figures.boards
        generatedAt = figures.generatedAt
        participation = figures.participation
        postsPerDay = figures.postsPerDay
        departments = figures.departments
        departmentsByBoard = figures.departmentsByBoard
        keyTerms = figures.keyTerms
        self.threads = Array(threads.prefix(Self.threadsShown))
        self.threadCount = threadCount
        self.proposals = Array(proposals.prefix(Self.proposalsShown))
        self.proposalCount = proposalCount
        self.proposalEndorsements = proposalEndorsements
        self.summaries = HarvestReport.mostEngagedFirst(summaries)
    }

    /// The overview of a full report: what a store's own overview must equal.
    public init(_ report: HarvestReport) {
        self.init(figures: report, threads: report.threads, threadCount: report.threads.count, proposals: report.proposals,
                  proposalCount: report.proposals.count, proposalEndorsements: report.proposals.reduce(0) { $0 + $1.endorsements },
                  summaries: report.summaries)
    }
}
