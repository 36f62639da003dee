import Foundation

/// Plain values the store hands to the web layer. No GRDB or Hummingbird types leak through.

public struct User: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var role: Role
    public var stakeholder: Stakeholder
    public var language: Language?
    public var createdAt: Date
    /// Set while suspended; `Date.distantFuture` means until lifted.
    public var suspendedUntil: Date?
    public var suspensionReason: String?
    /// When the member closed the account (`/settings/delete`); nil while it is open.
    public var closedAt: Date?
    /// What this account may not do until it enrols in two-factor sign-in. Set only for the
    /// signed-in visitor (`ForumStore.sessionUser`, from `CABILDO_REQUIRE_2FA`); `.none` elsewhere.
    public var twoFactorHold = TwoFactorHold.none
    /// Whether opening a thread or replying in one watches it (a setting, on by default).
    public var watchesParticipation = true
    /// Where the member takes part from; nil until they answer. Never shown unless `showsDepartment`.
    public var department: Department?
    /// The member's choice to show `department` on their profile (off by default).
    public var showsDepartment = false
    /// Unread notifications, counted up to `User.unreadShown`; set only for the signed-in
    /// visitor (`ForumStore.sessionUser`), in the same read that finds the session.
    public var unreadNotifications = 0

    /// The header says "99+" beyond this: counting further would cost every page of a member
    /// who never reads them.
    public static let unreadShown = 99

    public init(id: Int64, username: String, role: Role, stakeholder: Stakeholder, language: Language?, createdAt: Date,
                suspendedUntil: Date? = nil, suspensionReason: String? = nil, closedAt: Date? = nil) {
        self.closedAt = closedAt
        self.id = id
        self.username = username
        self.role = role
        self.stakeholder = stakeholder
        self.language = language
        self.createdAt = createdAt
        self.suspendedUntil = suspendedUntil
        self.suspensionReason = suspensionReason
    }

    /// A suspension ends by itself when its date passes.
    public func isSuspended(at now: Date) -> Bool {
        suspendedUntil.map { $0 > now } ?? false
    }

    public var account: Account { Account(id: id, role: role) }

    public var isClosed: Bool { closedAt != nil }

    /// The same account with a member's powers: staff waiting for two-factor enrolment.
    var actingAsMember: User {
        var member = self
        member.role = .member
        member.twoFactorHold = .none
        return member
    }
}

/// Whose something is: what the policy needs to know about the person acted upon.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var role: Role
    public init(id: Int64, role: Role) {
        self.id = id
        self.role = role
    }
}

public struct Board: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var titleES: String
    public var titleEN: String
    public var archived: Bool
    public var threadCount: Int
    public var postCount: Int
    public var lastPostAt: Date?
    /// Order on the home page, set by admins.
    public var position: Int
    /// When it opens and closes (`BoardSchedule.phase(at:)`); unset: always open.
    public var schedule: BoardSchedule
    /// Its live panel; nil when an admin set none.
    public var panel: BoardPanel?

    public init(id: Int64, slug: String, titleES: String, titleEN: String, archived: Bool,
                threadCount: Int, postCount: Int, lastPostAt: Date?, position: Int = 0,
                schedule: BoardSchedule = BoardSchedule(), panel: BoardPanel? = nil) {
        self.position = position
        self.schedule = schedule
        self.panel = panel
        self.id = id
        self.slug = slug
        self.titleES = titleES
        self.titleEN = titleEN
        self.archived = archived
        self.threadCount = threadCount
        self.postCount = postCount
        self.lastPostAt = lastPostAt
    }

    public func title(in language: Language) -> String { language == .en ? titleEN : titleES }
}

