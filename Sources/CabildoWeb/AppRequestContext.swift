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
    /// Where the language switch comes back to: this page for a GET, the home page otherwise.
    public var returnPath = "/"
}

public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var visitor = Visitor(user: nil, sessionTokenHash: nil, language: .es, csrfToken: "")
    /// The checked form of a POST, set by `FormGuardMiddleware`.
    public var form = FormFields([:])

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The signed-in user, or a redirect to the login page that comes back here.
    func requireUser(returnTo: String) throws -> User {
        guard let user = visitor.user else { throw AppError.signInRequired(returnTo: returnTo, preservedText: form["body"]) }
        return user
    }
}
