import CabildoCore

/// Pages of search results, kept until the next content write (`writeGeneration`): the same
/// words searched again, by anyone, read no index and take no search slot. A common word is
/// searched by many people in a row, and a page of results is a few kilobytes.
///
/// Stale results cannot be served, as with the public page cache: the generation is read
/// before the search runs, so a write that lands during it leaves the page kept under a
/// generation already past. Answers the store refuses (too broad, busy) are not kept.
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

    /// - Parameter budget: bytes of results kept at most (2 MiB: some 300 pages).
    init(budget: Int = 2 << 20) {
        pages = BoundedCache(budget: budget) { key, entry in
            key.terms.reduce(64) { $0 + $1.text.utf8.count + 16 }
                + entry.hits.reduce(0) { $0 + $1.threadTitle.utf8.count + $1.snippet.utf8.count + ($1.authorName?.utf8.count ?? 0) + 64 }
        }
    }

    /// The kept page for `key` as of `generation`, or `search`'s, which is then kept.
    func hits(_ key: Key, generation: Int, search: () async throws -> [SearchHit]) async throws -> [SearchHit] {
        if let entry = pages[key], entry.generation == generation { return entry.hits }
        let hits = try await search()
        pages.set(Entry(generation: generation, hits: hits), for: key)
        return hits
    }
}
