import Foundation

/// What a notification tells its member. Stored by raw value.
public enum NotificationKind: String, Sendable, CaseIterable {
    /// Someone answered one of the member's posts (other than a thread's opening post).
    case reply
    /// Replies to the opening post of the member's thread: one notification while it is unread,
    /// counting them (in a busy thread they would bury everything else).
    case threadReply = "thread_reply"
    /// Someone wrote `@name` for the member in a post.
    case mention
    /// New posts in a thread the member watches: one notification while it is unread, counting them.
    case watchedPost = "watched_post"
    /// A new thread in a board the member watches.
    case newThread = "new_thread"
    /// Staff, or the forum itself (flags), did something to the member's post or thread; with the reason.
    case postHidden = "post_hidden", postRestored = "post_restored", postHeld = "post_held", postApproved = "post_approved"
    case threadLocked = "thread_locked", threadMoved = "thread_moved"
    /// New endorsements of the member's proposal: one notification while it is unread, counting them.
    case endorsements
    /// A synthesis written (or rewritten) on the member's thread.
    case summary
    /// A moderator decided the member's request for review: restored, or kept hidden.
    case appealUpheld = "appeal_upheld", appealDismissed = "appeal_dismissed"

    /// Kinds that grow a count while unread instead of adding a notification per event.
    public var isBatched: Bool { self == .threadReply || self == .watchedPost || self == .endorsements }

    /// Kinds about someone else's post: they follow the post's visibility, and reading the
    /// thread reads them.
    public var isAboutConversation: Bool { Self.conversation.contains(self) }

    public static let conversation: [NotificationKind] = [.reply, .threadReply, .mention, .watchedPost, .newThread]
}

/// How closely a member follows a thread or a board. `normal` is what nobody chose: a thread
/// notifies replies to one's posts and mentions, a board nothing.
public enum WatchLevel: String, Sendable, CaseIterable {
    /// Every new post of the thread; every new thread of the board.
    case watching
    case normal
    /// Nothing at all, not even replies or mentions; a muted board mutes its threads unless
    /// the member chose a level for the thread itself.
    case muted
}

/// One notification as `/notifications` lists it, with what the page needs to word and link it
/// and to apply `Permissions.canSee` to the post it is about.
public struct ForumNotification: Sendable, Equatable {
    public var id: Int64
    public var kind: NotificationKind
    public var threadId: Int64
    public var threadTitle: String
    /// The post it is about (the first of a batch); nil for thread-wide events.
    public var post: Post?
    /// The board a new thread opened in, or a thread moved to.
    public var boardSlug: String?
    public var boardTitleES: String?
    public var boardTitleEN: String?
    /// Who did it: nil when nobody did (the forum, or a batch).
    public var actor: LogActor?
    /// A moderator's reason; for a post hidden by flags, "flags: N".
    public var reason: String?
    /// Events in a batch (`NotificationKind.isBatched`); 1 otherwise.
    public var count: Int
    public var createdAt: Date
    public var readAt: Date?

    public init(id: Int64, kind: NotificationKind, threadId: Int64, threadTitle: String, post: Post?, boardSlug: String?,
                boardTitleES: String?, boardTitleEN: String?, actor: LogActor?, reason: String?, count: Int, createdAt: Date,
                readAt: Date?) {
        self.id = id
        self.kind = kind
        self.threadId = threadId
        self.threadTitle = threadTitle
        self.post = post
        self.boardSlug = boardSlug
        self.boardTitleES = boardTitleES
        self.boardTitleEN = boardTitleEN
        self.actor = actor
        self.reason = reason
        self.count = count
        self.createdAt = createdAt
        self.readAt = readAt
    }

    public var isUnread: Bool { readAt == nil }
}

/// A request for review of a hidden post (`POST /p/{id}/appeal`), one per post, by its author.
public struct Appeal: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// Restored.
        case upheld
        /// Kept hidden.
        case dismissed
    }

    public static let textLength = 1...500

    public var postId: Int64
    public var text: String
    public var createdAt: Date
    /// nil while it waits in the moderation queue.
    public var outcome: Outcome?
    public var resolvedAt: Date?

    public init(postId: Int64, text: String, createdAt: Date, outcome: Outcome?, resolvedAt: Date?) {
        self.postId = postId
        self.text = text
        self.createdAt = createdAt
        self.outcome = outcome
        self.resolvedAt = resolvedAt
    }

    /// The text as typed, trimmed; a problem the form shows (empty, or longer than 500 characters).
    public static func validate(_ text: String) -> ValidationError? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return textLength.contains(trimmed.unicodeScalars.count) ? nil : ValidationError(field: "text", messageKey: "error_appeal_length")
    }
}
