// The rate limiter's cost per request, without HTTP: what `RequestLimitMiddleware` pays
// (two buckets per address) for a few hot addresses and for a flood of distinct ones.
// Run: swift run -c release limiter-benchmark
import CabildoCore
import Foundation

func measure(_ label: String, operations: Int, _ body: (Int) -> Void) {
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<operations { body(i) }
    let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start)
    print(String(format: "%@: %.0f ns per request (%d requests)", label, nanoseconds / Double(operations), operations))
}

let burst = RateLimit(50, per: 10), sustained = RateLimit(300, per: 60)
let now = Date()
let operations = 2_000_000

let hot = RateLimiter()
let hotKeys = (0..<64).map { (RateKey(.address, "req10:10.0.0.\($0)"), RateKey(.address, "req60:10.0.0.\($0)")) }
measure("64 addresses", operations: operations) { i in
    let keys = hotKeys[i & 63]
    _ = hot.take([(keys.0, burst), (keys.1, sustained)], at: now.addingTimeInterval(Double(i) / 1e5))
}

let flood = RateLimiter()
measure("distinct addresses (evicting)", operations: operations) { i in
    _ = flood.take([(RateKey(.address, "req10:\(i)"), burst), (RateKey(.address, "req60:\(i)"), sustained)], at: now)
}
print("keys held after the flood: \(flood.keyCount) (capacity 200000)")
