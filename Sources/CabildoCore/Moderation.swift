import Foundation

/// Why a member flags a post. Stored by raw value.
public enum FlagReason: String, Sendable, CaseIterable {
    case spam, abuse
    case offTopic = "off-topic"
    case other
}

/// Something staff do, as recorded in the public moderation log.
public enum ModerationAction: Sendable, Equatable {
    case hidePost(Int64), restorePost(Int64), approvePost(Int64), dismissFlags(Int64)
    /// The author asked for a review of a hidden post and the moderator keeps it hidden
    /// (restoring it upholds the request).
    case dismissAppeal(Int64)
    case lockThread(Int64), unlockThread(Int64), pinThread(Int64), unpinThread(Int64)
    case markProposal(Int64), unmarkProposal(Int64)
    case moveThread(Int64, toBoard: Int64)
    /// `until` nil: until lifted.
    case suspendUser(Int64, until: Date?)
    case unsuspendUser(Int64)
    case setRole(Int64, Role)
    case createBoard(slug: String, titleES: String, titleEN: String)
    case renameBoard(Int64, titleES: String, titleEN: String)
    case moveBoard(Int64, up: Bool)
    case archiveBoard(Int64), unarchiveBoard(Int64)
    /// Replaces the board's opening and closing dates (`BoardSchedule`).
    case scheduleBoard(Int64, BoardSchedule)
    /// Replaces the board's live panel; an empty one removes it.
    case setBoardPanel(Int64, BoardPanel)
    case addWatchedWord(String, WatchedWord.Response)
    case removeWatchedWord(Int64)
}

extension ModerationAction {
    /// Administration, not moderation: only an admin may do it (`Permissions` decides first;
    /// the store checks the actor's role again inside the write, where a demotion that landed
    /// meanwhile is visible).
    public var needsAdmin: Bool {
        switch self {
        case .setRole, .createBoard, .renameBoard, .moveBoard, .archiveBoard, .unarchiveBoard, .scheduleBoard, .setBoardPanel,
             .addWatchedWord, .removeWatchedWord: true
        default: false
        }
    }
}

/// The name each action has in the log, stable because it is stored.
public enum LogAction: String, Sendable, CaseIterable {
    case hidePost = "hide_post", restorePost = "restore_post", approvePost = "approve_post"
    case dismissFlags = "dismiss_flags", autoHidePost = "auto_hide_post", dismissAppeal = "dismiss_appeal"
    case lockThread = "lock_thread", unlockThread = "unlock_thread", pinThread = "pin_thread", unpinThread = "unpin_thread"
    case moveThread = "move_thread"
    case markProposal = "mark_proposal", unmarkProposal = "unmark_proposal"
    case suspendUser = "suspend_user", unsuspendUser = "unsuspend_user", setRole = "set_role"
    case createBoard = "create_board", renameBoard = "rename_board", moveBoard = "move_board"
    case archiveBoard = "archive_board", unarchiveBoard = "unarchive_board"
    case scheduleBoard = "schedule_board", setBoardPanel = "set_board_panel"
    case addWatchedWord = "add_watched_word", removeWatchedWord = "remove_watched_word"
}

public enum LogTargetKind: String, Sendable {
    case post, thread, user, board, word
}

/// Who did what a log line says.
public enum LogActor: Sendable, Equatable {
    /// The forum by itself (a post hidden by flags).
    case forum
    case member(name: String)
    /// A staff member who has since closed their account: the line stays, their name does not.
    case closedAccount
}

/// One line of the public moderation log, with what is needed to name and link its target.
public struct LogEntry: Sendable, Equatable {
    public var id: Int64
    public var createdAt: Date
    public var actor: LogActor
    public var action: LogAction
    public var targetKind: LogTargetKind
    public var targetId: Int64
    /// The thread of a post or thread target, for its link and title.
    public var threadId: Int64?
    public var threadTitle: String?
    /// A user target's name; nil once that account is closed.
    public var userName: String?
    public var boardSlug: String?
    public var boardTitleES: String?
    public var boardTitleEN: String?
    /// Action-specific: "from → to" for moves and roles, a Unix time (or empty) for suspensions,
    /// "OPENS/CLOSES" Unix times (either may be empty) for a schedule, the start (or empty) for a panel.
    public var detail: String
    public var reason: String

