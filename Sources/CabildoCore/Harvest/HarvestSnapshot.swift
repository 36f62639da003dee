import Foundation

/// Everything the harvest needs for every board, read in one pass; `report(boardId:)` cuts
/// out one board's view or the forum's. Cached by the web layer until the next write.
public struct HarvestSnapshot: Sendable, Equatable {
    public var generatedAt: Date
    public var boards: [HarvestReport.BoardRef]
    public var threads: [ThreadHarvest]
    public var participationByBoard: [Int64: [GroupParticipation]]
    public var participation: [GroupParticipation]
    public var postsPerDayByBoard: [Int64: [DayCount]]
    public var postsPerDay: [DayCount]
    public var departmentsByBoard: [Int64: DepartmentParticipation]
    public var departments: DepartmentParticipation
    /// Each board's top terms; the corpus they came from (hundreds of MB at a million posts) is not kept.
    public var termsByBoard: [Int64: [KeyTerm]]

    public init(generatedAt: Date, boards: [HarvestReport.BoardRef], threads: [ThreadHarvest],
                participationByBoard: [Int64: [GroupParticipation]], participation: [GroupParticipation],
                postsPerDayByBoard: [Int64: [DayCount]], postsPerDay: [DayCount],
                departmentsByBoard: [Int64: DepartmentParticipation] = [:], departments: DepartmentParticipation = .empty,
                terms: KeyTermCorpus) {
        self.init(generatedAt: generatedAt, boards: boards, threads: threads, participationByBoard: participationByBoard,
                  participation: participation, postsPerDayByBoard: postsPerDayByBoard, postsPerDay: postsPerDay,
                  departmentsByBoard: departmentsByBoard, departments: departments,
                  termsByBoard: Dictionary(uniqueKeysWithValues: boards.map { ($0.id, terms.topTerms(group: $0.id, limit: Self.termsPerBoard)) }))
    }

    /// From counts a store keeps current (issue 20): each board's top terms already ranked.
    public init(generatedAt: Date, boards: [HarvestReport.BoardRef], threads: [ThreadHarvest],
                participationByBoard: [Int64: [GroupParticipation]], participation: [GroupParticipation],
                postsPerDayByBoard: [Int64: [DayCount]], postsPerDay: [DayCount],
                departmentsByBoard: [Int64: DepartmentParticipation], departments: DepartmentParticipation,
                termsByBoard: [Int64: [KeyTerm]]) {
        self.generatedAt = generatedAt
        self.boards = boards
        self.threads = threads
        self.participationByBoard = participationByBoard
        self.participation = participation
        self.postsPerDayByBoard = postsPerDayByBoard
        self.postsPerDay = postsPerDay
        self.departmentsByBoard = departmentsByBoard
        self.departments = departments
        self.termsByBoard = Dictionary(uniqueKeysWithValues: boards.map { ($0.id, termsByBoard[$0.id] ?? []) })
    }

    /// Terms listed per board.
    public static let termsPerBoard = 15

    /// One board's harvest, or the whole forum's when `boardId` is nil.
    public func report(boardId: Int64?) -> HarvestReport {
        let board = boardId.flatMap { id in boards.first { $0.id == id } }
        let shown = board.map { [$0] } ?? boards
        return HarvestReport(
            board: board,
            boards: boards,
            generatedAt: generatedAt,
            participation: board.map { participationByBoard[$0.id] ?? Self.emptyParticipation } ?? participation,
            postsPerDay: board.map { postsPerDayByBoard[$0.id] ?? [] } ?? postsPerDay,
            departments: board.map { departmentsByBoard[$0.id] ?? .empty } ?? departments,
            // The forum's view compares the boards' reach; a board's view is its own row.
            departmentsByBoard: shown.map { BoardDepartments(board: $0, participation: departmentsByBoard[$0.id] ?? .empty) },
            threads: board.map { b in threads.filter { $0.boardId == b.id } } ?? threads,
            keyTerms: shown.map { BoardTerms(board: $0, terms: termsByBoard[$0.id] ?? []) }
        )
    }

    /// Every group, with zeros: a group nobody from has spoken is itself a finding.
    public static var emptyParticipation: [GroupParticipation] {
        Stakeholder.allCases.map { GroupParticipation(group: $0, posters: 0, posts: 0) }
    }
}

/// One board's participation by department, for comparing the boards' reach.
public struct BoardDepartments: Sendable, Equatable {
    public var board: HarvestReport.BoardRef
    public var participation: DepartmentParticipation
    public init(board: HarvestReport.BoardRef, participation: DepartmentParticipation) {
        self.board = board
        self.participation = participation
    }
}

public struct BoardTerms: Sendable, Equatable {
    public var board: HarvestReport.BoardRef
    public var terms: [KeyTerm]
    public init(board: HarvestReport.BoardRef, terms: [KeyTerm]) {
        self.board = board
        self.terms = terms
    }
}
