import CabildoCore

/// What a thread page shows, as one read returns it. Which posts a viewer may see is decided
/// by the web layer (`Permissions.canSee`), not here.
public struct ThreadPageContent: Sendable {
    public var thread: ForumThread
    public var board: Board
    /// Every post of the thread, held and hidden ones included, in id order.
    public var posts: [Post]
    public var summary: ThreadSynthesis?
    /// A proposal's endorsements by stakeholder group; empty for other threads.
    public var endorsements: [Stakeholder: Int]
    /// Whether the signed-in viewer endorsed this proposal.
    public var viewerEndorsed: Bool
    /// How the signed-in viewer watches the thread; nil for a visitor.
    public var watchLevel: WatchLevel?
    /// The signed-in viewer's requests for review of their hidden posts here, by post.
    public var appeals: [Int64: Appeal]
    /// The viewer's unread notifications about this thread's posts, which reading it reads.
    public var unreadHere: Int
}

/// What a board page shows, as one read returns it.
public struct BoardPageContent: Sendable {
    public var board: Board
    /// Pinned threads first (first page only), then by last activity.
    public var threads: [ForumThread]
    /// How the signed-in viewer watches the board; nil for a visitor.
    public var watchLevel: WatchLevel?
    /// The committee's newest published conclusions for the board.
    public var conclusions: BoardConclusions?
}
