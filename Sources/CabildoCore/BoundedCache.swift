import Synchronization

/// A thread-safe cache whose memory is bounded by a cost budget (bytes, usually), kept in two
/// generations: new entries go into the current one; when its cost passes half the budget it
/// becomes the previous one and the older generation is dropped. A hit in the previous
/// generation moves the entry forward, so what is read often stays. No clock and no list to
/// maintain, and eviction costs one dictionary swap.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
        var currentCost = 0
        var previousCost = 0
    }

    private let state = Mutex(Generations())
    private let generationBudget: Int
    private let cost: @Sendable (Key, Value) -> Int

    /// - Parameters:
    ///   - budget: the most the cache holds, in the units `cost` returns.
    ///   - cost: what one entry weighs (at least 1 is counted).
    public init(budget: Int, cost: @escaping @Sendable (Key, Value) -> Int) {
        generationBudget = max(1, budget / 2)
        self.cost = cost
    }

    /// What is held now, in the units of `cost`; never more than the budget plus one entry.
    public var totalCost: Int { state.withLock { $0.currentCost + $0.previousCost } }

    public var count: Int { state.withLock { $0.current.count + $0.previous.count } }

    public subscript(_ key: Key) -> Value? {
        state.withLock { generations in
            if let value = generations.current[key] { return value }
            guard let value = generations.previous.removeValue(forKey: key) else { return nil }
            let weight = max(1, cost(key, value))
            generations.previousCost -= weight
            Self.insert(value, for: key, weight: weight, into: &generations, budget: generationBudget)
            return value
        }
    }

    /// The cached value, or `make()`'s, which is then kept. `make` runs outside the lock, so two
    /// requests may both make a missing value; the result is the same.
    public func value(for key: Key, make: () throws -> Value) rethrows -> Value {
        if let value = self[key] { return value }
        let value = try make()
        let weight = max(1, cost(key, value))
        state.withLock { generations in
            guard generations.current[key] == nil else { return }
            if let old = generations.previous.removeValue(forKey: key) { generations.previousCost -= max(1, cost(key, old)) }
            Self.insert(value, for: key, weight: weight, into: &generations, budget: generationBudget)
        }
        return value
    }

    /// Keeps `value` for `key`, replacing what was there.
    public func set(_ value: Value, for key: Key) {
        let weight = max(1, cost(key, value))
        state.withLock { generations in
            if let old = generations.current.removeValue(forKey: key) { generations.currentCost -= max(1, cost(key, old)) }
            if let old = generations.previous.removeValue(forKey: key) { generations.previousCost -= max(1, cost(key, old)) }
            Self.insert(value, for: key, weight: weight, into: &generations, budget: generationBudget)
        }
    }

    public func removeAll() {
        state.withLock { $0 = Generations() }
    }

    private static func insert(_ value: Value, for key: Key, weight: Int, into generations: inout Generations, budget: Int) {
        if generations.currentCost + weight > budget, !generations.current.isEmpty {
            generations.previous = generations.current
            generations.previousCost = generations.currentCost
            generations.current = [:]
            generations.currentCost = 0
        }
        generations.current[key] = value
        generations.currentCost += weight
    }
}
