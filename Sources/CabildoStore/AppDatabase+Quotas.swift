import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    /// Counts one use of an account's quota in the current window of `limit.window` seconds
    /// (fixed windows from the Unix epoch: a day's limit is a UTC day), or refuses and counts
    /// nothing when the window's count is spent. Check and count are one transaction, so two
    /// requests at once cannot both take the last one.
    public func takeQuota(_ quota: AccountQuota, userId: Int64, limit: RateLimit, at date: Date) async throws -> RateLimiter.Decision {
        let window = max(1, Int64(limit.window))
        let now = date.unixSeconds
        let windowStart = now - now % window
        let resetSeconds = Int(windowStart + window - now)
        return try await write(changes: .nothing) { db in
            let used = try Int.fetchOne(db.cached("""
                SELECT count FROM account_quotas WHERE user_id = ? AND quota = ? AND window_start = ?
                """), arguments: [userId, quota.rawValue, windowStart]) ?? 0
            guard used < limit.count else {
                return RateLimiter.Decision(allowed: false, limit: limit, remaining: 0, resetSeconds: resetSeconds, retryAfter: resetSeconds)
            }
            try db.cached("""
                INSERT INTO account_quotas (user_id, quota, window_start, count) VALUES (?, ?, ?, 1)
                ON CONFLICT (user_id, quota, window_start) DO UPDATE SET count = count + 1
                """).execute(arguments: [userId, quota.rawValue, windowStart])
            // Earlier windows are never read again.
            try db.cached("DELETE FROM account_quotas WHERE user_id = ? AND quota = ? AND window_start < ?")
                .execute(arguments: [userId, quota.rawValue, windowStart])
            return RateLimiter.Decision(allowed: true, limit: limit, remaining: limit.count - used - 1,
                                        resetSeconds: resetSeconds, retryAfter: 0)
        }
    }
}
