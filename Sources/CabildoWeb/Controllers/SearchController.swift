import CabildoCore
import CabildoStore
import Hummingbird

/// Full-text search across all boards.
struct SearchController {
    let store: any ForumStore
    let renderer: Renderer
    let limits: RateLimits

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/search", use: search)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Parsed by hand: browsers send GET forms with `+` for spaces.
        let query = String((try FormFields.parse(query: request.uri.query)["q"] ?? "").prefix(200))
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        var hits: [SearchHit] = []
        var failed = false
        if !query.trimmingCharacters(in: .whitespaces).isEmpty {
            try limits.search(context)
            do {
                hits = try await store.search(query, limit: 50)
            } catch {
                // The store quotes every term, so this is not expected; still, a search never ends in a 500.
                context.logger.warning("search failed", metadata: ["error": "\(error)"])
                failed = true
            }
        }
        let page = SearchPage(
            layout: renderer.layout(visitor, title: query.isEmpty ? t["search"] : t["search"] + ": " + query),
            query: query,
            searched: !query.isEmpty,
            failed: failed,
            hits: hits.map { SearchHitView($0, visitor.language) }
        )
        return renderer.render(page)
    }
}
