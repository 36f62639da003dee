import CabildoCore
import Hummingbird

/// The one error type handlers throw; `ErrorPageMiddleware` renders it with the right status.
public enum AppError: Error, Equatable {
    case notFound
    /// Not allowed; a refused form's text is shown back so nothing typed is lost.
    case forbidden(messageKey: String = "error_forbidden", preservedText: String? = nil)
    case badRequest
    /// Well-formed but not acceptable (a missing reason, an unknown board): 422 with the message.
    case unprocessable(messageKey: String)
    /// A GET is redirected to the login page; a POST shows what was typed, with a link to sign in.
    case signInRequired(returnTo: String, preservedText: String? = nil)
    /// 403 for a page only some accounts may see, with a link to sign in for visitors who have not.
    case forbiddenUntilSignedIn(returnTo: String)
    /// A power the account's role gives, held until it enrols in two-factor sign-in
    /// (`CABILDO_REQUIRE_2FA`): a GET goes to `/settings/2fa`, which says why; a refused form
    /// keeps its text, with the link.
    case twoFactorRequired(preservedText: String? = nil)
    /// The form's CSRF token or origin did not check out; what the user typed is shown back to them.
    case staleForm(preservedText: String?)
    case unavailable
    /// Posting to a board that is not open by its dates (`BoardPhase`): 403 with the sentence
    /// its page shows (when it opens, or when it closed and where its conclusions are).
    case boardNotOpen(BoardPhase, slug: String, preservedText: String?)
    /// Over a rate limit: 429 with `Retry-After` and `RateLimit-*`, keeping any typed text.
    case rateLimited(RateLimitRefusal, preservedText: String?)

}
