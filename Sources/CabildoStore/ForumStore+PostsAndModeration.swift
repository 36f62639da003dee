import CabildoCore
import Foundation

/// Editing and deleting posts, and moderation: part of `ForumStore` (see `ForumStoreCore`).
public protocol PostsAndModerationStore: ForumStoreCore {
    // Threads and posts
    func editPost(id: Int64, markdown: String, html: String, hold: Bool, at date: Date) async throws
    func deletePost(id: Int64, at date: Date) async throws
    func revisions(postId: Int64) async throws -> [PostRevision]
    func recentPosts(boardId: Int64, limit: Int) async throws -> [FeedEntry]

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
    /// The author of a hidden post asks for a review, once (`alreadyAppealed`); `notHidden` for a visible post.
    func appeal(postId: Int64, by userId: Int64, text: String, at date: Date) async throws
}
