import CabildoCore
import CabildoStore
import Foundation
import Hummingbird
import Logging

/// Works out who the visitor is from the session cookie, their language, and the CSRF
/// token their forms must carry. Visitors who are not signed in get a random anonymous id.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any ForumStore
    let sessions: SessionCache
    let cookies: CookieJar
    let csrf: CSRFTokens
    let idleLimit: TimeInterval
    let absoluteLimit: TimeInterval
    let twoFactorRule: TwoFactorRule
    let clock: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let now = clock()
        var newAnonymousId: String?
        var user: User?
        var tokenHash: Data?
        if let token = request.cookies[CookieJar.session]?.value, !token.isEmpty, token.utf8.count <= 64 {
            let hash = Tokens.sha256(token)
            do {
                user = try await sessions.user(tokenHash: hash, now: now) {
                    try await store.sessionUser(tokenHash: hash, now: now, idleLimit: idleLimit, absoluteLimit: absoluteLimit,
                                                twoFactorRule: twoFactorRule)
                }
                if user != nil { tokenHash = hash }
            } catch {
                context.logger.error("session lookup failed", metadata: ["error": "\(error)"])
            }
        }
        let csrfToken: String
        if let tokenHash {
            csrfToken = csrf.token(forSession: tokenHash)
        } else {
            var anonymousId = request.cookies[CookieJar.anonymous]?.value ?? ""
            if anonymousId.utf8.count != 43 {
                anonymousId = Tokens.random()
                newAnonymousId = anonymousId
            }
            csrfToken = csrf.token(forAnonymous: anonymousId)
        }
        let language = user?.language
            ?? request.cookies[CookieJar.language].flatMap { Language(rawValue: $0.value) }
            ?? Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
            ?? .es
        context.visitor = Visitor(user: user, sessionTokenHash: tokenHash, language: language, csrfToken: csrfToken, now: now,
                                  returnPath: request.method == .get ? SiteURL.safeReturn(request.uri.description) : SiteURL.home.path)

        var response = try await next(request, context)
        // Only pages need the anonymous id (their forms carry the token); feeds and health checks stay cookie-free.
        if let newAnonymousId, response.headers[.contentType]?.hasPrefix("text/html") == true,
           response.headers[.setCookie] == nil {
            response.setCookie(cookies.anonymousCookie(newAnonymousId))
        }
        // A signed-in member's page holds their name, their token and perhaps staff tools: no
        // shared or browser cache may keep it.
        if user != nil { response.headers[.cacheControl] = "no-store" }
        if request.cookies[CookieJar.session] != nil, tokenHash == nil, response.headers[.setCookie] == nil {
            response.setCookie(cookies.expired(CookieJar.session))
        }
        return response
    }
}

/// CSRF tokens are HMACs under the database's server key: of the session for signed-in
/// visitors, of the anonymous id otherwise. Nothing to store, and they survive restarts.
struct CSRFTokens: Sendable {
    let key: Data

    func token(forSession tokenHash: Data) -> String {
        Tokens.hmac(key: key, message: "session:" + tokenHash.base64EncodedString())
    }

    func token(forAnonymous id: String) -> String {
        Tokens.hmac(key: key, message: "anonymous:" + id)
    }
}
