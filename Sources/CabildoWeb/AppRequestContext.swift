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
    /// The checked form of a POST, set by `FormGuardMiddleware`; handlers read it through `decode`.
    var formFields = FormFields([:])
    /// The socket peer ("local" for in-process test requests, which have no socket).
    public let peerAddress: String
    /// Who the client is: the peer, or what a trusted proxy says; set by `RequestLimitMiddleware`.
    public var clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "local"
        clientAddress = peerAddress
    }

    /// The POST's form as the typed value its handler expects; a field it cannot be read from is a 400.
    func decode<Form: FormDecodable>(_ type: Form.Type) throws -> Form {
        try Form(form: formFields)
    }

    /// What the visitor wrote in the form's `body` (every form with a text area names it so), for
    /// a refusal to show back so nothing typed is lost. Read before the form is decoded, because
    /// sign-in, permission and rate-limit refusals come first.
    var preservedText: String? { formFields["body"] }

    /// The signed-in user, or a redirect to the login page that comes back here.
    func requireUser(returnTo: String) throws -> User {
        guard let user = visitor.user else { throw AppError.signInRequired(returnTo: returnTo, preservedText: preservedText) }
        return user
    }

    /// The one gate every protected handler passes: signs in first if needed, then asks the
    /// policy. A refusal is a 403 that keeps the typed text; a suspended member is told so.
    @discardableResult
    func authorize(_ action: Action, on owner: Account? = nil, returnTo: String) throws -> User {
        let user = try requireUser(returnTo: returnTo)
        try requireTwoFactorIfHeld(action, on: owner)
        guard Permissions.can(user, action, on: owner, at: visitor.now) else {
            throw AppError.forbidden(messageKey: user.isSuspended(at: visitor.now) ? "error_suspended" : "error_forbidden",
                                     preservedText: preservedText)
        }
        return user
    }

    /// Staff whose powers wait for two-factor enrolment are sent to enrol, rather than refused.
    func requireTwoFactorIfHeld(_ action: Action, on owner: Account? = nil) throws {
        if Permissions.waitsForTwoFactor(visitor.user, action, on: owner, at: visitor.now) {
            throw AppError.twoFactorRequired(preservedText: preservedText)
        }
    }

    func can(_ action: Action, on owner: Account? = nil) -> Bool {
        Permissions.can(visitor.user, action, on: owner, at: visitor.now)
    }

    /// `Permissions.canSee` for this visitor: the one visibility rule.
    func canSee(_ post: Post) -> Bool { Permissions.canSee(post, as: visitor.user, at: visitor.now) }
    func canSee(_ thread: ForumThread) -> Bool { Permissions.canSee(thread, as: visitor.user, at: visitor.now) }
}
