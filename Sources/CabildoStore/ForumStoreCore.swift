import CabildoCore
import Foundation

/// The part of `ForumStore` every other part builds on: boards, threads and posts, accounts,
/// sessions, search, conclusions. Both stores, `AppDatabase` (SQLite) and `PostgresStore`,
/// implement every part, and `StoreContractTests` holds them to the same answers.
public protocol ForumStoreCore: Sendable {
    func ping() async throws

    // Boards
    func boards() async throws -> [Board]
    func board(slug: String) async throws -> Board?
    func board(id: Int64) async throws -> Board?
    func seedBoardsIfEmpty(_ seeds: [BoardSeed]) async throws

    // The committee's conclusions and recommendations per board: each save a new version.
    func saveConclusions(_ new: NewConclusions) async throws -> Int64
    /// The newest published version; nil while there is none.
    func publishedConclusions(boardId: Int64) async throws -> BoardConclusions?
    /// Every version, newest first.
    func conclusionVersions(boardId: Int64) async throws -> [BoardConclusions]

    // Threads and posts
    /// A page of a board: pinned threads first (first page only), then by last activity.
    /// `before` is the `lastPostId` of the last thread of the previous page.
    func threads(boardId: Int64, before: Int64?, limit: Int) async throws -> [ForumThread]
    func thread(id: Int64) async throws -> ForumThread?
    /// Everything a thread page shows, read in one transaction: the thread, its board, every
    /// post, the synthesis, a proposal's endorsements and whether the viewer gave one, how the
    /// viewer watches it, and their requests for review of their hidden posts in it.
    func threadPage(id: Int64, viewerId: Int64?) async throws -> ThreadPageContent?
    /// A board and one page of its listed threads, read in one transaction (see `threads`), and
    /// how the viewer watches the board.
    func boardPage(slug: String, before: Int64?, limit: Int, viewerId: Int64?) async throws -> BoardPageContent?
    func posts(threadId: Int64) async throws -> [Post]
    func post(id: Int64) async throws -> Post?
    func createThread(_ draft: NewThread) async throws -> (threadId: Int64, postId: Int64)
    func createReply(_ draft: NewReply) async throws -> Int64
    func search(_ query: String, limit: Int, offset: Int) async throws -> [SearchHit]
    /// How many of a search's matches can be paged through (the newest ones, ranked).
    var searchReach: Int { get }

    // Accounts
    func createUser(_ draft: NewUser) async throws -> User
    func user(id: Int64) async throws -> User?
    func credentials(usernameKey: String) async throws -> (user: User, passwordHash: String)?
    func credentials(userId: Int64) async throws -> String?
    func user(usernameKey: String) async throws -> User?

    // Sessions: only the SHA-256 of a token is ever stored
    /// `userAgent` is kept (cut to 256 characters) so the member can tell their sessions apart.
    func createSession(tokenHash: Data, userId: Int64, userAgent: String, at date: Date) async throws
    /// The member's sessions, most recently used first; `current` marks the one asking.
    func sessions(userId: Int64, current tokenHash: Data?) async throws -> [SessionInfo]
    /// Ends one of the member's own sessions; false when it is not theirs or already gone.
    func endSession(id: Int64, userId: Int64) async throws -> Bool
    /// The session's user if the session is neither idle-expired nor past its absolute lifetime; touches it.
    /// Its `twoFactorHold` says what `twoFactorRule` holds back until the member enrols.
    func sessionUser(tokenHash: Data, now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                     twoFactorRule: TwoFactorRule) async throws -> User?
    func deleteSession(tokenHash: Data) async throws
    /// Every session past either limit and every expired sign-in challenge; how many rows went.
    func deleteExpiredSessions(now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                               challengeLifetime: TimeInterval) async throws -> Int
    func deleteOtherSessions(userId: Int64, keeping tokenHash: Data?) async throws

    /// Changes with every write of forum content (not with session bookkeeping); a cache of
    /// derived data (harvest, public pages) is fresh while it stays the same.
    var writeGeneration: Int { get }
    /// Changes with every write of forum content and every change to what members see of their
    /// own accounts (sessions ended, notifications read, watches, settings); a cache of a
    /// member's session or page is fresh while it stays the same.
    var memberGeneration: Int { get }
    /// From now on notifications are also mailed to members who chose it, on `schedule`; nil: never.
    func useNotificationMail(_ schedule: NotificationMailSchedule?)

    /// Bytes of the database in use (page count × page size).
    func databaseSize() async throws -> Int64

    /// A random key made once per database, for CSRF tokens that outlive restarts.
    func serverKey() async throws -> Data
}
