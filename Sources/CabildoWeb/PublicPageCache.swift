import CabildoCore
import CabildoStore
import Hummingbird

/// Whole pages as visitors who are not signed in see them — the home, board and thread pages,
/// which is where most traffic lands — kept until the next write to the database (any write:
/// a reply, an edit, a moderator's action, a sign-in). Two such visitors' pages differ only by
/// the anonymous CSRF token in their forms (same address, same language), so a page is rendered
/// once with an unguessable marker where the token goes, and each response puts the visitor's
/// own token there. Signed-in members always get a page rendered for them.
///
/// Stale pages cannot be served: the store's write generation is read before the page's data,
/// and a kept page is used only while the generation is unchanged.
struct PublicPageCache: Sendable {
    struct Key: Hashable, Sendable {
        /// Path and query as requested: the page is a function of them and of the language.
        let target: String
        let language: Language
    }

    struct Entry: Sendable {
        let generation: Int
        /// The page split where the CSRF token goes.
        let pieces: [String]
    }

    private let pages: BoundedCache<Key, Entry>?
    private let store: any ForumStore
    /// Random per process, so no post or title can contain it.
    private let marker = "token-" + Tokens.random()

    /// - Parameter budget: bytes of pages kept at most; 0 keeps none.
    init(store: any ForumStore, budget: Int) {
        self.store = store
        pages = budget > 0 ? BoundedCache(budget: budget) { key, entry in
            key.target.utf8.count + entry.pieces.reduce(0) { $0 + $1.utf8.count }
        } : nil
    }

    /// The page `render` makes for this request, from the cache when the visitor is not signed in.
    /// Errors `render` throws (not found, …) are answered as usual and never kept.
    func serve(_ request: Request, _ context: AppRequestContext, render: (AppRequestContext) async throws -> String) async throws -> Response {
        guard let pages, context.visitor.user == nil, request.method == .get else {
            return Self.response(try await render(context))
        }
        let token = context.visitor.csrfToken
        let key = Key(target: request.uri.description, language: context.visitor.language)
        let generation = store.writeGeneration
        if let entry = pages[key], entry.generation == generation {
            return Self.response(entry.pieces.joined(separator: token))
        }
        var marked = context
        marked.visitor.csrfToken = marker
        let pieces = try await render(marked).split(separator: marker, omittingEmptySubsequences: false).map(String.init)
        pages.set(Entry(generation: generation, pieces: pieces), for: key)
        return Self.response(pieces.joined(separator: token))
    }

    private static func response(_ html: String) -> Response {
        Response(status: .ok, headers: Renderer.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
