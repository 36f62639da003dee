import CabildoCore

/// "Too many logins; try again in 3 minutes", in the reader's language.
enum RateLimitMessage {
    static func text(_ refusal: RateLimitRefusal, _ t: Messages) -> String {
        t.format("rate_limited_" + refusal.action.rawValue, ["wait": wait(max(1, refusal.decision.retryAfter), t)])
    }

    /// The refusal as a message on a re-rendered form's body field, so the typed text stays put.
    static func formError(_ refusal: RateLimitRefusal, _ t: Messages) -> ValidationError {
        ValidationError(field: "body", messageKey: "rate_limited_" + refusal.action.rawValue,
                        values: ["wait": wait(Swift.max(1, refusal.decision.retryAfter), t)])
    }

    static func wait(_ seconds: Int, _ t: Messages) -> String {
        switch seconds {
        case ..<60: t.format(seconds == 1 ? "wait_second" : "wait_seconds", ["n": "\(seconds)"])
        case ..<3600: t.format(seconds <= 60 ? "wait_minute" : "wait_minutes", ["n": "\((seconds + 59) / 60)"])
        default: t.format(seconds <= 3600 ? "wait_hour" : "wait_hours", ["n": "\((seconds + 3599) / 3600)"])
        }
    }
}
