import CabildoCore
import CabildoStore
import Hummingbird

/// Full-text search across all boards.
struct SearchController {
    let store: any ForumStore
    let renderer: Renderer
    let limits: RateLimits
    /// Result pages as rendered, kept until the next content write (`PageScope.anyContent`), as
    /// their results are (`SearchResultCache`): a page of kept results still cost a render, the
    /// most of any page kept, and at 64 connections its p99 was 3–4 times its median.
    /// A cache of their own, so that many different searches do not push out the forum's pages.
    let pages: PageCache

    func addRoutes(to router: Router<AppRequestContext>) {
        let kept = pages.kept(search, scope: .anyContent)
        router.get(.search, use: { [limits] request, context in
            // Counted before a kept page is looked up: the limit is on searching, whatever it costs.
            if let form = try? SearchForm(form: FormFields.parse(query: request.uri.query)), form.searches {
                try await limits.search(context)
            }
            return try await kept(request, context)
        })
    }

    /// Rendered hits, at most 1 MiB of them. Rendering a page's twenty hits cost more than the
    /// search itself once its results are kept (`SearchResultCache`): each value a template
    /// reads is cast at run time.
    let rows = BoundedCache<SearchHitRow, String>(budget: 1 << 20) { row, html in
        row.threadTitle.utf8.count + row.snippet.utf8.count + html.utf8.count + 100
    }

    /// Hits per page; the pages reach as far as the store ranks matches (`searchReach`).
    static let perPage = 20
    private var lastPage: Int { store.searchReach / Self.perPage }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try SearchForm(form: FormFields.parse(query: request.uri.query))
        let query = form.query
        let pageNumber = min(form.page, lastPage)
        let visitor = context.visitor
        let t = renderer.catalogs[visitor.language]
        var hits: [SearchHit] = []
        var problem: String?
        var status = HTTPResponse.Status.ok
        if form.searches {
            do {
                hits = try await store.search(query, limit: Self.perPage + 1, offset: (pageNumber - 1) * Self.perPage)
            } catch StoreError.tooBroad {
                problem = "error_search_too_broad"
            } catch StoreError.busy {
                // Every search slot is taken and the line is full: pages still answer, searches wait a moment.
                problem = "error_search_busy"
                status = .serviceUnavailable
            } catch {
                // The store quotes every term, so this is not expected; still, a search never ends in a 500.
                context.logger.warning("search failed", metadata: ["error": "\(error)"])
                problem = "error_search"
            }
        }
        let hasMore = hits.count > Self.perPage && pageNumber < lastPage
        let page = SearchPage(
            layout: renderer.layout(visitor, title: query.isEmpty ? t["search"] : t["search"] + ": " + query),
            query: query,
            searched: !query.isEmpty,
            problem: problem.map { t[$0] },
            hits: hits.prefix(Self.perPage).map { row($0, visitor.language, t) },
            previousPage: pageNumber > 1 ? SiteURL.search(query, page: pageNumber - 1) : nil,
            nextPage: hasMore ? SiteURL.search(query, page: pageNumber + 1) : nil
        )
        var response = renderer.render(page, status: status)
        if status == .serviceUnavailable { response.headers[.retryAfter] = "2" }
        // Too broad may be the time limit on a busy server: the same words may be answered later.
        if problem != nil { response.headers[.cacheControl] = Renderer.noStore }
        return response
    }
}

extension SearchController {
    /// One hit's markup; the same hit in the same language always gives the same.
    private func row(_ hit: SearchHit, _ language: Language, _ t: Messages) -> String {
        rows.value(for: SearchHitRow(hit, language)) {
            renderer.render(SearchHitView(hit, language, t: t), withTemplate: "search_hit")
        }
    }

    /// The search box, a GET form: parsed as strictly as a POST (browsers send `+` for spaces).
    struct SearchForm: FormDecodable {
        /// At most 200 characters: longer is never a real query.
        let query: String
        /// A page number that is not one shows the first page rather than an error (links get shared and edited).
        let page: Int

        init(form: FormFields) {
            query = String(form.text("q").prefix(200))
            page = max(Int(form.text("page")) ?? 1, 1)
        }

        /// Whether words were typed: only then is the store asked (and the search rate-limited).
        var searches: Bool { !query.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
