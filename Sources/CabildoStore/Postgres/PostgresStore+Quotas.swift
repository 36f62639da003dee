import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Counts one use of an account's quota in the current window, as `AppDatabase.takeQuota`
    /// (fixed windows from the Unix epoch), or refuses and counts nothing. SQLite reads the
    /// count and then writes under its single writer; here check and count are one upsert whose
    /// `WHERE` refuses a spent window: two servers taking the last use at once queue on the row
    /// (or on its key, when both insert the first), and the second sees the first's count.
    public func takeQuota(_ quota: AccountQuota, userId: Int64, limit: RateLimit, at date: Date) async throws -> RateLimiter.Decision {
        let window = max(1, Int64(limit.window))
        let now = date.unixSeconds
        let windowStart = now - now % window
        let resetSeconds = Int(windowStart + window - now)
        let refused = RateLimiter.Decision(allowed: false, limit: limit, remaining: 0, resetSeconds: resetSeconds, retryAfter: resetSeconds)
        // The upsert's first insert counts one unconditionally: a limit of nothing refuses before it.
        guard limit.count > 0 else { return refused }
        return try await write(changes: .nothing) { connection in
            guard let used = try await connection.one("""
                INSERT INTO account_quotas AS q (user_id, quota, window_start, count) VALUES (\(userId), \(quota.rawValue), \(windowStart), 1)
                ON CONFLICT (user_id, quota, window_start) DO UPDATE SET count = q.count + 1 WHERE q.count < \(Int64(limit.count))
                RETURNING count
                """, logger: logger, { try $0.int("count") }) else { return refused }
            // Earlier windows are never read again.
            try await connection.run("""
                DELETE FROM account_quotas WHERE user_id = \(userId) AND quota = \(quota.rawValue) AND window_start < \(windowStart)
                """, logger: logger)
            return RateLimiter.Decision(allowed: true, limit: limit, remaining: limit.count - used, resetSeconds: resetSeconds, retryAfter: 0)
        }
    }
}
