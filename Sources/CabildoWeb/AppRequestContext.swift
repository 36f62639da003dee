import CabildoCore
import Foundation
import Hummingbird

/// Who is asking: the signed-in user if any, and what their forms must carry.
public struct Visitor: Sendable {
    public var user: User?
    /// SHA-256 of the session token, for signing out and for tying CSRF tokens to the session.
    var sessionTokenHash: Data?
    public var language: Language
    public var csrfToken: String
    /// When the request arrived, from the configured clock: what suspensions are checked against.
    public var now = Date()
    /// Where the language switch comes back to: this page for a GET, the home page otherwise.
    public var returnPath = SiteURL.home.path
}

public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var visitor = Visitor(user: nil, sessionTokenHash: nil, language: .es, csrfToken: "")
    /// The checked form of a POST, set by `FormGuardMiddleware`.
    public var form = FormFields([:])
    /// The socket peer ("local" for in-process test requests, which have no socket).
    public let peerAddress: String
    /// Who the client is: the peer, or what a trusted proxy says; set by `RequestLimitMiddleware`.
    public var clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "local"
        clientAddress = peerAddress
    }

    /// The signed-in user, or a redirect to the login page that comes back here.
    func requireUser(returnTo: String) throws -> User {
        guard let user = visitor.user else { throw AppError.signInRequired(returnTo: returnTo, preservedText: form["body"]) }
        return user
    }

    /// The one gate every protected handler passes: signs in first if needed, then asks the
    /// policy. A refusal is a 403 that keeps the typed text; a suspended member is told so.
    @discardableResult
    func authorize(_ action: Action, on owner: Account? = nil, returnTo: String) throws -> User {
        let user = try requireUser(returnTo: returnTo)
        guard Permissions.can(user, action, on: owner, at: visitor.now) else {
            throw AppError.forbidden(messageKey: user.isSuspended(at: visitor.now) ? "error_suspended" : "error_forbidden",
                                     preservedText: form["body"])
        }
        return user
    }

    func can(_ action: Action, on owner: Account? = nil) -> Bool {
        Permissions.can(visitor.user, action, on: owner, at: visitor.now)
    }

    /// `Permissions.canSee` for this visitor: the one visibility rule.
    func canSee(_ post: Post) -> Bool { Permissions.canSee(post, as: visitor.user, at: visitor.now) }
    func canSee(_ thread: ThreadSummary) -> Bool { Permissions.canSee(thread, as: visitor.user, at: visitor.now) }
}
