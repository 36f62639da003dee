import CabildoCore
import CabildoStore
import Foundation

/// The last harvest snapshot, kept until the database changes. Reading a million posts takes
/// seconds, so concurrent requests share one computation, and a report never shows a post
/// that was hidden after it was computed: any write makes the next request compute anew.
actor HarvestCache {
    let store: any ForumStore
    private var cached: (generation: Int, snapshot: HarvestSnapshot)?
    private var running: (generation: Int, task: Task<HarvestSnapshot, any Error>)?

    init(store: any ForumStore) { self.store = store }

    func snapshot(now: Date) async throws -> HarvestSnapshot {
        let generation = store.writeGeneration
        if let cached, cached.generation == generation { return cached.snapshot }
        if let running, running.generation == generation { return try await running.task.value }
        let store = store
        let task = Task { try await store.harvest(at: now) }
        running = (generation, task)
        let snapshot = try await task.value
        // A write that landed while computing leaves the generation moved on: the next request recomputes.
        if running?.generation == generation { running = nil }
        cached = (generation, snapshot)
        return snapshot
    }
}