    public init(id: Int64, createdAt: Date, actor: LogActor, action: LogAction, targetKind: LogTargetKind, targetId: Int64,
                threadId: Int64?, threadTitle: String?, userName: String?, boardSlug: String?, boardTitleES: String?,
                boardTitleEN: String?, detail: String, reason: String) {
        self.id = id
        self.createdAt = createdAt
        self.actor = actor
        self.action = action
        self.targetKind = targetKind
        self.targetId = targetId
        self.threadId = threadId
        self.threadTitle = threadTitle
        self.userName = userName
        self.boardSlug = boardSlug
        self.boardTitleES = boardTitleES
        self.boardTitleEN = boardTitleEN
        self.detail = detail
        self.reason = reason
    }
}

/// When members' flags hide a post by themselves, before any moderator looks.
public struct AutoHideRule: Sendable, Equatable {
    /// Distinct established members whose open flags hide a post (`CABILDO_FLAG_HIDE_THRESHOLD`).
    public var threshold = 3
    /// A flagger's account must be this old to count (`CABILDO_FLAG_MIN_ACCOUNT_HOURS`): three
    /// accounts made seconds earlier hid any post, staff announcements included.
    public var minimumAccountAge: TimeInterval = 24 * 3600
    /// ... and have this many published posts (`CABILDO_FLAG_MIN_POSTS`).
    public var minimumPublishedPosts = 1

    public init(threshold: Int = 3, minimumAccountAge: TimeInterval = 24 * 3600, minimumPublishedPosts: Int = 1) {
        self.threshold = threshold
        self.minimumAccountAge = minimumAccountAge
        self.minimumPublishedPosts = minimumPublishedPosts
    }

    /// Staff posts are never hidden automatically: flags only put them in the queue.
    public func hides(countedFlags: Int, authorRole: Role) -> Bool {
        countedFlags >= threshold && authorRole != .moderator && authorRole != .admin
    }
}

public struct Flag: Sendable, Equatable {
    /// nil once the flagger closed their account: the flag stays for moderators to review.
    public var flaggerName: String?
    public var reason: FlagReason
    public var note: String
    public var createdAt: Date
    public init(flaggerName: String?, reason: FlagReason, note: String, createdAt: Date) {
        self.flaggerName = flaggerName
        self.reason = reason
        self.note = note
        self.createdAt = createdAt
    }
}

/// A post waiting for a moderator: flagged, held for approval, hidden with its author's
/// request for review, or more than one of these.
public struct QueueItem: Sendable, Equatable {
    public var post: Post
    public var threadTitle: String
    public var flags: [Flag]
    /// The author's request for review, while no moderator has decided it.
    public var appeal: Appeal?
    public init(post: Post, threadTitle: String, flags: [Flag], appeal: Appeal? = nil) {
        self.post = post
        self.threadTitle = threadTitle
        self.flags = flags
        self.appeal = appeal
    }
}

/// A word or phrase admins watch for in new posts.
public struct WatchedWord: Sendable, Equatable {
    public enum Response: String, Sendable, CaseIterable {
        /// The post is refused with a message naming the word.
        case block
        /// The post is held for a moderator's approval.
        case hold
    }

    public var id: Int64
    /// Folded: lowercase, accents removed, words separated by one space.
    public var phrase: String
    public var response: Response

    public init(id: Int64, phrase: String, response: Response) {
        self.id = id
        self.phrase = phrase
        self.response = response
    }

    /// Lowercase, without accents, words of letters and digits joined by single spaces,
    /// so "PROTECCIÓN  de-datos" and "proteccion de datos" compare equal.
    public static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    /// The first watched phrase found as whole words in `text`; blocking words win over holding ones.
    public static func firstMatch(in text: String, among words: [WatchedWord]) -> WatchedWord? {
        let haystack = " " + fold(text) + " "
        let found = words.filter { !$0.phrase.isEmpty && haystack.contains(" " + $0.phrase + " ") }
        return found.first { $0.response == .block } ?? found.first
    }
}

extension Date {
    /// The end of year 9999: a suspension that lasts until a moderator lifts it.
    public static let untilLifted = Date(timeIntervalSince1970: 253_402_300_799)
}
