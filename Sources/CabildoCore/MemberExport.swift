import Foundation

/// Everything the forum keeps about one member, as `/settings/export` and `cabildo admin export`
/// give it to them. What only protects the account is left out on purpose: the password hash,
/// sessions, and any second-factor secret. README.md ("Your data") documents every field.
public struct MemberExport: Codable, Sendable, Equatable {
    public struct Profile: Codable, Sendable, Equatable {
        public var username: String
        public var role: String
        public var stakeholder: String
        /// null: the language follows the browser.
        public var language: String?
        public var joined: Date
        public var suspendedUntil: Date?
        public var suspensionReason: String?
        /// When two-factor sign-in was turned on; null while it is off. Never the secret itself.
        public var twoFactorSince: Date?
        /// When the member closed the account; an operator can still print what is left (`cabildo admin export`).
        public var closedAt: Date?
        /// The setting "watch the threads I open or reply to".
        public var watchesParticipation: Bool
        /// Whether an e-mail address is confirmed; never the address itself, which the file could carry anywhere.
        public var emailConfirmed: Bool
        /// The notification mail chosen: `none`, `each` or `daily`.
        public var mailNotifications: String
        /// Where the member takes part from (a `Department` value); null while unanswered.
        public var department: String?
        /// Whether the profile shows the department.
        public var showDepartment: Bool

        public init(username: String, role: String, stakeholder: String, language: String?, joined: Date,
                    suspendedUntil: Date?, suspensionReason: String?, twoFactorSince: Date?, closedAt: Date?,
                    watchesParticipation: Bool, emailConfirmed: Bool, mailNotifications: String,
                    department: String? = nil, showDepartment: Bool = false) {
            self.department = department
            self.showDepartment = showDepartment
            self.watchesParticipation = watchesParticipation
            self.emailConfirmed = emailConfirmed
            self.mailNotifications = mailNotifications
            self.twoFactorSince = twoFactorSince
            self.closedAt = closedAt
            self.username = username
            self.role = role
            self.stakeholder = stakeholder
            self.language = language
            self.joined = joined
            self.suspendedUntil = suspendedUntil
            self.suspensionReason = suspensionReason
            self.twoFactorSince = twoFactorSince
        }
    }

    public struct Revision: Codable, Sendable, Equatable {
        /// The text as it was before this edit replaced it.
        public var markdown: String
        public var replacedAt: Date

        public init(markdown: String, replacedAt: Date) {
            self.markdown = markdown
            self.replacedAt = replacedAt
        }
    }

    public struct Post: Codable, Sendable, Equatable {
        public var id: Int64
        public var threadId: Int64
        public var threadTitle: String
        /// null for a thread's opening post.
        public var parentId: Int64?
        public var markdown: String
        public var createdAt: Date
        public var editedAt: Date?
        public var deletedAt: Date?
        /// Waiting for a moderator's approval.
        public var held: Bool
        /// Hidden by a moderator or by flags.
        public var hiddenAt: Date?
        public var revisions: [Revision]

        public init(id: Int64, threadId: Int64, threadTitle: String, parentId: Int64?, markdown: String, createdAt: Date,
                    editedAt: Date?, deletedAt: Date?, held: Bool, hiddenAt: Date?, revisions: [Revision]) {
            self.id = id
            self.threadId = threadId
            self.threadTitle = threadTitle
            self.parentId = parentId
            self.markdown = markdown
            self.createdAt = createdAt
            self.editedAt = editedAt
            self.deletedAt = deletedAt
            self.held = held
            self.hiddenAt = hiddenAt
            self.revisions = revisions
        }
    }

    public struct Thread: Codable, Sendable, Equatable {
        public var id: Int64
        public var board: String
        public var title: String
        public var createdAt: Date
        public var proposal: Bool

        public init(id: Int64, board: String, title: String, createdAt: Date, proposal: Bool) {
            self.id = id
            self.board = board
            self.title = title
            self.createdAt = createdAt
            self.proposal = proposal
        }
    }

    public struct Endorsement: Codable, Sendable, Equatable {
        public var threadId: Int64
        public var threadTitle: String
        /// The group the member was in when endorsing, which the harvest counts.
        public var stakeholder: String
        public var createdAt: Date

        public init(threadId: Int64, threadTitle: String, stakeholder: String, createdAt: Date) {
            self.threadId = threadId
            self.threadTitle = threadTitle
            self.stakeholder = stakeholder
            self.createdAt = createdAt
        }
    }

    public struct Flag: Codable, Sendable, Equatable {
        public var postId: Int64
        public var reason: String
        public var note: String
        public var createdAt: Date
        public var resolvedAt: Date?

        public init(postId: Int64, reason: String, note: String, createdAt: Date, resolvedAt: Date?) {
            self.postId = postId
            self.reason = reason
            self.note = note
            self.createdAt = createdAt
            self.resolvedAt = resolvedAt
        }
    }

    /// A level the member chose for a thread or a board, or that replying gave a thread.
    public struct Watch: Codable, Sendable, Equatable {
        /// One of the two is set.
        public var threadId: Int64?
        /// null when the thread is no longer listed and is not the member's.
        public var threadTitle: String?
        public var board: String?
        /// `watching`, `normal` or `muted`.
        public var level: String
        public var since: Date

        public init(threadId: Int64?, threadTitle: String?, board: String?, level: String, since: Date) {
            self.threadId = threadId
            self.threadTitle = threadTitle
            self.board = board
            self.level = level
            self.since = since
        }
    }

    /// A request for review of one of the member's hidden posts, and what came of it.
    public struct Appeal: Codable, Sendable, Equatable {
        public var postId: Int64
        public var text: String
        public var createdAt: Date
        /// `upheld` (restored), `dismissed` (kept hidden), or null while it waits.
        public var outcome: String?
        public var resolvedAt: Date?

        public init(postId: Int64, text: String, createdAt: Date, outcome: String?, resolvedAt: Date?) {
            self.postId = postId
            self.text = text
            self.createdAt = createdAt
            self.outcome = outcome
            self.resolvedAt = resolvedAt
        }
    }

    public var profile: Profile
    public var posts: [Post]
    public var threads: [Thread]
    public var endorsements: [Endorsement]
    public var flags: [Flag]
    public var watches: [Watch]
    public var appeals: [Appeal]

    public init(profile: Profile, posts: [Post], threads: [Thread], endorsements: [Endorsement], flags: [Flag],
                watches: [Watch], appeals: [Appeal]) {
        self.profile = profile
        self.posts = posts
        self.threads = threads
        self.endorsements = endorsements
        self.flags = flags
        self.watches = watches
        self.appeals = appeals
    }

    /// The file: keys sorted and dates in ISO 8601 (UTC), so two exports of the same data are the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
