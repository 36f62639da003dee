import CabildoCore
import Foundation

/// Everything the web layer may ask of the database. The web layer depends on this
/// protocol, not on GRDB; `ForumStoreCore` holds the part PostgreSQL implements already.
public protocol ForumStore: ForumStoreCore {
    // Threads and posts
    func editPost(id: Int64, markdown: String, html: String, hold: Bool, at date: Date) async throws
    func deletePost(id: Int64, at date: Date) async throws
    func revisions(postId: Int64) async throws -> [PostRevision]
    func recentPosts(boardId: Int64, limit: Int) async throws -> [FeedEntry]

    // Accounts
    func setPasswordHash(userId: Int64, hash: String) async throws
    func updateSettings(userId: Int64, language: Language?, stakeholder: Stakeholder) async throws
    /// Where the member takes part from (nil: not answered), and whether their profile shows it.
    func setDepartment(userId: Int64, _ department: Department?, shown: Bool) async throws
    /// The setting "watch the threads I open or reply to".
    func setWatchesParticipation(userId: Int64, _ on: Bool) async throws
    /// Which of these names (`Rules.usernameKey`) are open accounts: key → the name as registered.
    func openAccounts(usernameKeys: [String]) async throws -> [String: String]
    func profile(usernameKey: String, recentLimit: Int) async throws -> UserProfile?
    /// Everything kept about the member, in one read, for them to take away; nil for no such member.
    func memberExport(userId: Int64) async throws -> MemberExport?
    /// The member leaves (`/settings/delete`): signed out everywhere, named nowhere, the name kept
    /// taken; `removingText` deletes every post of theirs as its author would. `lastAdmin` for the only admin.
    func closeAccount(userId: Int64, removingText: Bool, at date: Date) async throws

    // Two-factor sign-in (TOTP): secrets, recovery code digests, guesses, half-signed-in challenges
    /// The member's two-factor state, pending or on; nil when they never began.
    func twoFactor(userId: Int64) async throws -> TwoFactorState?
    /// Keeps `secret` as the member's pending one, or returns the pending one they already have
    /// (the enrolment page shows the same secret however often it is opened). Refused when it is on.
    func beginTwoFactor(userId: Int64, secret: String, at date: Date) async throws -> String
    /// Turns the pending secret on with the code's time step and fresh recovery codes, and ends
    /// every other session of the member; false when nothing was pending.
    func enableTwoFactor(userId: Int64, step: Int64, recoveryCodeDigests: [Data], keepingSession tokenHash: Data?,
                         at date: Date) async throws -> Bool
    /// Turns it off (secret and recovery codes gone) and ends every other session of the member.
    func disableTwoFactor(userId: Int64, keepingSession tokenHash: Data?) async throws
    /// Counts one guess at the member's code; when over `limit` in `window`, the date guessing may
    /// resume (the guess is refused). Every guess counts; a correct one clears the count.
    func takeTwoFactorAttempt(userId: Int64, at date: Date, limit: Int, window: TimeInterval) async throws -> Date?
    /// Accepts a code of time step `step` only if it is later than the last accepted one (no replay).
    func acceptTwoFactorStep(userId: Int64, step: Int64) async throws -> Bool
    /// Uses up one unused recovery code; false when it is not one of the member's, or was used.
    func useRecoveryCode(userId: Int64, digest: Data, at date: Date) async throws -> Bool
    /// `cabildo admin reset-2fa`: two-factor off, every session and challenge ended.
    func resetTwoFactor(userId: Int64) async throws
    /// The half-signed-in state after a correct password (only the token's SHA-256 is stored).
    func createSignInChallenge(tokenHash: Data, userId: Int64, at date: Date, lifetime: TimeInterval) async throws
    func signInChallengeUser(tokenHash: Data, at date: Date, lifetime: TimeInterval) async throws -> User?
    /// Ends the challenge and starts the session in one write; false when the challenge was already used.
    func completeSignIn(challenge tokenHash: Data, session sessionTokenHash: Data, userAgent: String,
                        at date: Date) async throws -> Bool

