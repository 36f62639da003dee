import Synchronization

/// Work for a key done once at a time: whoever asks for the same key while it runs waits for
/// that run instead of starting another. At 64 connections, a page or session not yet kept was
/// otherwise read by every request that missed it at once (issue 20).
///
/// A run started under an older write generation is not joined: its answer may miss the write
/// since. The work runs in a task of its own, so a caller who leaves does not cancel it for
/// those who wait. Whatever keeps the answer must do so inside `work`, before the run is
/// forgotten, so a caller in between finds one or the other.
public final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Flight: Sendable {
        let generation: Int
        let id: Int
        let task: Task<Value, any Error>
    }

    private let flights = Mutex<(running: [Key: Flight], nextId: Int)>(([:], 0))

    public init() {}

    public func run(_ key: Key, generation: Int, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = flights.withLock { (flights: inout (running: [Key: Flight], nextId: Int)) -> Task<Value, any Error> in
            if let flight = flights.running[key], flight.generation >= generation { return flight.task }
            flights.nextId += 1
            let id = flights.nextId
            let task = Task { () async throws -> Value in
                defer { self.land(key, id: id) }
                return try await work()
            }
            flights.running[key] = Flight(generation: generation, id: id, task: task)
            return task
        }
        return try await task.value
    }

    /// Forgets the run `id` of `key`, unless a newer one replaced it.
    private func land(_ key: Key, id: Int) {
        flights.withLock { flights in
            if flights.running[key]?.id == id { flights.running[key] = nil }
        }
    }
}
