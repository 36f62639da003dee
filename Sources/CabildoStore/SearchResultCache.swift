import CabildoCore

/// Pages of search results, kept until the next content write (`writeGeneration`): the same
/// words searched again, by anyone, read no index and take no search slot. A common word is
/// searched by many people in a row, and a page of results is a few kilobytes.
///
/// Stale results cannot be served, as with the public page cache: the generation is read
/// before the search runs, so a write that lands during it leaves the page kept under a
/// generation already past. Answers the store refuses (too broad, busy) are not kept.
///
/// A page not yet kept is searched once however many ask for it at the same time: the others
/// wait for that search (`Flight`) instead of each queueing for a slot to run the same query.
/// Without this, the first moments of a popular word (or the moments after a write) sent every
/// one of 64 concurrent visitors through the 2 slots in turn; the last waited for 63 searches
/// before its own, and the p99 of a 5-second run was 0.3–1.2 s while its median was 12 ms.
final class SearchResultCache: Sendable {
    struct Key: Hashable, Sendable {
        /// The words as the stores use them (`SearchTerm.of`), so spacing, repeats and syntax
        /// characters typed do not make another key.
        let terms: [SearchTerm]
        let limit: Int
        let offset: Int
    }

    private struct Entry: Sendable {
        let generation: Int
        let hits: [SearchHit]
    }

    private let pages: BoundedCache<Key, Entry>
    private let flights = SingleFlight<Key, [SearchHit]>()

    /// - Parameter budget: bytes of results kept at most (2 MiB: some 300 pages).
    init(budget: Int = 2 << 20) {
        pages = BoundedCache(budget: budget) { key, entry in
            key.terms.reduce(64) { $0 + $1.text.utf8.count + 16 }
                + entry.hits.reduce(0) { $0 + $1.threadTitle.utf8.count + $1.snippet.utf8.count + ($1.authorName?.utf8.count ?? 0) + 64 }
        }
    }

    /// The kept page for `key` as of `generation`, or `search`'s, which is then kept. A search
    /// of the same page and generation already running is awaited rather than run again; one
    /// of an older generation is not (its answer may miss the write since). `search` runs in a
    /// task of its own, so a visitor who leaves does not cancel it for those who wait.
    func hits(_ key: Key, generation: Int, search: @escaping @Sendable () async throws -> [SearchHit]) async throws -> [SearchHit] {
        if let entry = pages[key], entry.generation == generation { return entry.hits }
        return try await flights.run(key, generation: generation) { [pages] in
            let hits = try await search()
            pages.set(Entry(generation: generation, hits: hits), for: key)
            return hits
        }
    }
}
