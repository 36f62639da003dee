import Hummingbird

/// The one error type handlers throw; `ErrorPageMiddleware` renders it with the right status.
public enum AppError: Error, Equatable {
    case notFound
    case forbidden(messageKey: String = "error_forbidden")
    case badRequest
    case signInRequired(returnTo: String)
    /// The form's CSRF token or origin did not check out; what the user typed is shown back to them.
    case staleForm(preservedText: String?)
    case unavailable

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .forbidden, .staleForm: .forbidden
        case .badRequest: .badRequest
        case .signInRequired: .seeOther
        case .unavailable: .serviceUnavailable
        }
    }
}
