import CabildoCore
import CabildoStore
import Hummingbird
import Mustache

/// An Atom feed of each board's newest threads.
struct FeedController {
    let store: any ForumStore
    let renderer: Renderer
    let baseURL: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.feed, use: feed)
    }

    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug) else {
            throw AppError.notFound
        }
        let entries = try await store.recentPosts(boardId: board.id, limit: 30)
        let links = FeedLinks(baseURL: baseURL)
        let language = context.visitor.language
        let t = renderer.catalogs[language]
        let feed = FeedModel(
            title: board.title(in: language),
            id: links.id(SiteURL.feed(slug)),
            selfURL: links.link(SiteURL.feed(slug)),
            boardURL: links.link(SiteURL.board(slug)),
            updated: DateText.iso8601(entries.first?.createdAt ?? board.lastPostAt ?? .distantPast),
            entries: entries.map {
                FeedEntryView(entry: $0, author: MemberName($0.authorName, t).text, url: links.link(SiteURL.thread($0.threadId)),
                              id: links.id(SiteURL.thread($0.threadId)))
            }
        )
        let xml = renderer.render(feed, withTemplate: "feed")
        // The feed's titles follow the reader's language (cookie or Accept-Language): caches key on both.
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8",
                                               .cacheControl: "public, max-age=300", .vary: "Accept-Language, Cookie"],
                        body: .init(byteBuffer: .init(string: xml)))
    }
}

/// A feed's links: absolute under the configured public address (`CABILDO_BASE_URL`), relative
/// without one. Never built from the request's `Host` header, which the client chooses: a feed
/// fetched or cached with `Host: evil.example` would send its readers there.
struct FeedLinks {
    let origin: String?

    init(baseURL: String?) {
        origin = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    func link(_ path: String) -> String { (origin ?? "") + path }

    /// Atom ids must be absolute IRIs; without a public address a URN naming the path stands in.
    func id(_ path: String) -> String { origin.map { $0 + path } ?? "urn:cabildo:" + path.dropFirst() }
}

struct FeedModel: MustacheParent, Sendable {
    let title: String
    let id: String
    let selfURL: String
    let boardURL: String
    let updated: String
    let entries: [FeedEntryView]

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "id": id
        case "selfURL": selfURL
        case "boardURL": boardURL
        case "updated": updated
        case "entries": entries
        default: nil
        }
    }
}

struct FeedEntryView: MustacheParent, Sendable {
    let entry: FeedEntry
    let author: String
    let url: String
    let id: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": entry.threadTitle
        case "url": url
        case "id": id
        case "author": author
        case "html": entry.html
        case "updated": DateText.iso8601(entry.createdAt)
        default: nil
        }
    }
}
