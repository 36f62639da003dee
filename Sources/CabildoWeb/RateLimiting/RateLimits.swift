import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What a refusal limited: names the message the visitor reads and the counter it adds to.
public enum LimitedAction: String, Sendable, CaseIterable {
    case requests, login, registration, thread, reply, flag, edit, search, honeypot
    case passwordReset = "password_reset", passwordResetAccount = "password_reset_account", emailConfirmation = "email_confirmation"
}

/// A request over a limit: what was limited, and what the headers tell the client.
public struct RateLimitRefusal: Error, Sendable, Equatable {
    let action: LimitedAction
    let decision: RateLimiter.Decision
}

/// The forum's limits. Short windows are token buckets, one bounded store per kind of key
/// (address, username, account, device); long per-account windows (threads, flags and edits a
/// day) are counted in the database. Addresses are keyed by `AddressKey` (IPv6 by /64, with a
/// /48 aggregate). Every refusal is logged (never with a password) and counted.
///
/// Where buckets live: with one server, in memory. On a store that several servers share
/// (`SharedRateBuckets`, i.e. PostgreSQL), every limit on what an attacker or spammer does —
/// sign-ins, sign-ups, posts, searches, mails — is counted in the database, so spreading tries
/// over servers gains nothing. Only the per-request flood guard (`requests`) stays in each
/// server's memory: it protects that server's own capacity, which grows with every server
/// added, and a database round trip on every page view would cost more than it guards.
final class RateLimits: Sendable {
    typealias Check = (key: RateKey, limit: RateLimit)

    let settings: RateLimitSettings
    private let limiter: RateLimiter
    private let shared: (any SharedRateBuckets)?
    private let store: any ForumStore
    private let metrics: ForumMetrics

    init(settings: RateLimitSettings, store: any ForumStore, metrics: ForumMetrics) {
        self.settings = settings
        self.store = store
        self.metrics = metrics
        limiter = RateLimiter(capacity: settings.maxKeys)
        shared = store as? any SharedRateBuckets
    }

    func requests(_ context: AppRequestContext) -> RateLimitRefusal? {
        checkInMemory(.requests, address("req10", settings.requestsBurst, context) + address("req60", settings.requests, context), context)
    }

    /// Per address, and per username whichever address it comes from, so a spray from many
    /// addresses stops too. A browser that signed in to this name before (`DeviceCookies`)
    /// counts in its own bucket instead of the username's, so guesses cannot lock the owner out.
    func login(_ context: AppRequestContext, usernameKey: String, device: String?) async throws {
        let own: Check = device.map { (RateKey(.device, $0), settings.loginPerDevice) }
            ?? (RateKey(.username, usernameKey), settings.loginPerUsername)
        try await enforce(.login, signInAddressChecks(context) + [own], context)
    }

    /// Checking a signed-in member's current password (to change it) is a sign-in attempt:
    /// the address's sign-in buckets and the account's own, as large as a username's.
    func passwordCheck(_ context: AppRequestContext, by user: User) async throws {
        try await enforce(.login, signInAddressChecks(context) + [(account("password", user), settings.loginPerUsername)], context)
    }

    func registration(_ context: AppRequestContext) async throws {
        try await enforce(.registration, address("register", settings.registration, context), context)
    }

    func thread(_ context: AppRequestContext, by user: User) async throws -> RateLimitRefusal? {
        let new = isNew(user, context)
        if let refusal = try await check(.thread, [(account("thread", user), new ? settings.threadNewAccount : settings.thread)], context) {
            return refusal
        }
        return try await quota(.threads, .thread, new ? settings.threadsDailyNewAccount : settings.threadsDaily, user, context)
    }

    func reply(_ context: AppRequestContext, by user: User) async throws -> RateLimitRefusal? {
        try await check(.reply, [(account("reply", user), isNew(user, context) ? settings.replyNewAccount : settings.reply)], context)
    }

    func flag(_ context: AppRequestContext, by user: User) async throws {
        if let refusal = try await quota(.flags, .flag, settings.flagsDaily, user, context) {
            throw AppError.rateLimited(refusal, preservedText: context.preservedText)
        }
    }

