import Foundation

/// Whether a version of a board's conclusions is the committee's draft or published for everyone.
public enum ConclusionsStatus: String, Sendable, CaseIterable {
    case draft, published
}

/// One saved version of a board's conclusions and recommendations, written by the committee in
/// Markdown (`/b/{slug}/conclusions`). Every save is a new version: the board page shows the
/// newest published one, the committee's form starts from the newest of all.
public struct BoardConclusions: Sendable, Equatable {
    /// The most characters each of the two texts may have: a report's page per panel, with room.
    public static let maximumLength = 10_000

    public var version: Int64
    public var boardId: Int64
    public var conclusionsMarkdown: String
    public var conclusionsHTML: String
    public var recommendationsMarkdown: String
    public var recommendationsHTML: String
    public var status: ConclusionsStatus
    public var author: LogActor
    public var createdAt: Date

    public init(version: Int64, boardId: Int64, conclusionsMarkdown: String, conclusionsHTML: String, recommendationsMarkdown: String,
                recommendationsHTML: String, status: ConclusionsStatus, author: LogActor, createdAt: Date) {
        self.version = version
        self.boardId = boardId
        self.conclusionsMarkdown = conclusionsMarkdown
        self.conclusionsHTML = conclusionsHTML
        self.recommendationsMarkdown = recommendationsMarkdown
        self.recommendationsHTML = recommendationsHTML
        self.status = status
        self.author = author
        self.createdAt = createdAt
    }
}

/// A new version, as the committee's form gives it, rendered.
public struct NewConclusions: Sendable {
    public var boardId: Int64
    public var conclusionsMarkdown: String
    public var conclusionsHTML: String
    public var recommendationsMarkdown: String
    public var recommendationsHTML: String
    public var status: ConclusionsStatus
    public var authorId: Int64
    public var date: Date

    public init(boardId: Int64, conclusionsMarkdown: String, conclusionsHTML: String, recommendationsMarkdown: String,
                recommendationsHTML: String, status: ConclusionsStatus, authorId: Int64, date: Date) {
        self.boardId = boardId
        self.conclusionsMarkdown = conclusionsMarkdown
        self.conclusionsHTML = conclusionsHTML
        self.recommendationsMarkdown = recommendationsMarkdown
        self.recommendationsHTML = recommendationsHTML
        self.status = status
        self.authorId = authorId
        self.date = date
    }
}
