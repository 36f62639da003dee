import CabildoCore
import CabildoStore
import Foundation

/// The harvest as last read, kept until the database changes: the page's overviews, by board,
/// and the whole snapshot the downloads cut their reports from. The store keeps the harvest's
/// counts current with every write (issue 20), so an overview is a few milliseconds at a million
/// posts and a snapshot a fraction of a second; concurrent downloads share one read, and neither
/// shows a post that was hidden after it was read: any write makes the next request read anew.
actor HarvestCache {
    let store: any ForumStore
    private var cached: (generation: Int, snapshot: HarvestSnapshot)?
    private var running: (generation: Int, task: Task<HarvestSnapshot, any Error>)?
    /// Reports cut from the cached snapshot, by board id (0: the whole forum): cutting one sorts
    /// every thread, 0.2 s at 50,000 threads, so it is done once per snapshot.
    private var reports: (generation: Int, byBoard: [Int64: HarvestReport]) = (-1, [:])

    /// Overviews by board slug ("": the whole forum), as of one write generation.
    private var overviews: (generation: Int, bySlug: [String: HarvestOverview]) = (-1, [:])

    init(store: any ForumStore) { self.store = store }

    /// What the page shows of one board (or of the forum when `slug` is nil); nil for a board that does not exist.
    func overview(board slug: String?, now: Date) async throws -> HarvestOverview? {
        let generation = store.writeGeneration
        if overviews.generation == generation, let overview = overviews.bySlug[slug ?? ""] { return overview }
        guard let overview = try await store.harvestOverview(board: slug, at: now) else { return nil }
        // Kept only under the generation read before it: a write meanwhile makes the next request read anew.
        if overviews.generation != generation { overviews = (generation, [:]) }
        overviews.bySlug[slug ?? ""] = overview
        return overview
    }

    /// One board's report (or the forum's when `slug` is nil); nil for a board that does not exist.
    func report(board slug: String?, now: Date) async throws -> HarvestReport? {
        let (generation, snapshot) = try await current(now: now)
        var boardId: Int64?
        if let slug {
            guard let board = snapshot.boards.first(where: { $0.slug == slug }) else { return nil }
            boardId = board.id
        }
        // Another request may have computed a newer snapshot meanwhile: cache only under our own generation.
        if reports.generation == generation, let report = reports.byBoard[boardId ?? 0] { return report }
        let report = snapshot.report(boardId: boardId)
        if reports.generation != generation { reports = (generation, [:]) }
        reports.byBoard[boardId ?? 0] = report
        return report
    }

    /// The snapshot for the database as it is now, and the write generation it belongs to.
    private func current(now: Date) async throws -> (Int, HarvestSnapshot) {
        let generation = store.writeGeneration
        if let cached, cached.generation == generation { return (generation, cached.snapshot) }
        if let running, running.generation == generation { return (generation, try await running.task.value) }
        let store = store
        let task = Task { try await store.harvest(at: now) }
        running = (generation, task)
        let snapshot = try await task.value
        // A write that landed while computing leaves the generation moved on: the next request recomputes.
        if running?.generation == generation { running = nil }
        cached = (generation, snapshot)
        return (generation, snapshot)
    }
}
