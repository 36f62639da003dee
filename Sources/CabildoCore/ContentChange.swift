/// What a write of forum content changed, said by the store's write itself (issue 21), and the
/// one rule of which kept pages that makes stale (`stalePages`). Kept pages say what they show
/// (`PageScope`); a page is used again only if none of its scopes changed since it was rendered.
public enum ContentChange: Sendable, Equatable {
    /// A new thread in the board: its thread list and the home page's counts.
    case newThread(board: Int64)
    /// A thread's posts or state: a reply, an edit, a deletion, a moderator's hide, restore,
    /// approval, lock, pin or proposal mark, an endorsement, a synthesis, a flag. Its pages, its
    /// board's list (last activity, counts, lock and pin marks) and the home page's counts.
    case thread(Int64, board: Int64)
    /// A thread moved between boards: its pages and both boards' lists.
    case moved(thread: Int64, from: Int64, to: Int64)
    /// Anything else, rarer than the above: a board's title, dates or panel (every thread page of
    /// the board shows its title and phase), a member's name or group (shown beside every post
    /// they wrote), an account closed, suspensions and roles, boards seeded or reordered, words
    /// watched. Every kept page goes stale.
    case everything

    /// The scopes whose kept pages go stale; nil: all of them.
    public var stalePages: [PageScope]? {
        switch self {
        case .newThread(let board): [.board(board), .home]
        case .thread(let thread, let board): [.thread(thread), .board(board), .home]
        case .moved(let thread, let from, let to): [.thread(thread), .board(from), .board(to), .home]
        case .everything: nil
        }
    }
}

/// What a kept page shows, and so which writes make it stale.
public enum PageScope: Hashable, Sendable {
    /// The home page: every board's counts and latest activity.
    case home
    /// A board's page: its thread list (by the board's id).
    case board(Int64)
    /// A thread's page and its sub-trees (`?root=`).
    case thread(Int64)
    /// Pages that show no forum content, or members' own pages: stale only when everything is.
    case none
    /// Pages that may show any post (search results): stale at every content write.
    case anyContent
}

/// What a moderator's action changes, before the store reads which thread and board that is.
public enum ModerationTarget: Sendable, Equatable {
    case post(Int64)
    case thread(Int64)
    case move(thread: Int64, to: Int64)
    case everything
}

extension ModerationAction {
    /// Actions on a post or a thread change that thread's pages (and its board's list, and the
    /// home page); a move changes both boards; suspensions and roles (named on every post of
    /// the member), boards and watched words change everything.
    public var target: ModerationTarget {
        switch self {
        case .hidePost(let id), .restorePost(let id), .approvePost(let id), .dismissFlags(let id), .dismissAppeal(let id):
            .post(id)
        case .lockThread(let id), .unlockThread(let id), .pinThread(let id), .unpinThread(let id), .markProposal(let id),
             .unmarkProposal(let id):
            .thread(id)
        case .moveThread(let id, let board):
            .move(thread: id, to: board)
        case .suspendUser, .unsuspendUser, .setRole, .createBoard, .renameBoard, .moveBoard, .archiveBoard, .unarchiveBoard,
             .scheduleBoard, .setBoardPanel, .addWatchedWord, .removeWatchedWord:
            .everything
        }
    }
}
