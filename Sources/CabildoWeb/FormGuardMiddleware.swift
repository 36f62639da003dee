import CabildoCore
import Hummingbird
import NIOCore

/// Every POST passes here before its handler: same-origin check, body size limit, strict
/// form parsing, and the CSRF token compared in constant time. Handlers read the form as a typed
/// value through `context.decode`, so nothing unchecked reaches them.
struct FormGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let bodyLimit: Int
    /// Hosts (with port) that may appear in `Origin`, besides the request's own `Host`.
    let trustedHosts: Set<String>
    /// Served over HTTPS (`CABILDO_BASE_URL` is `https://`): an `http://` origin is another site,
    /// however its host reads (a page on a plain-HTTP network could post with the user's cookie).
    let requireHTTPS: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        if Self.isOneClickUnsubscribe(request.uri.path) {
            // RFC 8058: a mail program unsubscribes by POSTing `List-Unsubscribe=One-Click` to the
            // mail's link, from its own servers, with no cookie, no Origin and no CSRF token (and
            // as multipart/form-data if it likes). The only exemption from this guard, and a safe
            // one: the link's token (an HMAC only the member's mails carry) is the authority, and
            // all it can do is turn notification mail off. Its body is read, bounded, and ignored.
            var request = request
            _ = try await request.collectBody(upTo: bodyLimit)
            return try await next(request, context)
        }
        guard isSameOrigin(request) else { throw AppError.staleForm(preservedText: nil) }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else { throw AppError.badRequest }

        var request = request
        let body = try await request.collectBody(upTo: bodyLimit)
        let form = try FormFields.parse(body)
        guard let token = form["csrf_token"], Tokens.constantTimeEquals(token, context.visitor.csrfToken) else {
            context.logger.notice("CSRF token refused", metadata: ["path": "\(request.uri.path)"])
            throw AppError.staleForm(preservedText: form["body"])
        }
        var context = context
        context.formFields = form
        return try await next(request, context)
    }

    /// `/unsubscribe/` and one segment that can only be an `UnsubscribeLinks` token (digits, a dot,
    /// URL-safe base64): nothing that another route, a dot segment or an escaped slash could match.
    static func isOneClickUnsubscribe(_ path: String) -> Bool {
        let prefix = SiteURL.unsubscribe("")
        guard path.hasPrefix(prefix) else { return false }
        let parts = path.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && !parts[1].isEmpty && parts[1].utf8.allSatisfy(base64URL.contains)
    }

    private static let base64URL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Browsers send `Origin` on POST; when it names another site, or `Sec-Fetch-Site` says
    /// cross-site, the request is refused whatever token it carries.
    private func isSameOrigin(_ request: Request) -> Bool {
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard origin != "null", let schemeEnd = origin.range(of: "://") else { return false }
        if requireHTTPS, origin[..<schemeEnd.lowerBound].lowercased() != "https" { return false }
        let originHost = origin[schemeEnd.upperBound...].lowercased()
        if let host = request.head.authority?.lowercased(), host == originHost { return true }
        return trustedHosts.contains(originHost)
    }
}