    func edit(_ context: AppRequestContext, by user: User) async throws -> RateLimitRefusal? {
        try await quota(.edits, .edit, settings.editsDaily, user, context)
    }

    /// Visitors without an account per address (they are who scrapers look like); members per
    /// account, with a larger allowance. A search's own cost is bounded by the store.
    func search(_ context: AppRequestContext) async throws {
        if let user = context.visitor.user {
            try await enforce(.search, [(account("search", user), settings.memberSearches)], context)
        } else {
            try await enforce(.search, address("search", settings.anonymousSearches, context), context)
        }
    }

    /// Reset requests per address: refused openly, since the refusal says nothing about any account.
    func passwordResetRequest(_ context: AppRequestContext) async throws {
        try await enforce(.passwordReset, address("reset", settings.passwordResetRequests, context), context)
    }

    /// Whether the account may be sent another reset mail. A refusal is silent (logged and
    /// counted, never shown): answering differently would tell a stranger the name has an account.
    func passwordResetMail(_ context: AppRequestContext, userId: Int64) async throws -> Bool {
        try await check(.passwordResetAccount, [(RateKey(.account, "reset:\(userId)"), settings.passwordResetsPerAccount)], context) == nil
    }

    /// Confirmation mails a member sends to addresses they type: a mail to anyone's inbox is
    /// the spam a form like this is abused for.
    func emailConfirmation(_ context: AppRequestContext, by user: User) async throws {
        try await enforce(.emailConfirmation, [(account("email", user), settings.emailConfirmations)], context)
    }

    /// A bot filled the field people never see.
    func honeypotTripped(_ context: AppRequestContext) {
        count(.honeypot, context, detail: [:])
    }

    /// The client's bucket for `name`, and for an IPv6 client also its /48's, which holds
    /// `networkFactor` times as many: one site's many addresses share it.
    private func address(_ name: String, _ limit: RateLimit, _ context: AppRequestContext) -> [Check] {
        let client = AddressKey(context.clientAddress)
        var checks: [Check] = [(RateKey(.address, name + ":" + client.key), limit)]
        if let network = client.network {
            checks.append((RateKey(.address, name + ":" + network),
                           RateLimit(limit.count * settings.networkFactor, per: limit.window)))
        }
        return checks
    }

    /// Sign-in attempts from the client's address: a minute's and an hour's.
    private func signInAddressChecks(_ context: AppRequestContext) -> [Check] {
        address("login", settings.login, context) + address("login-h", settings.loginHourly, context)
    }

    private func account(_ name: String, _ user: User) -> RateKey {
        RateKey(.account, "\(name):\(user.id)")
    }

    private func isNew(_ user: User, _ context: AppRequestContext) -> Bool {
        context.visitor.now.timeIntervalSince(user.createdAt) < settings.newAccountAge
    }

    private func quota(_ quota: AccountQuota, _ action: LimitedAction, _ limit: RateLimit, _ user: User,
                       _ context: AppRequestContext) async throws -> RateLimitRefusal? {
        guard settings.enabled else { return nil }
        let decision = try await store.takeQuota(quota, userId: user.id, limit: limit, at: context.visitor.now)
        return refusal(action, decision, context)
    }

    private func enforce(_ action: LimitedAction, _ checks: [Check], _ context: AppRequestContext) async throws {
        if let refusal = try await check(action, checks, context) {
            throw AppError.rateLimited(refusal, preservedText: context.preservedText)
        }
    }

    /// Counted where every server sees it: in the shared store when there is one.
    private func check(_ action: LimitedAction, _ checks: [Check], _ context: AppRequestContext) async throws -> RateLimitRefusal? {
        guard settings.enabled else { return nil }
        guard let shared else { return checkInMemory(action, checks, context) }
        return refusal(action, try await shared.takeRateTokens(checks, at: context.visitor.now), context)
    }

    private func checkInMemory(_ action: LimitedAction, _ checks: [Check], _ context: AppRequestContext) -> RateLimitRefusal? {
        guard settings.enabled else { return nil }
        return refusal(action, limiter.take(checks, at: context.visitor.now), context)
    }

    private func refusal(_ action: LimitedAction, _ decision: RateLimiter.Decision, _ context: AppRequestContext) -> RateLimitRefusal? {
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