    // Moderation: every action runs with its log line in one transaction
    func apply(_ action: ModerationAction, by actorId: Int64, reason: String, at date: Date) async throws
    /// Records a flag; hides the post when `rule` says enough established members flagged it.
    func flag(postId: Int64, by userId: Int64, reason: FlagReason, note: String, rule: AutoHideRule, at date: Date) async throws -> FlagOutcome
    /// Flagged and held posts, newest first.
    func moderationQueue(limit: Int) async throws -> [QueueItem]
    /// Flags on a post that no moderator has dealt with yet.
    func openFlags(postId: Int64) async throws -> [Flag]
    /// The author's request for review of the post, while no moderator has decided it.
    func openAppeal(postId: Int64) async throws -> Appeal?
    /// The public log, newest first; `before` is the id of the last entry of the previous page.
    func moderationLog(before: Int64?, limit: Int) async throws -> [LogEntry]
    func watchedWords() async throws -> [WatchedWord]
    /// How many of the member's posts were published, counting at most `upTo`.
    /// Whether the member posted exactly this text since `since` (a double submit, or a bot repeating itself).
    func hasRecentPost(authorId: Int64, markdown: String, since: Date) async throws -> Bool
    func publishedPostCount(authorId: Int64, upTo: Int) async throws -> Int

    // Notifications, watching and requests for review: notifications are written by the
    // writes that cause them (posts, `apply`, `flag`, endorsements, syntheses), never here
    /// The member's notifications, newest first; `before` is the id of the last of the previous page.
    func notifications(userId: Int64, before: Int64?, limit: Int) async throws -> [ForumNotification]
    func markNotificationsRead(userId: Int64, at date: Date) async throws
    /// Marks read what the thread's posts told the member; how many there were.
    func markThreadNotificationsRead(userId: Int64, threadId: Int64, at date: Date) async throws -> Int
    func setWatch(userId: Int64, threadId: Int64, level: WatchLevel, at date: Date) async throws
    func setWatch(userId: Int64, boardId: Int64, level: WatchLevel, at date: Date) async throws
    /// The author of a hidden post asks for a review, once (`alreadyAppealed`); `notHidden` for a visible post.
    func appeal(postId: Int64, by userId: Int64, text: String, at date: Date) async throws

    // Proposals, endorsements, summaries and the harvest
    /// Adds the member's endorsement, or takes it back if they had given it; true when it is now given.
    func toggleEndorsement(threadId: Int64, by user: User, at date: Date) async throws -> Bool
    func endorsements(threadId: Int64) async throws -> [Stakeholder: Int]
    func summary(threadId: Int64) async throws -> ThreadSynthesis?
    func saveSummary(threadId: Int64, markdown: String, html: String, authorId: Int64, at date: Date) async throws
    /// One read of everything the harvest shows, for every board; hidden, held and deleted posts left out.
    func harvest(at date: Date) async throws -> HarvestSnapshot

    /// Counts one use of an account's long-window quota, or refuses (and counts nothing).
    func takeQuota(_ quota: AccountQuota, userId: Int64, limit: RateLimit, at date: Date) async throws -> RateLimiter.Decision

    // E-mail: addresses, single-use links (only their SHA-256 stored), the outbox
    /// `/settings/email`: the confirmed address, a pending one, the choice of notification mail.
    func emailSettings(userId: Int64, at date: Date) async throws -> EmailSettings
    func saveMailNotifications(userId: Int64, _ choice: MailNotifications) async throws
    /// Issues a confirmation link (`token`, stored hashed) for `address` and writes its mail, in one transaction.
    func requestEmailConfirmation(userId: Int64, address: String, token: String, language: Language, at date: Date) async throws
    /// Drops the pending address; with `confirmedToo`, the confirmed one as well.
    func forgetEmail(userId: Int64, confirmedToo: Bool) async throws
    func confirmEmail(tokenHash: Data, at date: Date) async throws -> EmailConfirmation
    /// Writes a reset link and its mail for the open account named by either key, if it has a
    /// confirmed address and `allow` agrees; the member's id when it did.
    func requestPasswordReset(usernameKey: String, addressKey: String, token: String, language: Language, at date: Date,
                              allow: @Sendable @escaping (Int64) -> Bool) async throws -> Int64?
    func mailLinkWorks(tokenHash: Data, kind: MailKind, at date: Date) async throws -> Bool
    /// New password through a reset link; every session, sign-in challenge and reset link of the member ends.
    func resetPassword(tokenHash: Data, passwordHash: String, at date: Date) async throws -> Int64?
    func unsubscribe(userId: Int64) async throws -> Bool
    /// The next due mail, held for `lease` seconds by the caller (a conditional UPDATE: one worker per mail).
    func claimMail(at date: Date, lease: TimeInterval) async throws -> OutboxMail?
    func nextMailDue() async throws -> Date?
    func finishMail(id: Int64, outcome: MailOutcome, error: String?, at date: Date) async throws
    func retryMail(id: Int64, due: Date, error: String) async throws
    /// Expired links, and finished mails past their week; how many rows went.
    func deleteExpiredMailRecords(at date: Date) async throws -> Int
    /// What a notification mail or digest tells, read as it is sent (`NotificationsToMail`).
    func notificationsToMail(mailId: Int64, userId: Int64, kind: MailKind, limit: Int) async throws -> NotificationsToMail
}

