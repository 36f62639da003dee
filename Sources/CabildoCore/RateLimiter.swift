import Foundation
import Synchronization

/// How many of something may happen in a window: a token bucket holding `count` tokens
/// that refills at `count / window` per second, so bursts up to `count` pass and the
/// long-run rate is `count` per `window`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var window: TimeInterval

    public init(_ count: Int, per window: TimeInterval) {
        self.count = count
        self.window = window
    }

    /// Parses "COUNT/SECONDS", the form limits take in environment variables (e.g. "6/60").
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[0]), let seconds = Int(parts[1]),
              (1...1_000_000).contains(count), (1...31_536_000).contains(seconds) else { return nil }
        self.init(count, per: TimeInterval(seconds))
    }

    public var description: String { "\(count)/\(Int(window))" }
}

/// What a rate-limit key names. Each kind has its own bounded store, so a flood of one kind
/// (say, requests from 200 k distinct addresses) can never push out the buckets of another
/// (a username under attack, an account's posting limit).
public enum RateKeyKind: Int, Sendable, CaseIterable {
    case address, username, account, device
}

/// One bucket's name: its kind and the text that tells it apart within that kind.
public struct RateKey: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var kind: RateKeyKind
    public var name: String

    public init(_ kind: RateKeyKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// A literal names an address bucket (tests and the benchmark).
    public init(stringLiteral name: String) { self.init(.address, name) }

    public var description: String { "\(kind):\(name)" }
}

/// Token buckets by key, in memory, safe to share between requests.
///
/// Memory is bounded per kind of key: keys live in two generations of at most half the kind's
/// capacity each. When the current one fills, it becomes the previous one and the old previous
/// one is dropped, so a flood of distinct keys costs at most the capacity. A dropped key merely
/// starts again with a full bucket, which is what it would have had after a quiet window; a
/// flood of addresses drops only address keys.
public final class RateLimiter: Sendable {
    /// What a check decided, with what the `RateLimit-*` and `Retry-After` headers say.
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        /// The limit that decided: the refusing one, or the one with the fewest tokens left.
        public var limit: RateLimit
        public var remaining: Int
        /// Seconds until the bucket is full again.
        public var resetSeconds: Int
        /// Seconds until one more request would pass (0 when allowed).
        public var retryAfter: Int

        public init(allowed: Bool, limit: RateLimit, remaining: Int, resetSeconds: Int, retryAfter: Int) {
            self.allowed = allowed
            self.limit = limit
            self.remaining = remaining
            self.resetSeconds = resetSeconds
            self.retryAfter = retryAfter
        }
    }

    typealias Bucket = TokenBuckets.Bucket

    struct Generations {
        var current: [String: Bucket] = [:]
        var previous: [String: Bucket] = [:]
        var count: Int { current.count + previous.count }
    }

    private let state: Mutex<[Generations]>
    private let generationSizes: [Int]

    /// - Parameter capacity: address keys held at most; usernames, accounts and devices get a
    ///   quarter of it each (there are far fewer of them, and they are not what floods).
    public init(capacity: Int = 50_000) {
        generationSizes = RateKeyKind.allCases.map { kind in
            max(1, (kind == .address ? capacity : capacity / 4) / 2)
        }
        state = Mutex(Array(repeating: Generations(), count: RateKeyKind.allCases.count))
    }

    /// How many keys are held now; never more than the capacity.
    public var keyCount: Int {
        state.withLock { $0.reduce(0) { $0 + $1.count } }
    }

    /// Keys of one kind held now.
    public func keyCount(_ kind: RateKeyKind) -> Int {
        state.withLock { $0[kind.rawValue].count }
    }

    /// Takes one token from each bucket if every one has a token; otherwise takes none and
    /// stores nothing, so refused requests cost no memory and cannot churn the stores.
    /// Each check is a key with its limit (one key may appear under several limits, e.g. 50/10 s and 300/min).
    public func take(_ checks: [(key: RateKey, limit: RateLimit)], at now: Date) -> Decision {
        state.withLock { stores in
            var found: [(bucket: Bucket?, inCurrent: Bool)] = []
            found.reserveCapacity(checks.count)
            for check in checks {
                let generations = stores[check.key.kind.rawValue]
                if let bucket = generations.current[check.key.name] {
                    found.append((bucket, true))
                } else {
                    found.append((generations.previous[check.key.name], false))
                }
            }
            let outcome = TokenBuckets.take(checks.map(\.limit), from: found.map(\.bucket), at: now)
            // A refusal changes no bucket: the refill is a function of time, so an empty
            // bucket left as it was refills exactly as if it had been written back.
            guard let taken = outcome.taken else { return outcome.decision }
            for (index, check) in checks.enumerated() {
                let kind = check.key.kind.rawValue
                if found[index].inCurrent {
                    stores[kind].current[check.key.name] = taken[index]
                } else {
                    store(taken[index], for: check.key.name, in: &stores[kind], generationSize: generationSizes[kind])
                }
            }
            return outcome.decision
        }
    }

    /// Puts a key that is not in the current generation into it, turning generations over when full.
    private func store(_ bucket: Bucket, for key: String, in generations: inout Generations, generationSize: Int) {
        if generations.current[key] == nil, generations.current.count >= generationSize {
            generations.previous = generations.current
            generations.current = [:]
            generations.current.reserveCapacity(generationSize)
        }
        generations.current[key] = bucket
        generations.previous.removeValue(forKey: key)
    }
}

