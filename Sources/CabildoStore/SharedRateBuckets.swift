import CabildoCore
import Foundation

/// Rate-limit buckets kept in a database every server shares (issue 19). One server keeps its
/// buckets in memory (`RateLimiter`); several behind one proxy must count together, or a brute
/// force spread over N servers gets N times the tries. `PostgresStore` keeps them in
/// `rate_buckets`, with the same arithmetic (`TokenBuckets`).
public protocol SharedRateBuckets: Sendable {
    /// One token from each bucket if every one has a token; otherwise none (see `RateLimiter.take`).
    func takeRateTokens(_ checks: [(key: RateKey, limit: RateLimit)], at date: Date) async throws -> RateLimiter.Decision
    /// Forgets buckets that have filled up again (the same as no bucket); how many went.
    func deleteFullRateBuckets(at date: Date) async throws -> Int
}
