/// SplitMix64: small, fast, and ours, so the same seed gives the same demo forum (and test
/// corpus) from one release to the next (the standard library's `random(in:using:)` may change
/// how it draws). Only `pow` and `log` come from the platform's libm, so another OS may differ
/// in a rare rounding.
struct SplitMix64: Sendable {
    private var state: UInt64

    /// Distinct streams of one seed give unrelated sequences (the seeder draws users, threads
    /// and posts from separate streams); stream 0 starts from the seed itself.
    init(seed: UInt64, stream: UInt64 = 0) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< n (Lemire's multiply-shift; the bias is below 2⁻⁴⁰ for our sizes).
    mutating func below(_ n: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(n)).high) }
    /// [0, 1)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func weighted(_ weights: [Double]) -> Int {
        var target = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }

    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, below(index + 1)) }
    }
}
