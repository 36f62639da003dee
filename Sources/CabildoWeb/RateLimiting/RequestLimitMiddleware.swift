import HTTPTypes
import Hummingbird

/// Works out the client's address (trusting `X-Forwarded-For` only from configured proxies)
/// and applies the per-address request limits to everything but the static files (which
/// reach `FileMiddleware` only after the routes answer 404, so they pass through here).
struct RequestLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limits: RateLimits
    let untrustedProxy = UntrustedProxyWarning()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let forwardedFor = request.headers[.xForwardedFor]
        if forwardedFor != nil {
            untrustedProxy.notice(peer: context.peerAddress, trustedProxies: limits.settings.trustedProxies, logger: context.logger)
        }
        context.clientAddress = limits.settings.trustedProxies.clientAddress(peer: context.peerAddress, forwardedFor: forwardedFor)
        if !request.uri.path.hasPrefix(SiteURL.staticPrefix), let refusal = limits.requests(context) { throw AppError.rateLimited(refusal, preservedText: nil) }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
