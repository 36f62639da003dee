import CabildoStore
import Hummingbird

/// `GET /metrics` in Prometheus' text format, for the addresses allowed to scrape it
/// (loopback by default); anyone else gets a 404, as if there were nothing there.
struct MetricsController {
    let store: any ForumStore
    let metrics: ForumMetrics
    let allowed: AddressRanges

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.metrics, use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard allowed.contains(context.clientAddress) else { throw AppError.notFound }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: await metrics.exposition(store: store))))
    }
}