public struct NewThread: Sendable {
    public var boardId: Int64
    public var authorId: Int64
    public var title: String
    public var markdown: String
    public var html: String
    public var createdAt: Date
    /// Held for a moderator's approval (new account, or a watched word).
    public var held: Bool
    public var isProposal: Bool
    public init(boardId: Int64, authorId: Int64, title: String, markdown: String, html: String, createdAt: Date, held: Bool = false,
                isProposal: Bool = false) {
        self.held = held
        self.isProposal = isProposal
        self.boardId = boardId
        self.authorId = authorId
        self.title = title
        self.markdown = markdown
        self.html = html
        self.createdAt = createdAt
    }
}

public struct NewReply: Sendable {
    public var threadId: Int64
    public var parentId: Int64?
    public var authorId: Int64
    public var markdown: String
    public var html: String
    public var createdAt: Date
    public var held: Bool
    public init(threadId: Int64, parentId: Int64?, authorId: Int64, markdown: String, html: String, createdAt: Date,
                held: Bool = false) {
        self.held = held
        self.threadId = threadId
        self.parentId = parentId
        self.authorId = authorId
        self.markdown = markdown
        self.html = html
        self.createdAt = createdAt
    }
}

public struct NewUser: Sendable {
    public var username: String
    public var passwordHash: String
    public var role: Role
    public var stakeholder: Stakeholder
    /// Optional at registration: nil when left unanswered.
    public var department: Department?
    public var createdAt: Date
    public init(username: String, passwordHash: String, role: Role, stakeholder: Stakeholder, department: Department? = nil,
                createdAt: Date) {
        self.department = department
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.stakeholder = stakeholder
        self.createdAt = createdAt
    }
}

/// A member's two-factor sign-in as `/settings/2fa` shows it. The secret never leaves the server
/// but on that page while enrolling.
public struct TwoFactorState: Sendable, Equatable {
    public var secret: String
    /// Nil while enrolling: the secret is shown, no code has confirmed it yet.
    public var enabledAt: Date?
    /// The time step of the last code accepted (a code is accepted once).
    public var lastStep: Int64
    public var recoveryCodesLeft: Int
    public var isOn: Bool { enabledAt != nil }
}

/// One place a member is signed in, as `/settings/sessions` lists it.
public struct SessionInfo: Sendable, Equatable {
    public var id: Int64
    public var createdAt: Date
    public var lastSeenAt: Date
    public var userAgent: String
    /// The session of the request asking.
    public var isCurrent: Bool
}

public struct FeedEntry: Sendable, Equatable {
    public var postId: Int64
    public var threadId: Int64
    public var threadTitle: String
    /// nil once the author closed their account.
    public var authorName: String?
    public var html: String
    public var createdAt: Date
}

public struct UserProfile: Sendable {
    public var user: User
    public var postCount: Int
    public var recentPosts: [FeedEntry]
}

public enum StoreError: Error, Equatable {
    case usernameTaken
    case notFound
    /// The parent post belongs to another thread, or is gone.
    case invalidParent
    /// The database could not take the write (disk full, read-only, busy for too long).
    case unavailable
    /// This member already flagged this post.
    case alreadyFlagged
    /// A board with that slug exists.
    case slugTaken
    /// That watched word is already on the list.
    case duplicateWord
    /// Only proposals can be endorsed.
    case notAProposal
    /// A search ran past its time limit: the query matches too much to answer cheaply.
    case tooBroad
    /// The thread or board stopped taking posts (locked, archived, unlisted) before the write.
    case closed
    /// The actor lost the role the action needs (demoted or suspended) before the write.
    case notPermitted
    /// The change would leave the forum without an admin.
    case lastAdmin
    /// Every search slot is taken and the line is full.
    case busy
    /// Only a hidden post can be put up for review.
    case notHidden
    /// The author already asked for a review of this post.
    case alreadyAppealed
}

/// What flagging a post did.
public enum FlagOutcome: Sendable, Equatable {
    case recorded
    /// The flag reached the threshold and the post is now hidden pending review.
    case hidden
}
