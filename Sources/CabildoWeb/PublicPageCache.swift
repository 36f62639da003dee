import CabildoCore
import CabildoStore
import Hummingbird
import NIOCore
import Synchronization
import Foundation

/// Whole pages as visitors who are not signed in see them — the home, board and thread pages,
/// which is where most traffic lands — kept until the next write to the database (any write:
/// a reply, an edit, a moderator's action, a sign-in). Two such visitors' pages differ only by
/// the anonymous CSRF token in their forms (same address, same language), so a page is rendered
/// once with an unguessable marker where the token goes, and each response puts the visitor's
/// own token there. Signed-in members always get a page rendered for them.
///
/// It wraps a route's handler (`router.get(…, use: pages.kept(show))`), which stays a plain
/// read-and-render that knows nothing of it.
///
/// Stale pages cannot be served: the store's write generation is read before the handler reads
/// the page's data, and a kept page is used only while the generation is unchanged. Boards also
/// open and close by the clock, with no write (`BoardSchedule`): a page is kept only until the
/// next such moment of any board, after which it is rendered again with the new phase.
struct PublicPageCache: Sendable {
    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    struct Key: Hashable, Sendable {
        /// Path and query as requested: the page is a function of them and of the language.
        let target: String
        let language: Language
    }

    struct Entry: Sendable {
        let generation: Int
        /// The next board phase change after it was rendered; nil: none is scheduled.
        let validUntil: Date?
        /// The page split where the CSRF token goes.
        let pieces: [String]
    }

    private let pages: BoundedCache<Key, Entry>?
    private let store: any ForumStore
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
    init(store: any ForumStore, budget: Int) {
        self.store = store
        pages = budget > 0 ? BoundedCache(budget: budget) { key, entry in
            key.target.utf8.count + entry.pieces.reduce(0) { $0 + $1.utf8.count }
        } : nil
    }

    /// `handler`, answering visitors who are not signed in from kept pages. Errors the handler
    /// throws (not found, …) are answered as usual and never kept; so are answers other than 200.
    func kept(_ handler: @escaping Handler) -> Handler {
        guard let pages else { return handler }
        return { request, context in
            guard context.visitor.user == nil, request.method == .get else { return try await handler(request, context) }
            let token = context.visitor.csrfToken
            let key = Key(target: request.uri.description, language: context.visitor.language)
            let generation = store.writeGeneration
            let now = context.visitor.now
            if let entry = pages[key], entry.generation == generation, entry.validUntil.map({ now < $0 }) ?? true {
                return Self.page(entry.pieces.joined(separator: token))
            }
            let validUntil = try await nextPhaseChange(after: now, generation: generation)
            var marked = context
            marked.visitor.csrfToken = marker
            let response = try await handler(request, marked)
            let pieces = try await Self.text(of: response).split(separator: marker, omittingEmptySubsequences: false).map(String.init)
            guard response.status == .ok else {
                return Response(status: response.status, headers: response.headers,
                                body: .init(byteBuffer: ByteBuffer(string: pieces.joined(separator: token))))
            }
            pages.set(Entry(generation: generation, validUntil: validUntil, pieces: pieces), for: key)
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
