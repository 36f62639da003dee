import CabildoCore
import Foundation

/// Everything the web layer may ask of the database. The web layer depends on this
/// protocol, not on GRDB. Its parts have a file each; `ForumStoreCore` holds what every part needs.
public protocol ForumStore: PostsAndModerationStore, AccountStore, ProposalStore, MailAndNotificationStore {}

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
