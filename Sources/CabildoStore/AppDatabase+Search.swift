import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    /// How many of the newest matches are ranked by relevance. Ranking every match made a
    /// common word cost what the forum's size costs (50 ms for a word in 31 k of a million
    /// posts, against 0.3 ms at ten thousand); ranking the newest 200, by a rank that does not
    /// count every match (`SearchRank`), keeps a search's cost flat. A forum reads recent
    /// discussion first, and an older post is still found by a more specific query, whose
    /// matches are fewer.
    public static let rankedCandidates = 200
    public var searchReach: Int { Self.rankedCandidates }

    /// Full-text search over titles and bodies. The words typed are matched as quoted terms
    /// (all must appear; a trailing `*` keeps prefix search), so user input is never FTS5 syntax.
    /// `offset` pages through the ranked candidates, so it never scans more than they are.
    /// Its cost is bounded by `searchLimits`: few terms, no short prefixes, a time limit, and a
    /// slot of its own (throws `StoreError.tooBroad` or `.busy`). A page searched since the last
    /// write is answered from `searchResults`, without a slot.
    public func search(_ query: String, limit: Int, offset: Int = 0) async throws -> [SearchHit] {
        let terms = SearchTerm.of(query, searchLimits)
        guard let pattern = Self.ftsPattern(terms) else { return [] }
        let timeLimit = searchLimits.timeLimit
        let key = SearchResultCache.Key(terms: terms, limit: limit, offset: max(0, offset))
        return try await searchResults.hits(key, generation: writeGeneration) {
            try await searchSlots.run { try await read { db in try db.withTimeLimit(timeLimit) {
            // `ranked`: the best `limit` of the newest candidates, on the index alone. The outer
            // query builds snippets for those rows only, finding them by a rowid range: matching
            // them by `rowid IN (…)` made FTS5 walk the whole term's matches once per row (40 ms
            // at a million posts). Hidden, held and deleted posts are not in the index.
            try Row.fetchAll(db.cached("""
                WITH ranked AS (
                    SELECT rowid AS id, \(SearchRank.name)(post_search, 5.0, 1.0) AS score FROM post_search
                    WHERE post_search MATCH ?1 AND rowid >= (
                        SELECT coalesce(min(rowid), 0) FROM (
                            SELECT rowid FROM post_search WHERE post_search MATCH ?1 ORDER BY rowid DESC LIMIT ?3))
                    ORDER BY score LIMIT ?2 OFFSET ?4)
                SELECT p.id, p.thread_id, t.title, \(Self.shownName("u")), p.created_at,
                       snippet(post_search, -1, char(2), char(3), '…', 24)
                FROM post_search
                JOIN ranked ON ranked.id = post_search.rowid
                JOIN posts p ON p.id = post_search.rowid
                JOIN threads t ON t.id = p.thread_id AND t.listed = 1
                JOIN users u ON u.id = p.author_id
                WHERE post_search MATCH ?1 AND post_search.rowid >= (SELECT min(id) FROM ranked)
                ORDER BY ranked.score
                """), arguments: [pattern, limit, Self.rankedCandidates, max(0, offset)]).map { row in
                SearchHit(postId: row[0], threadId: row[1], threadTitle: row[2], authorName: row[3],
                          snippet: row[5], createdAt: Date(unixSeconds: row[4]))
            }
        } } } }
    }

    /// The FTS5 query for what was typed (`SearchTerm`): each word a quoted term, a prefix
    /// term with its `*` after the quotes.
    static func ftsPattern(_ query: String, _ limits: SearchLimits = SearchLimits()) -> String? {
        ftsPattern(SearchTerm.of(query, limits))
    }

    static func ftsPattern(_ terms: [SearchTerm]) -> String? {
        terms.isEmpty ? nil : terms.map { "\"\($0.text)\"" + ($0.prefix ? "*" : "") }.joined(separator: " ")
    }
}
