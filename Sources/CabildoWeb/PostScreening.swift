import CabildoCore
import CabildoStore

/// Decides what happens to a new post before it is stored: published, held for a
/// moderator (a new account's first posts, or a watched word that holds), or refused
/// (a watched word that blocks). Staff post without review.
struct PostScreening: Sendable {
    let store: any ForumStore
    let holdFirstPosts: Int

    enum Verdict: Equatable {
        case publish
        case hold
        /// Refused; the message names the watched phrase.
        case block(phrase: String)
    }

    /// The same text from the same member within the window (a double submit, or a bot
    /// repeating itself); checked only while rate limits are on.
    func isDuplicate(_ body: String, by author: User, limits: RateLimitSettings, context: AppRequestContext) async throws -> Bool {
        guard limits.enabled, limits.duplicateWindow > 0 else { return false }
        return try await store.hasRecentPost(authorId: author.id, markdown: body,
                                             since: context.visitor.now.addingTimeInterval(-limits.duplicateWindow))
    }

    func screen(_ texts: String..., by author: User, context: AppRequestContext) async throws -> Verdict {
        let match = WatchedWord.firstMatch(in: texts.joined(separator: "\n"), among: try await store.watchedWords())
        if let match, match.response == .block { return .block(phrase: match.phrase) }
        if context.can(.postWithoutReview) { return .publish }
        if match != nil { return .hold }
        if holdFirstPosts > 0, try await store.publishedPostCount(authorId: author.id, upTo: holdFirstPosts) < holdFirstPosts {
            return .hold
        }
        return .publish
    }
}
