import Testing
@testable import CabildoCore

@Suite struct BoundedCacheTests {
    @Test func itKeepsWithinItsBudgetAndDropsTheOldestGeneration() {
        let cache = BoundedCache<Int, String>(budget: 100) { _, value in value.count }
        for key in 0..<1_000 { _ = cache.value(for: key) { String(repeating: "x", count: 10) } }
        #expect(cache.totalCost <= 100)
        #expect(cache.count == 10)
        #expect(cache[999] != nil)
        #expect(cache[0] == nil)
    }

    @Test func aValueReadOftenSurvivesTurnovers() {
        let cache = BoundedCache<Int, String>(budget: 40) { _, _ in 1 }
        var made = 0
        _ = cache.value(for: -1) { made += 1; return "hot" }
        for key in 0..<500 {
            _ = cache.value(for: key) { "cold" }
            #expect(cache.value(for: -1) { made += 1; return "hot" } == "hot")
        }
        #expect(made == 1, "read between every insert, it moves forward and is never made again")
        #expect(cache.count <= 40)
    }

    @Test func aMissMakesTheValueOnceAndKeepsIt() {
        let cache = BoundedCache<String, Int>(budget: 10) { _, _ in 1 }
        var calls = 0
        #expect(cache.value(for: "a") { calls += 1; return 7 } == 7)
        #expect(cache.value(for: "a") { calls += 1; return 8 } == 7)
        #expect(calls == 1)
        cache.removeAll()
        #expect(cache["a"] == nil)
    }
}
