import CabildoCore
import CabildoStore
import Hummingbird

/// The one way a post enters the forum: new threads, replies and edits all pass here, in one
/// order: validate → rate limit → duplicate check → Markdown (bounded, off the request
/// threads; `@names` of open accounts linked) → watched words and pre-moderation on the rendered text (`Publishing.verdict`) →
/// store (which rechecks lock, archive and listing inside its transaction). Controllers only
/// authorize, call `publish` and answer with its outcome.
struct PostPublisher: Sendable {
    let store: any ForumStore
    let limits: RateLimits
    let markdown: MarkdownRenderer
    let metrics: ForumMetrics
    /// A new account's first posts wait for a moderator (`CABILDO_HOLD_FIRST_POSTS`); 0: off.
    let holdFirstPosts: Int

    enum Draft: Sendable {
        case thread(board: Board, title: String, body: String, isProposal: Bool)
        case reply(thread: ForumThread, parentId: Int64?, body: String)
        case edit(post: Post, body: String)

        var body: String {
            switch self {
            case .thread(_, _, let body, _), .reply(_, _, let body), .edit(_, let body): body
            }
        }

        var isEdit: Bool {
            if case .edit = self { true } else { false }
        }
    }

    enum Outcome: Sendable {
        case published(threadId: Int64, postId: Int64, held: Bool)
        /// The form comes back with these errors (the typed text kept) and this status.
        case refused(Refusal)
    }

    struct Refusal: Sendable, Error {
        var errors: [ValidationError]
        var status: HTTPResponse.Status
        /// Set when a rate limit refused: its message replaces `errors`, its headers go on the response.
        var rateLimit: RateLimitRefusal?

        init(_ errors: [ValidationError], _ status: HTTPResponse.Status = .unprocessableContent, rateLimit: RateLimitRefusal? = nil) {
            self.errors = errors
            self.status = status
            self.rateLimit = rateLimit
        }

        /// The messages the form shows, in the visitor's language.
        func formErrors(_ t: Messages) -> [ValidationError] {
            rateLimit.map { [RateLimitMessage.formError($0, t)] } ?? errors
        }
    }

    func publish(_ draft: Draft, by author: User, context: AppRequestContext) async throws -> Outcome {
        do {
            return try await publishOrRefuse(draft, by: author, context: context)
        } catch let refusal as Refusal {
            return .refused(refusal)
        }
    }

    private func publishOrRefuse(_ draft: Draft, by author: User, context: AppRequestContext) async throws -> Outcome {
        let body = draft.body
        var title: String?
        if case .thread(_, let threadTitle, _, _) = draft { title = threadTitle }
        let errors = [title.flatMap(Rules.validateTitle), Rules.validateBody(body) ?? MarkdownBounds.check(body)].compactMap { $0 }
        guard errors.isEmpty else { throw Refusal(errors) }

        if let refusal = try await limit(draft, author, context) { throw Refusal([], .tooManyRequests, rateLimit: refusal) }
        if !draft.isEdit, try await isDuplicate(body, by: author, context) {
            throw Refusal([ValidationError(field: "body", messageKey: "error_duplicate_post")])
        }

        let html = try await markdown.render(body, mentions: try await mentionLinks(body))
        let exempt = context.can(.postWithoutReview)
        let published = exempt || holdFirstPosts == 0 ? 0 : try await store.publishedPostCount(authorId: author.id, upTo: holdFirstPosts)
        let verdict = Publishing.verdict(title: title, bodyHTML: html, watchedWords: try await store.watchedWords(),
                                         reviewExempt: exempt, publishedPosts: published, holdFirstPosts: holdFirstPosts)
        if case .block(let phrase) = verdict {
            throw Refusal([ValidationError(field: "body", messageKey: "error_watched_word", values: ["word": phrase])])
        }
        let held = verdict == .hold
        do {
            return try await store(draft, html: html, held: held, by: author, context: context)
        } catch StoreError.unavailable {
            throw Refusal([ValidationError(field: "body", messageKey: "error_unavailable")], .serviceUnavailable)
        }
    }

    private func store(_ draft: Draft, html: String, held: Bool, by author: User, context: AppRequestContext) async throws -> Outcome {
        let now = context.visitor.now
        switch draft {
        case .thread(let board, let title, let body, let isProposal):
            let created = try await closedAsForbidden(body) {
                try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: title, markdown: body,
                                                       html: html, createdAt: now, held: held, isProposal: isProposal))
            }
            metrics.postCreated(kind: "thread", held: held)
            context.logger.info("thread created", metadata: ["thread": "\(created.threadId)", "board": "\(board.slug)", "held": "\(held)"])
            return .published(threadId: created.threadId, postId: created.postId, held: held)
        case .reply(let thread, let parentId, let body):
            let postId = try await closedAsForbidden(body) {
                try await store.createReply(NewReply(threadId: thread.id, parentId: parentId, authorId: author.id,
                                                     markdown: body, html: html, createdAt: now, held: held))
            }
            metrics.postCreated(kind: "reply", held: held)
            context.logger.info("reply created", metadata: ["thread": "\(thread.id)", "post": "\(postId)", "held": "\(held)"])
            return .published(threadId: thread.id, postId: postId, held: held)
        case .edit(let post, let body):
            try await closedAsForbidden(body) {
                try await store.editPost(id: post.id, markdown: body, html: html, hold: held, at: now)
            }
            context.logger.info("post edited", metadata: ["post": "\(post.id)", "held": "\(held)"])
            return .published(threadId: post.threadId, postId: post.id, held: held || post.held)
        }
    }

    /// The `@names` of the post that are open accounts, and the profile each one's link goes to.
    /// An edit links them too, but the store notifies only a post's first publication.
    private func mentionLinks(_ body: String) async throws -> [String: String] {
        let names = try await markdown.mentionedNames(in: body)
        guard !names.isEmpty else { return [:] }
        return try await store.openAccounts(usernameKeys: names).mapValues(SiteURL.user)
    }

    /// A lock or archive that landed after the handler's check: the same 403 the check gives.
    private func closedAsForbidden<T>(_ body: String, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch StoreError.closed {
            throw AppError.forbidden(messageKey: "error_thread_closed", preservedText: body)
        }
    }

    private func limit(_ draft: Draft, _ author: User, _ context: AppRequestContext) async throws -> RateLimitRefusal? {
        switch draft {
        case .thread: try await limits.thread(context, by: author)
        case .reply: try await limits.reply(context, by: author)
        case .edit: try await limits.edit(context, by: author)
        }
    }

    /// The same text from the same member within the window (a double submit, or a bot
    /// repeating itself); checked only while rate limits are on.
    private func isDuplicate(_ body: String, by author: User, _ context: AppRequestContext) async throws -> Bool {
        let settings = limits.settings
        guard settings.enabled, settings.duplicateWindow > 0 else { return false }
        return try await store.hasRecentPost(authorId: author.id, markdown: body,
                                             since: context.visitor.now.addingTimeInterval(-settings.duplicateWindow))
    }
}
