import CabildoCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What a refusal limited: names the message the visitor reads and the counter it adds to.
public enum LimitedAction: String, Sendable, CaseIterable {
    case requests, login, registration, thread, reply, flag, edit, search, honeypot
}

/// A request over a limit: what was limited, and what the headers tell the client.
public struct RateLimitRefusal: Error, Sendable, Equatable {
    let action: LimitedAction
    let decision: RateLimiter.Decision
}

/// The forum's limits on one shared limiter. Every check is keyed by client address or by
/// account; every refusal is logged (never with a password) and counted.
final class RateLimits: Sendable {
    let settings: RateLimitSettings
    private let limiter: RateLimiter

    private let metrics: ForumMetrics

    init(settings: RateLimitSettings, metrics: ForumMetrics) {
        self.settings = settings
        self.metrics = metrics
        limiter = RateLimiter(capacity: settings.maxKeys)
    }

    func requests(_ context: AppRequestContext) -> RateLimitRefusal? {
        let address = context.clientAddress
        return check(.requests, [("req10:" + address, settings.requestsBurst), ("req60:" + address, settings.requests)], context)
    }

    /// Per address, and per username whichever address it comes from, so a spray from many addresses stops too.
    func login(_ context: AppRequestContext, usernameKey: String) throws {
        let address = context.clientAddress
        try enforce(.login, [("login:" + address, settings.login), ("login-h:" + address, settings.loginHourly),
                             ("login-user:" + usernameKey, settings.loginPerUsername)], context)
    }

    func registration(_ context: AppRequestContext) throws {
        try enforce(.registration, [("register:" + context.clientAddress, settings.registration)], context)
    }

    func thread(_ context: AppRequestContext, by user: User) -> RateLimitRefusal? {
        let new = isNew(user, context)
        return check(.thread, [("thread:\(user.id)", new ? settings.threadNewAccount : settings.thread),
                               ("threads-day:\(user.id)", new ? settings.threadsDailyNewAccount : settings.threadsDaily)], context)
    }

    func reply(_ context: AppRequestContext, by user: User) -> RateLimitRefusal? {
        check(.reply, [("reply:\(user.id)", isNew(user, context) ? settings.replyNewAccount : settings.reply)], context)
    }

    func flag(_ context: AppRequestContext, by user: User) throws {
        try enforce(.flag, [("flags:\(user.id)", settings.flagsDaily)], context)
    }

    func edit(_ context: AppRequestContext, by user: User) -> RateLimitRefusal? {
        check(.edit, [("edits:\(user.id)", settings.editsDaily)], context)
    }

    /// Only visitors without an account are limited: they are who scrapers look like.
    func search(_ context: AppRequestContext) throws {
        guard context.visitor.user == nil else { return }
        try enforce(.search, [("search:" + context.clientAddress, settings.anonymousSearches)], context)
    }

    /// A bot filled the field people never see.
    func honeypotTripped(_ context: AppRequestContext) {
        count(.honeypot, context, detail: [:])
    }

    private func isNew(_ user: User, _ context: AppRequestContext) -> Bool {
        context.visitor.now.timeIntervalSince(user.createdAt) < settings.newAccountAge
    }

    private func enforce(_ action: LimitedAction, _ checks: [(key: String, limit: RateLimit)], _ context: AppRequestContext) throws {
        if let refusal = check(action, checks, context) {
            throw AppError.rateLimited(refusal, preservedText: context.form["body"])
        }
    }

    private func check(_ action: LimitedAction, _ checks: [(key: String, limit: RateLimit)],
                       _ context: AppRequestContext) -> RateLimitRefusal? {
        guard settings.enabled else { return nil }
        let decision = limiter.take(checks, at: context.visitor.now)
        guard !decision.allowed else { return nil }
        count(action, context, detail: ["limit": "\(decision.limit)", "retry_after": "\(decision.retryAfter)"])
        return RateLimitRefusal(action: action, decision: decision)
    }

    private func count(_ action: LimitedAction, _ context: AppRequestContext, detail: Logger.Metadata) {
        metrics.refused(action)
        var metadata = detail
        metadata["action"] = "\(action.rawValue)"
        metadata["client"] = "\(context.clientAddress)"
        if let user = context.visitor.user { metadata["user"] = "\(user.id)" }
        context.logger.notice("rate limited", metadata: metadata)
    }
}

extension Response {
    /// A re-rendered form answering a refusal: the form keeps the text, the headers say when to retry.
    func answering(_ refusal: RateLimitRefusal) -> Response {
        var response = self
        response.headers.setRateLimit(refusal)
        return response
    }
}

extension HTTPFields {
    /// `Retry-After` and the `RateLimit-*` fields of a refusal.
    mutating func setRateLimit(_ refusal: RateLimitRefusal) {
        let decision = refusal.decision
        self[.retryAfter] = String(Swift.max(1, decision.retryAfter))
        self[.rateLimitLimit] = String(decision.limit.count)
        self[.rateLimitRemaining] = String(decision.remaining)
        self[.rateLimitReset] = String(Swift.max(1, decision.resetSeconds))
        self[.rateLimitPolicy] = "\(decision.limit.count);w=\(Int(decision.limit.window))"
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
    static let rateLimitReset = Self("RateLimit-Reset")!
    static let rateLimitPolicy = Self("RateLimit-Policy")!
}
