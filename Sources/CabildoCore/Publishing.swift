/// What happens to a new thread, a reply or an edit on its way in.
public enum PublishingVerdict: Sendable, Equatable {
    case publish
    /// Stored, but seen only by its author and staff until a moderator approves it.
    case hold
    /// Refused; the message names the watched phrase.
    case block(phrase: String)
}

/// The one rule for pre-moderation, the same for new posts and for edits (an approved post
/// rewritten into held content must wait again).
public enum Publishing {
    /// - Parameters:
    ///   - title: a new thread's title (matched too).
    ///   - bodyHTML: the rendered body: watched words match what readers see (`ReadableText`).
    ///   - reviewExempt: staff, who post without review (`Action.postWithoutReview`).
    ///   - publishedPosts: the author's published posts, counted up to `holdFirstPosts`.
    public static func verdict(title: String?, bodyHTML: String, watchedWords: [WatchedWord], reviewExempt: Bool,
                               publishedPosts: Int, holdFirstPosts: Int) -> PublishingVerdict {
        let text = [title.map(ReadableText.withoutFormatCharacters), ReadableText.of(html: bodyHTML)]
            .compactMap { $0 }.joined(separator: "\n")
        let match = WatchedWord.firstMatch(in: text, among: watchedWords)
        if let match, match.response == .block { return .block(phrase: match.phrase) }
        if reviewExempt { return .publish }
        if match != nil { return .hold }
        if holdFirstPosts > 0, publishedPosts < holdFirstPosts { return .hold }
        return .publish
    }
}
