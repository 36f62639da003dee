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
