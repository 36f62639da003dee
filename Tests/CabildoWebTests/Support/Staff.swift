import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
@testable import CabildoWeb

extension Browser {
    /// Signs in through the login form.
    @discardableResult
    func signIn(_ username: String, password: String = "contraseña-segura", headers: HTTPFields = [:]) async throws -> Page {
        try await get("/login")
        let page = try await post("/login", [("username", username), ("password", password)], headers: headers)
        guard page.status == .seeOther else { throw TestFailure("login as \(username) answered \(page.status)") }
        return page
    }

    /// Another person on the same server with an account of `role`, made the way
    /// `cabildo admin create` makes one, then signed in through the form.
    func staff(_ username: String, role: Role, store: any ForumStore) async throws -> Browser {
        _ = try await store.createUser(NewUser(
            username: username, passwordHash: try fastHasher.hash("contraseña-segura"), role: role,
            stakeholder: .academia, createdAt: Date()
        ))
        let browser = stranger()
        try await browser.signIn(username)
        return browser
    }

    /// Posts a moderation form the way its page does: with a reason.
    @discardableResult
    func moderate(_ path: String, reason: String = "Motivo de prueba", _ fields: [(String, String)] = []) async throws -> Page {
        try await get("/moderation-log")  // any page: its forms carry this session's CSRF token
        return try await post(path, [("reason", reason)] + fields)
    }

    /// Flags a post through its form.
    @discardableResult
    func flag(_ postId: Int64, reason: String = "spam", note: String = "") async throws -> Page {
        try await get("/p/\(postId)/flag")
        return try await post("/p/\(postId)/flag", [("reason", reason), ("note", note)])
    }
}

/// Rate limits on, the clock in the test's hands. Every test request comes from one address, so
/// the per-address request limit is out of the way (it has its own test).
func limitedConfig(clock: TestClock) -> AppConfig {
    var config = testConfig()
    config.rateLimits.enabled = true
    config.rateLimits.requestsBurst = RateLimit(10_000, per: 10)
    config.rateLimits.requests = RateLimit(10_000, per: 60)
    config.clock = { clock.now }
    return config
}

/// A clock tests move by hand, so a suspension can run out without sleeping.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()

    var now: Date { lock.withLock { current } }

    func advance(days: Double) {
        advance(seconds: days * 86400)
    }

    func advance(seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// A clock at the next noon, UTC: a test that takes a few minutes of its time does not
    /// cross into another UTC day, where the daily quotas start again.
    static func atNoonUTC() -> TestClock {
        let clock = TestClock()
        let now = clock.now.timeIntervalSince1970
        let noon = (now / 86400).rounded(.down) * 86400 + 43200
        clock.advance(seconds: (noon >= now ? noon : noon + 86400) - now)
        return clock
    }
}