/// The token-bucket arithmetic, apart from where buckets are kept: `RateLimiter` keeps them in
/// memory, a store shared by several servers keeps them in its database (`SharedRateBuckets`).
public enum TokenBuckets {
    public struct Bucket: Sendable, Equatable {
        public var tokens: Double
        /// Seconds since the reference date of the last take.
        public var updated: TimeInterval
        public init(tokens: Double, updated: TimeInterval) {
            self.tokens = tokens
            self.updated = updated
        }
    }

    /// One token from each bucket (nil: never used, so full) under its limit, if every one has
    /// a token. `taken` holds the buckets to write back when allowed; nil when refused.
    public static func take(_ limits: [RateLimit], from buckets: [Bucket?], at now: Date) -> (decision: RateLimiter.Decision, taken: [Bucket]?) {
        let time = now.timeIntervalSinceReferenceDate
        var refilled = zip(limits, buckets).map { limit, bucket in
            let rate = Double(limit.count) / limit.window
            var bucket = bucket ?? Bucket(tokens: Double(limit.count), updated: time)
            bucket.tokens = min(Double(limit.count), bucket.tokens + max(0, time - bucket.updated) * rate)
            bucket.updated = time
            return bucket
        }
        let allowed = refilled.allSatisfy { $0.tokens >= 1 }
        var decision: RateLimiter.Decision?
        for (index, limit) in limits.enumerated() {
            if allowed { refilled[index].tokens -= 1 }
            let bucket = refilled[index]
            let rate = Double(limit.count) / limit.window
            let candidate = RateLimiter.Decision(
                allowed: allowed, limit: limit, remaining: Int(bucket.tokens.rounded(.down)),
                resetSeconds: Int(((Double(limit.count) - bucket.tokens) / rate).rounded(.up)),
                retryAfter: bucket.tokens >= 1 ? 0 : Int(((1 - bucket.tokens) / rate).rounded(.up))
            )
            if let current = decision {
                let worse = allowed ? candidate.remaining < current.remaining : candidate.retryAfter > current.retryAfter
                if worse { decision = candidate }
            } else {
                decision = candidate
            }
        }
        return (decision ?? RateLimiter.Decision(allowed: true, limit: RateLimit(1, per: 1), remaining: 1, resetSeconds: 0, retryAfter: 0),
                allowed ? refilled : nil)
    }

    /// When a bucket taken under `limit` is full again, after which it is the same as none.
    public static func fullAt(_ bucket: Bucket, limit: RateLimit) -> TimeInterval {
        bucket.updated + (Double(limit.count) - bucket.tokens) * limit.window / Double(limit.count)
    }
}

/// A per-account allowance over a long window (threads, flags and edits a day), counted in
/// the database so that neither a restart nor a flood of other keys resets it.
public enum AccountQuota: String, Sendable, CaseIterable {
    case threads, flags, edits
}
