import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore: SharedRateBuckets {
    public func takeRateTokens(_ checks: [(key: RateKey, limit: RateLimit)], at date: Date) async throws -> RateLimiter.Decision {
        let now = date.timeIntervalSinceReferenceDate
        // One order for every take (kind, name), so two takes of overlapping buckets lock them
        // in the same order and cannot deadlock.
        let keys = Set(checks.map(\.key)).sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
        let kinds = keys.map { Int16($0.kind.rawValue) }, names = keys.map(\.name)
        return try await write(changes: .nothing) { connection in
            // A missing bucket is a full one. Its row is made first (full, as of now), so that the
            // next statement can lock every bucket: two servers taking from one bucket at once
            // then take in turn, the second from what the first left.
            let capacity = Dictionary(checks.map { ($0.key, Double($0.limit.count)) }, uniquingKeysWith: max)
            try await connection.run("""
                INSERT INTO rate_buckets (kind, name, tokens, updated, full_at)
                SELECT kind, name, tokens, \(now), \(now)
                FROM unnest(\(kinds)::smallint[], \(names)::text[], \(keys.map { capacity[$0] ?? 1 })::float8[]) AS k (kind, name, tokens)
                ON CONFLICT (kind, name) DO NOTHING
                """, logger: logger)
            var found: [RateKey: TokenBuckets.Bucket] = [:]
            for row in try await connection.all("""
                SELECT kind, name, tokens, updated FROM rate_buckets
                WHERE (kind, name) IN (SELECT * FROM unnest(\(kinds)::smallint[], \(names)::text[]))
                ORDER BY kind, name FOR UPDATE
                """, logger: logger, { row in
                    (RateKey(RateKeyKind(rawValue: Int(try row.value("kind", Int16.self))) ?? .address, try row.string("name")),
                     TokenBuckets.Bucket(tokens: try row.value("tokens"), updated: try row.value("updated")))
                }) {
                found[row.0] = row.1
            }
            let outcome = TokenBuckets.take(checks.map(\.limit), from: checks.map { found[$0.key] }, at: date)
            // A refusal changes no bucket, as in memory.
            guard let taken = outcome.taken else { return outcome.decision }
            try await connection.run("""
                UPDATE rate_buckets SET tokens = t.tokens, updated = t.updated, full_at = t.full_at
                FROM unnest(\(checks.map { Int16($0.key.kind.rawValue) })::smallint[], \(checks.map(\.key.name))::text[],
                            \(taken.map(\.tokens))::float8[], \(taken.map(\.updated))::float8[],
                            \(zip(taken, checks).map { TokenBuckets.fullAt($0, limit: $1.limit) })::float8[])
                     AS t (kind, name, tokens, updated, full_at)
                WHERE rate_buckets.kind = t.kind AND rate_buckets.name = t.name
                """, logger: logger)
            return outcome.decision
        }
    }

    public func deleteFullRateBuckets(at date: Date) async throws -> Int {
        try await write(changes: .nothing) { connection in
            try await connection.count("DELETE FROM rate_buckets WHERE full_at < \(date.timeIntervalSinceReferenceDate) RETURNING 1",
                                       logger: logger)
        }
    }
}
