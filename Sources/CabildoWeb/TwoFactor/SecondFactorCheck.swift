import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes

/// Checks what a member with two-factor sign-in on typed as their second factor, wherever it is
/// asked (the sign-in's second step, turning it off, closing the account): a six-digit code of
/// the current time step or one either side, accepted once, or one unused recovery code.
/// Every try counts against the account, whoever makes it and from wherever: someone holding the
/// password gets `attemptLimit` guesses a `window`, a chance of about 1 in 67,000 per window.
struct SecondFactorCheck: Sendable {
    let store: any ForumStore
    static let attemptLimit = 5
    static let window: TimeInterval = 15 * 60

    enum Outcome: Equatable {
        case accepted(byRecoveryCode: Bool)
        case wrong
        /// Over the limit: no code is looked at until then.
        case tooManyAttempts(until: Date)

        /// Why the form's `code` was refused, with the page's status; nil when accepted.
        func refusal(_ t: Messages) -> (error: ValidationError, status: HTTPResponse.Status)? {
            switch self {
            case .accepted: nil
            case .wrong: (ValidationError(field: "code", messageKey: "error_code_wrong"), .unprocessableContent)
            case .tooManyAttempts(let until):
                (ValidationError(field: "code", messageKey: "error_code_attempts",
                                 values: ["time": t.date(until)]), .tooManyRequests)
            }
        }
    }

    func check(_ typed: String, userId: Int64, at now: Date) async throws -> Outcome {
        guard let state = try await store.twoFactor(userId: userId), state.isOn else { return .wrong }
        if let until = try await store.takeTwoFactorAttempt(userId: userId, at: now, limit: Self.attemptLimit, window: Self.window) {
            return .tooManyAttempts(until: until)
        }
        if TOTPSecret.looksLikeCode(typed) {
            // A step at or before the last one accepted is a replay: refused like a wrong code.
            guard let step = TOTPSecret(text: state.secret).matchingStep(of: typed, at: now),
                  try await store.acceptTwoFactorStep(userId: userId, step: step) else { return .wrong }
            return .accepted(byRecoveryCode: false)
        }
        guard let digest = RecoveryCodes.digest(typed), try await store.useRecoveryCode(userId: userId, digest: digest, at: now) else {
            return .wrong
        }
        return .accepted(byRecoveryCode: true)
    }
}
