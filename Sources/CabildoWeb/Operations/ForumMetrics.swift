import CabildoStore
import Foundation
import Prometheus

/// The server's Prometheus metrics, in a registry of its own (no process-wide bootstrap, so
/// every test app has its own): requests and their latency by route and status, rate-limit
/// refusals, sign-ins, posts created, and the database's size, read at scrape time.
final class ForumMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let databaseSize: Gauge
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                             .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    init() {
        databaseSize = registry.makeGauge(name: "cabildo_database_bytes", help: "Size of the SQLite database (pages in use).")
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(name: "cabildo_http_requests_total", labels: labels, help: "HTTP requests answered.").increment()
        registry.makeDurationHistogram(name: "cabildo_http_request_duration_seconds", labels: [("route", route)],
                                       buckets: Self.latencyBuckets, help: "Time to answer, by route.").record(duration)
    }

    func refused(_ action: LimitedAction) {
        registry.makeCounter(name: "cabildo_rate_limit_refusals_total", labels: [("action", action.rawValue)],
                             help: "Requests refused by a rate limit.").increment()
    }

    func signIn(succeeded: Bool) {
        registry.makeCounter(name: "cabildo_logins_total", labels: [("result", succeeded ? "ok" : "failed")],
                             help: "Sign-in attempts that reached the password check.").increment()
    }

    func postCreated(kind: String, held: Bool) {
        registry.makeCounter(name: "cabildo_posts_created_total", labels: [("kind", kind), ("held", held ? "yes" : "no")],
                             help: "Threads and replies written.").increment()
    }

    /// The exposition text, with the database size measured now.
    func exposition(store: any ForumStore) async -> String {
        if let bytes = try? await store.databaseSize() { databaseSize.set(Double(bytes)) }
        return registry.emitToString()
    }
}
