import CabildoStore
import Foundation
import Prometheus

/// The server's Prometheus metrics, in a registry of its own (no process-wide bootstrap, so
/// every test app has its own): requests and their latency by route and status, rate-limit
/// refusals, sign-ins, posts created, mail deliveries, and the database's size, read at scrape time.
final class ForumMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let databaseSize: Gauge
    /// `PageCache`'s answers by viewer: [visitor, member] x [from memory, rendered]; made once, as
    /// they are counted on the fastest requests.
    private let keptPages: [[Counter]]
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                             .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    init() {
        databaseSize = registry.makeGauge(descriptor: Self.describe("cabildo_database_bytes", "Size of the SQLite database (pages in use)."))
        let registry = registry
        keptPages = ["visitor", "member"].map { viewer in
            ["kept", "rendered"].map { result in
                registry.makeCounter(descriptor: Self.describe("cabildo_page_cache_total",
                                                               "Pages the page cache answered, from memory (kept) or rendered."),
                                     labels: [("viewer", viewer), ("result", result)])
            }
        }
    }

    private static func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, helpText: help)
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.describe("cabildo_http_requests_total", "HTTP requests answered."),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.describe("cabildo_http_request_duration_seconds", "Time to answer, by route."),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    /// A page `PageCache` answered: from memory (`kept`) or rendered by its route.
    func pageCache(member: Bool, kept: Bool) {
        keptPages[member ? 1 : 0][kept ? 0 : 1].increment()
    }

    func refused(_ action: LimitedAction) {
        registry.makeCounter(descriptor: Self.describe("cabildo_rate_limit_refusals_total", "Requests refused by a rate limit."),
                             labels: [("action", action.rawValue)]).increment()
    }

    func signIn(succeeded: Bool) {
        registry.makeCounter(descriptor: Self.describe("cabildo_logins_total", "Sign-in attempts that reached the password check."),
                             labels: [("result", succeeded ? "ok" : "failed")]).increment()
    }

    func postCreated(kind: String, held: Bool) {
        registry.makeCounter(descriptor: Self.describe("cabildo_posts_created_total", "Threads and replies written."),
                             labels: [("kind", kind), ("held", held ? "yes" : "no")]).increment()
    }

    /// A mail's try: `sent`, `retried` (it failed and waits), `failed` (given up) or `skipped` (nothing left to send).
    func mail(kind: String, outcome: String) {
        registry.makeCounter(descriptor: Self.describe("cabildo_mails_total", "Mail delivery tries, by kind and outcome."),
                             labels: [("kind", kind), ("outcome", outcome)]).increment()
    }

    /// The exposition text, with the database size measured now.
    func exposition(store: any ForumStore) async -> String {
        if let bytes = try? await store.databaseSize() { databaseSize.set(Double(bytes)) }
        return registry.emitToString()
    }
}