/// A thread as lists and pages show it: its row, with its author's name and role. (Named so it is
/// not taken for the synthesis a moderator writes of a thread, `ThreadSynthesis`.)
public struct ForumThread: Sendable, Equatable {
    public var id: Int64
    public var boardId: Int64
    public var title: String
    public var author: Account
    /// nil once the author closed their account: pages say "account deleted" and link nowhere.
    public var authorName: String?
    public var createdAt: Date
    public var lastPostAt: Date
    /// The id of the newest post: a monotonic bump order that doubles as the keyset cursor.
    public var lastPostId: Int64
    public var replyCount: Int
    public var pinned: Bool
    public var locked: Bool
    /// Marked as a proposal for next year's agenda; members endorse proposals.
    public var isProposal: Bool
    public var endorsementCount: Int
    /// On its board: the opening post is published and not hidden. An unlisted thread, title
    /// included, is seen only by its author and staff (`Permissions.canSee`).
    public var listed: Bool

    public init(id: Int64, boardId: Int64, title: String, author: Account, authorName: String?, createdAt: Date, lastPostAt: Date,
                lastPostId: Int64, replyCount: Int, pinned: Bool, locked: Bool, isProposal: Bool = false, endorsementCount: Int = 0,
                listed: Bool = true) {
        self.listed = listed
        self.isProposal = isProposal
        self.endorsementCount = endorsementCount
        self.id = id
        self.boardId = boardId
        self.title = title
        self.author = author
        self.authorName = authorName
        self.createdAt = createdAt
        self.lastPostAt = lastPostAt
        self.lastPostId = lastPostId
        self.replyCount = replyCount
        self.pinned = pinned
        self.locked = locked
    }
}

public struct Post: Sendable, Equatable {
    public var id: Int64
    public var threadId: Int64
    public var parentId: Int64?
    public var author: Account
    /// nil once the author closed their account.
    public var authorName: String?
    public var bodyMarkdown: String
    public var bodyHTML: String
    public var createdAt: Date
    public var editedAt: Date?
    public var deletedAt: Date?
    /// Awaiting a moderator's approval: seen only by its author and staff.
    public var held: Bool
    /// Hidden by a moderator or by flags: a placeholder for everyone but its author and staff.
    public var hiddenAt: Date?
    /// Hidden by the forum itself (enough flags), not by a moderator: any moderator may undo it.
    public var hiddenAutomatically: Bool

    public init(id: Int64, threadId: Int64, parentId: Int64?, author: Account, authorName: String?, bodyMarkdown: String,
                bodyHTML: String, createdAt: Date, editedAt: Date?, deletedAt: Date?, held: Bool = false, hiddenAt: Date? = nil,
                hiddenAutomatically: Bool = false) {
        self.hiddenAutomatically = hiddenAutomatically
        self.id = id
        self.threadId = threadId
        self.parentId = parentId
        self.author = author
        self.authorName = authorName
        self.bodyMarkdown = bodyMarkdown
        self.bodyHTML = bodyHTML
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.deletedAt = deletedAt
        self.held = held
        self.hiddenAt = hiddenAt
    }

    public var authorId: Int64 { author.id }
    public var isDeleted: Bool { deletedAt != nil }
    public var isHidden: Bool { hiddenAt != nil }
}

public struct PostRevision: Sendable, Equatable {
    public var bodyMarkdown: String
    public var bodyHTML: String
    public var createdAt: Date

    public init(bodyMarkdown: String, bodyHTML: String, createdAt: Date) {
        self.bodyMarkdown = bodyMarkdown
        self.bodyHTML = bodyHTML
        self.createdAt = createdAt
    }
}

public struct SearchHit: Sendable, Equatable {
    public var postId: Int64
    public var threadId: Int64
    public var threadTitle: String
    /// nil once the author closed their account.
    public var authorName: String?
    /// Plain text with the matched terms between U+0002 and U+0003, escaped and marked by the web layer.
    public var snippet: String
    public var createdAt: Date

    public init(postId: Int64, threadId: Int64, threadTitle: String, authorName: String?, snippet: String, createdAt: Date) {
        self.postId = postId
        self.threadId = threadId
        self.threadTitle = threadTitle
        self.authorName = authorName
        self.snippet = snippet
        self.createdAt = createdAt
    }

    public static let matchStart: Character = "\u{2}"
    public static let matchEnd: Character = "\u{3}"
}
