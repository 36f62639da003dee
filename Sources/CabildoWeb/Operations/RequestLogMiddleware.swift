import Foundation
import Hummingbird
import Logging

/// One log line and one metrics sample per request: method, route pattern (never the raw
/// path or query, which may hold search terms), status and duration. Nothing from the body,
/// cookies or headers is logged, so no password, session or token can reach the logs.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ForumMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var status = 500
        defer {
            let elapsed = clock.now - start
            let route = context.endpointPath ?? (request.uri.path.hasPrefix(SiteURL.staticPrefix) ? SiteURL.staticFiles : "unmatched")
            metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
            context.logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
                "ms": "\(String(format: "%.1f", Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15))",
            ])
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
