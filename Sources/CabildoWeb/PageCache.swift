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
/// It wraps a route's handler (`router.get(…, use: pages.kept(show, scope: .home))`), which
/// stays a plain read-and-render that knows nothing of it.
///
/// Stale pages cannot be served. The store's write generation is read before the handler reads
/// the page's data, and a kept page is used only while no write since changed what it shows:
/// each write says what it changed (`ContentChange`, one rule for every kind of write), each page
/// what it shows (`PageScope`: a thread, a board's list, the home page), and the store tells when
/// each scope last changed (`lastChange(of:)`), here or on another server. A reply to one thread
/// leaves every other thread's page kept. Members' pages are also stale once `memberGeneration`
/// moves on (any content write, and what only members see: notifications read, watches, sessions
/// ended), and unless the member as the session now says (name, role, unread count, suspension)
/// is the one the page was rendered for. Boards also open and close by the clock, with no write
/// (`BoardSchedule`): a page is kept only until the next such moment of any board. A member's
/// page is kept a minute at most, for what else the clock changes for them (a suspension's end,
/// an account old enough to flag).
///
/// A page not kept is rendered once however many ask for it meanwhile (`SingleFlight`): the
/// others wait for that render, each answered with its own token. At 64 connections, every
/// request that missed a page just gone stale used to render it, and the page's first second
/// took up to 1.9 s (a thread at a million posts on PostgreSQL).
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
        /// `writeGeneration` before the page's data was read.
        let generation: Int
        /// `memberGeneration` then: a member's page is stale once it moves on.
        let memberGeneration: Int
        /// What the page shows (`ContentChange.stalePages`).
        let scope: PageScope
        /// The next board phase change after it was rendered (for a member, a minute at most); nil: none is scheduled.
        let validUntil: Date?
        /// The member as the session said when it was rendered; nil for visitors.
        let member: User?
        /// The page split where the CSRF token goes.
        let pieces: [String]
    }

    /// A render under way: the page, and for a member's page the `memberGeneration` it was asked
    /// under, so a render begun before a member write is not joined (`SingleFlight` compares the
    /// write generation).
    struct RenderKey: Hashable, Sendable {
        let page: Key
        let memberGeneration: Int
    }

    /// An answer that is not kept (not a 200, a cookie, no-store), split where the token goes.
    struct Unkept: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let pieces: [String]
    }

    /// What the request that started a render learns of it: that it ran it, and its answer if
    /// that is not kept (those who joined render their own).
    final class OwnRender: Sendable {
        let state = Mutex<(ran: Bool, unkept: Unkept?)>((false, nil))
    }

    static let memberPageLifetime: TimeInterval = 60

    private let pages: BoundedCache<Key, Entry>?
    private let renders = SingleFlight<RenderKey, Entry?>()
    private let store: any ForumStore
    private let metrics: ForumMetrics
    /// Random per process, so no post or title can contain it.
    private let marker = "token-" + Tokens.random()
    /// The boards as of the last write that changed everything (`boardsNow`).
    private let boards = KnownBoards()

    struct Boards: Sendable {
        let ids: [String: Int64]
        let phaseChanges: [Date]
    }

    /// A class, so every copy of the cache shares it (a `Mutex` cannot be copied).
    private final class KnownBoards: Sendable {
        let known = Mutex<(generation: Int, boards: Boards)?>(nil)
    }

    /// - Parameter budget: bytes of pages kept at most; 0 keeps none.
    init(store: any ForumStore, budget: Int, metrics: ForumMetrics) {
        self.store = store
        self.metrics = metrics
        pages = budget > 0 ? BoundedCache(budget: budget) { key, entry in
            key.target.utf8.count + entry.pieces.reduce(0) { $0 + $1.utf8.count }
        } : nil
    }

    /// `handler`, answering from kept pages. `scope` says what the page shows, so which writes
    /// make it stale (`ContentChange`); it is asked only when the page is rendered. Errors the
    /// handler throws (not found, …) are answered as usual and never kept; neither are answers
    /// other than 200, that set a cookie, or marked `Cache-Control: no-store` (`Renderer.noStore`:
    /// an answer of the moment, such as a search that ran out of time).
    func kept(_ handler: @escaping Handler, scope: @escaping @Sendable (Request, AppRequestContext) async throws -> PageScope) -> Handler {
        guard let pages else { return handler }
        return { request, context in
            guard request.method == .get else { return try await handler(request, context) }
            let member = context.visitor.user
            let token = context.visitor.csrfToken
            let key = Key(target: request.uri.description, language: context.visitor.language, memberId: member?.id)
            // Read before the handler reads the page's data: a write after this makes the page stale.
            let generation = store.writeGeneration, members = store.memberGeneration
            let now = context.visitor.now
            if let entry = pages[key], store.lastChange(of: entry.scope) <= entry.generation, entry.member == member,
               member == nil || entry.memberGeneration == members, entry.validUntil.map({ now < $0 }) ?? true {
                metrics.pageCache(member: member != nil, kept: true)
                return Self.page(entry.pieces.joined(separator: token))
            }
            let own = OwnRender()
            let render = RenderKey(page: key, memberGeneration: member == nil ? 0 : members)
            let entry = try await renders.run(render, generation: generation) {
                try await self.render(handler, scope: scope, request, context, into: pages, key: key,
                                      generation: generation, memberGeneration: members, own: own)
            }
            let (ran, unkept) = own.state.withLock { ($0.ran, $0.unkept) }
            if let unkept {
                return Response(status: unkept.status, headers: unkept.headers,
                                body: .init(byteBuffer: ByteBuffer(string: unkept.pieces.joined(separator: token))))
            }
            if let entry, entry.member == member {
                if !ran { metrics.pageCache(member: member != nil, kept: true) }
                return Self.page(entry.pieces.joined(separator: token))
            }
            // Joined a render whose answer is not kept, or one for this member as another of their
            // sessions said: answered on its own, and not kept.
            metrics.pageCache(member: member != nil, kept: false)
            return try await handler(request, context)
        }
    }

    /// Renders the page with the marker where the token goes, and keeps it under `key` if it may
    /// be kept. Returns nil for an answer that may not, which it leaves in `own`.
    private func render(_ handler: Handler, scope: @Sendable (Request, AppRequestContext) async throws -> PageScope,
                        _ request: Request, _ context: AppRequestContext, into pages: BoundedCache<Key, Entry>, key: Key,
                        generation: Int, memberGeneration: Int, own: OwnRender) async throws -> Entry? {
        let member = context.visitor.user, now = context.visitor.now
        own.state.withLock { $0.ran = true }
        metrics.pageCache(member: member != nil, kept: false)
        let boards = try await boardsNow()
        var validUntil = boards.phaseChanges.first { $0 > now }
        if member != nil {
            let minute = now.addingTimeInterval(Self.memberPageLifetime)
            validUntil = min(validUntil ?? minute, minute)
        }
        var marked = context
        marked.visitor.csrfToken = marker
        let response = try await handler(request, marked)
        let pieces = try await Self.text(of: response).split(separator: marker, omittingEmptySubsequences: false).map(String.init)
        guard response.status == .ok, response.headers[.setCookie] == nil, response.headers[.cacheControl] != Renderer.noStore else {
            own.state.withLock { $0.unkept = Unkept(status: response.status, headers: response.headers, pieces: pieces) }
            return nil
        }
        let entry = Entry(generation: generation, memberGeneration: memberGeneration, scope: try await scope(request, context),
                          validUntil: validUntil, member: member, pieces: pieces)
        pages.set(entry, for: key)
        return entry
    }

    /// `kept(_:scope:)` for a page whose scope does not depend on the request.
    func kept(_ handler: @escaping Handler, scope: PageScope) -> Handler {
        kept(handler) { _, _ in scope }
    }

    /// The scope of the board page for `slug` (`.none` for no such board: its 404 is not kept).
    func board(slug: String) async throws -> PageScope {
        try await boardsNow().ids[slug].map(PageScope.board) ?? .none
    }

    /// The boards' ids by slug and every board's opening and closing instants, sorted. Both
    /// change only with a write that makes everything stale (`ContentChange.everything`), so
    /// they are read again only after one.
    private func boardsNow() async throws -> Boards {
        let generation = store.lastChange(of: .none)
        if let known = boards.known.withLock({ $0?.generation == generation ? $0?.boards : nil }) { return known }
        let read = try await store.boards()
        let now = Boards(ids: Dictionary(read.map { ($0.slug, $0.id) }, uniquingKeysWith: { first, _ in first }),
                         phaseChanges: read.flatMap { [$0.schedule.opensAt, $0.schedule.closesAt].compactMap { $0 } }.sorted())
        boards.known.withLock { $0 = (generation, now) }
        return now
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
