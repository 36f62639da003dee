import Foundation

/// Everything someone may try to do that not everyone may.
public enum Action: Sendable, CaseIterable {
    // Members, while not suspended.
    case createThread, reply, flagPost, editPost, deletePost
    /// Change one's own password, language or stakeholder group: a suspended member may not
    /// (a new group would relabel their past participation).
    case changeSettings
    /// Read a hidden or held post: its author and staff.
    case seeHiddenPost
    /// Skip pre-moderation and holding watched words: staff.
    case postWithoutReview
    // Moderators and admins; moderators only over members and committee.
    case viewQueue, hidePost, restorePost, approvePost, dismissFlags
    /// Restore a post the forum hid by itself (flags), whoever wrote it: any moderator.
    case undoAutomaticHide
    case lockThread, pinThread, moveThread, suspendUser
    /// Mark or unmark any thread as a proposal: staff (not a sanction, so on anyone's thread).
    case markProposal
    /// Endorse someone else's proposal: members, not suspended.
    case endorse
    /// Ask once for a review of one's own hidden post (`POST /p/{id}/appeal`): its author.
    case appeal
    /// Follow, return to normal or mute a thread or a board: members, suspended ones included
    /// (they still read, and a notification reaches them).
    case watch
    /// Write a thread's synthesis: moderators, committee, admins.
    case writeSummary
    /// Read the harvest and its exports: committee and admins.
    case viewHarvest
    /// Write, keep as a draft and publish a board's conclusions and recommendations, and read
    /// their drafts and versions: committee and admins.
    case writeConclusions
    // Admins.
    case manageBoards, setRole, manageWatchedWords
}

/// Who may do what, to whose content: the one place these rules are decided.
/// Handlers ask `Permissions.can(...)`; they never compare roles themselves.
public enum Permissions {
    /// - Parameters:
    ///   - owner: whose post, thread or account the action touches (nil when none, e.g. the queue).
    ///   - now: suspensions are checked against it.
    public static func can(_ actor: User?, _ action: Action, on owner: Account? = nil, at now: Date) -> Bool {
        guard let actor else { return false }
        if action == .watch { return true }
        guard !actor.isSuspended(at: now) else { return false }
        switch actor.twoFactorHold {
        case .none: break
        case .staffPowers: return can(actor.actingAsMember, action, on: owner, at: now)
        case .everything: return action == .changeSettings
        }
        switch action {
        case .createThread, .reply, .changeSettings, .watch:
            return true
        case .flagPost, .endorse:
            return owner?.id != actor.id
        case .markProposal:
            return isStaff(actor)
        case .writeSummary:
            return isStaff(actor) || actor.role == .committee
        case .viewHarvest, .writeConclusions:
            return actor.role == .committee || actor.role == .admin
        case .editPost, .deletePost, .appeal:
            return owner?.id == actor.id
        case .seeHiddenPost:
            return owner?.id == actor.id || isStaff(actor)
        case .viewQueue, .postWithoutReview:
            return isStaff(actor)
        case .undoAutomaticHide:
            return isStaff(actor) && owner?.id != actor.id
        case .restorePost:
            // Nobody restores their own post: whoever hid it (another staff member, or the flag
            // rule) decided about it, so someone else reviews it.
            return isStaff(actor) && outranks(actor, owner, allowingSelf: false)
        case .hidePost, .approvePost, .dismissFlags, .lockThread, .pinThread, .moveThread:
            return isStaff(actor) && outranks(actor, owner, allowingSelf: true)
        case .suspendUser:
            return isStaff(actor) && outranks(actor, owner, allowingSelf: false)
        case .setRole:
            return actor.role == .admin && owner != nil && owner?.id != actor.id
        case .manageBoards, .manageWatchedWords:
            return actor.role == .admin
        }
    }

    /// What restoring this post asks of the actor: any moderator may undo the forum's own
    /// hiding (flags); a hiding decided by staff is reviewed within the rank rules.
    public static func restoreAction(for post: Post) -> Action {
        post.hiddenAutomatically ? .undoAutomaticHide : .restorePost
    }

    /// Replies need the right to post, a listed, open thread and a board that takes posts.
    /// (The store checks the same inside the write, for a lock that lands meanwhile.)
    public static func canReply(_ user: User?, thread: ForumThread, board: Board, at now: Date) -> Bool {
        can(user, .reply, at: now) && thread.listed && !thread.locked && boardTakesPosts(board, at: now)
    }

    /// The one rule for what a board accepts, for everyone, staff included: new threads,
    /// replies, edits and endorsements only while it is not archived and its dates have it open
    /// (`BoardSchedule.phase`). Moderation goes on whatever the phase: it is not posting.
    /// Editing one's own post is refused once the board closes, as in Decidim's closed processes:
    /// the committee's conclusions quote the discussion as it stood. Deleting one's own post is
    /// not, because withdrawing one's words stays a member's right (closing the account does it too).
    public static func boardTakesPosts(_ board: Board, at now: Date) -> Bool {
        !board.archived && board.schedule.phase(at: now).takesPosts
    }

    // MARK: Visibility: the one rule for what a visitor may see, used wherever a post, a
    // thread or its title is shown. Public listings (search, feeds, profiles, the log, the
    // harvest) show only what it allows a visitor without powers: the store filters them to
    // listed threads and published, visible posts.

    /// The post's body: published and not hidden, or the viewer is its author or staff.
    public static func canSee(_ post: Post, as viewer: User?, at now: Date) -> Bool {
        (!post.held && !post.isHidden) || can(viewer, .seeHiddenPost, on: post.author, at: now)
    }

    /// The thread at all, title included: listed (its opening post published and not hidden),
    /// or the viewer is its author or staff.
    public static func canSee(_ thread: ForumThread, as viewer: User?, at now: Date) -> Bool {
        thread.listed || can(viewer, .seeHiddenPost, on: thread.author, at: now)
    }

    /// Whether the refusal of `action` is only the two-factor hold: enrolling would allow it.
    public static func waitsForTwoFactor(_ actor: User?, _ action: Action, on owner: Account? = nil, at now: Date) -> Bool {
        guard let actor, actor.twoFactorHold != .none else { return false }
        var enrolled = actor
        enrolled.twoFactorHold = .none
        return !can(actor, action, on: owner, at: now) && can(enrolled, action, on: owner, at: now)
    }

    private static func isStaff(_ user: User) -> Bool {
        user.role == .moderator || user.role == .admin
    }

    /// Admins act on anyone; moderators on members and committee, and on their own content
    /// when `allowingSelf` (never their own account).
    private static func outranks(_ actor: User, _ owner: Account?, allowingSelf: Bool) -> Bool {
        guard let owner else { return true }
        if owner.id == actor.id { return allowingSelf }
        switch actor.role {
        case .admin: return true
        case .moderator: return owner.role == .member || owner.role == .committee
        case .member, .committee: return false
        }
    }
}
