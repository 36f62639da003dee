import Hummingbird

/// The one error type handlers throw; `ErrorPageMiddleware` renders it with the right status.
public enum AppError: Error, Equatable {
    case notFound
    case forbidden(messageKey: String = "error_forbidden")
    case badRequest
    /// A GET is redirected to the login page; a POST shows what was typed, with a link to sign in.
    case signInRequired(returnTo: String, preservedText: String? = nil)
    /// The form's CSRF token or origin did not check out; what the user typed is shown back to them.
    case staleForm(preservedText: String?)
    case unavailable

}
