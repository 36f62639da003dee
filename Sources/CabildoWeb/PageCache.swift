import CabildoCore
import CabildoStore
import Hummingbird
import NIOCore
import Synchronization
import Foundation

/// Whole pages, kept until a write changes what they show: the home, board, thread and privacy
/// pages (where most traffic lands), as visitors who are not signed in see them and as each
/// signed-in member sees them, and members' notifications and settings. Two visitors' pages
/// differ only by the anonymous CSRF token in their forms (same address, same language), and two
/// sessions of one member only by theirs, so a page is rendered once with an unguessable marker
/// where the token goes, and each response puts the viewer's own token there.
///
/// It wraps a route's handler (`router.get(…, use: pages.kept(show))`), which stays a plain
/// read-and-render that knows nothing of it.
///
/// Stale pages cannot be served. The store's write generation is read before the handler reads
/// the page's data, and a kept page is used only while it is unchanged: `writeGeneration` for
/// visitors' pages; for members' pages `memberGeneration`, which also moves with what only
/// members see (notifications read, watches, sessions ended), and the member as the session now
/// says (name, role, unread count, suspension) must be the one the page was rendered for.
/// Boards also open and close by the clock, with no write (`BoardSchedule`): a page is kept only
/// until the next such moment of any board. A member's page is kept a minute at most, for what
/// else the clock changes for them (a suspension's end, an account old enough to flag).
struct PageCache: Sendable {
    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    struct Key: Hashable, Sendable {
        /// Path and query as requested: the page is a function of them, the language and the viewer.
        let target: String
        let language: Language
        /// The signed-in member it was rendered for; nil for visitors.
        let memberId: Int64?
    }

    struct Entry: Sendable {
        let generation: Int
        /// The next board phase change after it was rendered (for a member, a minute at most); nil: none is scheduled.
        let validUntil: Date?
        /// The member as the session said when it was rendered; nil for visitors.
        let member: User?
        /// The page split where the CSRF token goes.
        let pieces: [String]
    }

    static let memberPageLifetime: TimeInterval = 60

    private let pages: BoundedCache<Key, Entry>?
    private let store: any ForumStore
    private let metrics: ForumMetrics
    /// Random per process, so no post or title can contain it.
    private let marker = "token-" + Tokens.random()
    /// Every board's opening and closing instants, sorted, as of one write generation: dates
    /// change only by a write, so they are read again only after one.
    private let phaseChanges = PhaseChanges()

    /// A class, so every copy of the cache shares it (a `Mutex` cannot be copied).
    private final class PhaseChanges: Sendable {
        let known = Mutex<(generation: Int, dates: [Date])?>(nil)
    }

    /// - Parameter budget: bytes of pages kept at most; 0 keeps none.
    init(store: any ForumStore, budget: Int, metrics: ForumMetrics) {
        self.store = store
        self.metrics = metrics
        pages = budget > 0 ? BoundedCache(budget: budget) { key, entry in
            key.target.utf8.count + entry.pieces.reduce(0) { $0 + $1.utf8.count }
        } : nil
    }

    /// `handler`, answering from kept pages. Errors the handler throws (not found, …) are
    /// answered as usual and never kept; neither are answers other than 200 or that set a cookie.
    func kept(_ handler: @escaping Handler) -> Handler {
        guard let pages else { return handler }
        return { request, context in
            guard request.method == .get else { return try await handler(request, context) }
            let member = context.visitor.user
            let token = context.visitor.csrfToken
            let key = Key(target: request.uri.description, language: context.visitor.language, memberId: member?.id)
            let generation = member == nil ? store.writeGeneration : store.memberGeneration
            let now = context.visitor.now
            if let entry = pages[key], entry.generation == generation, entry.member == member,
               entry.validUntil.map({ now < $0 }) ?? true {
                metrics.pageCache(member: member != nil, kept: true)
                return Self.page(entry.pieces.joined(separator: token))
            }
            metrics.pageCache(member: member != nil, kept: false)
            var validUntil = try await nextPhaseChange(after: now, generation: store.writeGeneration)
            if member != nil {
                let minute = now.addingTimeInterval(Self.memberPageLifetime)
                validUntil = min(validUntil ?? minute, minute)
            }
            var marked = context
            marked.visitor.csrfToken = marker
            let response = try await handler(request, marked)
            let pieces = try await Self.text(of: response).split(separator: marker, omittingEmptySubsequences: false).map(String.init)
            guard response.status == .ok, response.headers[.setCookie] == nil else {
                return Response(status: response.status, headers: response.headers,
                                body: .init(byteBuffer: ByteBuffer(string: pieces.joined(separator: token))))
            }
            pages.set(Entry(generation: generation, validUntil: validUntil, member: member, pieces: pieces), for: key)
            return Self.page(pieces.joined(separator: token))
        }
    }

    /// The first instant after `now` at which some board opens or closes.
    private func nextPhaseChange(after now: Date, generation: Int) async throws -> Date? {
        let known = phaseChanges.known.withLock { $0?.generation == generation ? $0?.dates : nil }
        let dates: [Date]
        if let known {
            dates = known
        } else {
            dates = try await store.boards().flatMap { [$0.schedule.opensAt, $0.schedule.closesAt].compactMap { $0 } }.sorted()
            phaseChanges.known.withLock { $0 = (generation, dates) }
        }
        return dates.first { $0 > now }
    }

    private static func page(_ html: String) -> Response {
        Response(status: .ok, headers: Renderer.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A rendered page's body as text (it is one buffer; the writer gathers whatever comes).
    private static func text(of response: Response) async throws -> String {
        let gathered = Gathered()
        try await response.body.write(BodyGatherer(into: gathered))
        return String(buffer: gathered.buffer)
    }

    private final class Gathered: @unchecked Sendable {
        var buffer = ByteBuffer()
    }

    private struct BodyGatherer: ResponseBodyWriter {
        let into: Gathered
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            into.buffer.writeBuffer(&buffer)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
