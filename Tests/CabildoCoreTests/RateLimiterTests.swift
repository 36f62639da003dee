import CabildoCore
import Foundation
import Testing

@Suite struct RateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aBucketLetsItsCountThroughThenRefusesUntilItRefills() {
        let limiter = RateLimiter()
        let limit = RateLimit(3, per: 60)
        for expected in [2, 1, 0] {
            let decision = limiter.take([("a", limit)], at: start)
            #expect(decision.allowed && decision.remaining == expected)
        }
        let refused = limiter.take([("a", limit)], at: start)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 20, "one token every 20 s")
        #expect(refused.resetSeconds == 60)
        #expect(!limiter.take([("a", limit)], at: start.addingTimeInterval(19)).allowed)
        #expect(limiter.take([("a", limit)], at: start.addingTimeInterval(20)).allowed)
        #expect(limiter.take([("b", limit)], at: start).allowed, "another key is unaffected")
        let later = start.addingTimeInterval(20 + 60)
        for _ in 0..<3 { #expect(limiter.take([("a", limit)], at: later).allowed) }
        #expect(!limiter.take([("a", limit)], at: later).allowed, "a bucket never holds more than its count")
    }

    @Test func severalLimitsPassTogetherOrTakeNothing() {
        let limiter = RateLimiter()
        let burst = RateLimit(2, per: 10), sustained = RateLimit(3, per: 60)
        #expect(limiter.take([("ip", burst), ("ip-min", sustained)], at: start).allowed)
        #expect(limiter.take([("ip", burst), ("ip-min", sustained)], at: start).allowed)
        let refused = limiter.take([("ip", burst), ("ip-min", sustained)], at: start)
        #expect(!refused.allowed && refused.limit == burst)
        // The refused request took nothing from the per-minute bucket: one request is left in it.
        let later = start.addingTimeInterval(10)
        let third = limiter.take([("ip", burst), ("ip-min", sustained)], at: later)
        #expect(third.allowed && third.remaining == 0 && third.limit == sustained)
        let fourth = limiter.take([("ip", burst), ("ip-min", sustained)], at: later)
        #expect(!fourth.allowed && fourth.limit == sustained && fourth.retryAfter == 10)
    }

    /// A hundred times the capacity: a million keys proved no more, and took 10 s of a debug
    /// build, on one of the two threads every other test of the suite waits for.
    @Test func distinctKeysAHundredTimesTheCapacityStayWithinIt() {
        let limiter = RateLimiter(capacity: 1_000)
        let limit = RateLimit(5, per: 60)
        for i in 0..<100_000 {
            _ = limiter.take([(RateKey(.address, String(i)), limit)], at: start)
        }
        #expect(limiter.keyCount <= 1_000)
        #expect(limiter.keyCount >= 500)
    }

    @Test func aFloodOfAddressesEvictsNoUsernameOrAccountBucket() {
        // given: a username locked out and an account at its posting limit
        let limiter = RateLimiter(capacity: 1_000)
        let perUsername = RateLimit(2, per: 3600)
        let username = RateKey(.username, "victima")
        let account = RateKey(.account, "posts:7")
        for _ in 0..<2 {
            #expect(limiter.take([(username, perUsername)], at: start).allowed)
            #expect(limiter.take([(account, perUsername)], at: start).allowed)
        }
        #expect(!limiter.take([(username, perUsername)], at: start).allowed)
        // when: ten times the capacity of distinct addresses arrive
        for i in 0..<10_000 {
            _ = limiter.take([(RateKey(.address, "198.51.\(i / 256).\(i % 256)"), RateLimit(5, per: 60))], at: start)
        }
        // then: both are still at their limit, and the address store stayed within its bound
        #expect(!limiter.take([(username, perUsername)], at: start).allowed, "the lock survived the flood")
        #expect(!limiter.take([(account, perUsername)], at: start).allowed)
        #expect(limiter.keyCount(.address) <= 1_000)
        #expect(limiter.keyCount(.username) == 1)
    }

    @Test func aRefusedCheckStoresNothing() {
        let limiter = RateLimiter(capacity: 1_000)
        let one = RateLimit(1, per: 60)
        #expect(limiter.take([(RateKey(.username, "u"), one)], at: start).allowed)
        let before = limiter.keyCount
        // A refused check that names new keys beside the empty one creates none of them.
        for i in 0..<100 {
            #expect(!limiter.take([(RateKey(.address, "a\(i)"), one), (RateKey(.username, "u"), one)], at: start).allowed)
        }
        #expect(limiter.keyCount == before)
    }

    @Test func limitsParseFromSettings() {
        #expect(RateLimit(parsing: "6/60") == RateLimit(6, per: 60))
        for bad in ["", "6", "6/0", "0/60", "-1/60", "a/b", "6/60/1"] {
            #expect(RateLimit(parsing: bad) == nil, "\(bad)")
        }
    }
}
