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
        router.get("/b/:slug/feed.atom", use: feed)
    }

    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slug = context.parameters.get("slug"), let board = try await store.board(slug: slug) else {
            throw AppError.notFound
        }
        let entries = try await store.recentPosts(boardId: board.id, limit: 30)
        let origin = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://" + (request.head.authority ?? "localhost")
        let language = context.visitor.language
        let feed = FeedModel(
            title: board.title(in: language),
            selfURL: origin + Paths.feed(slug),
            boardURL: origin + Paths.board(slug),
            updated: DateText.iso8601(entries.first?.createdAt ?? board.lastPostAt ?? .distantPast),
            entries: entries.map { FeedEntryView(entry: $0, url: origin + Paths.thread($0.threadId)) }
        )
        let xml = renderer.library.render(feed, withTemplate: "feed") ?? ""
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
                        body: .init(byteBuffer: .init(string: xml)))
    }
}

struct FeedModel: MustacheParent, Sendable {
    let title: String
    let selfURL: String
    let boardURL: String
    let updated: String
    let entries: [FeedEntryView]

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
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
    let url: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": entry.threadTitle
        case "url": url
        case "id": url
        case "author": entry.authorName
        case "html": entry.html
        case "updated": DateText.iso8601(entry.createdAt)
        default: nil
        }
    }
}
