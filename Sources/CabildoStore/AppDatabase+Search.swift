import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    /// How many of the newest matches are ranked by relevance. Ranking every match made a
    /// common word cost what the forum's size costs (50 ms for a word in 31 k of a million
    /// posts, against 0.3 ms at ten thousand); ranking the newest 250 keeps a search's cost flat
    /// (0.7 ms at a million). A forum reads recent discussion first, and an older post is still
    /// found by a more specific query, whose matches are fewer.
    static let rankedCandidates = 250

    /// Full-text search over titles and bodies. The words typed are matched as quoted terms
    /// (all must appear; a trailing `*` keeps prefix search), so user input is never FTS5 syntax.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        guard let pattern = Self.ftsPattern(query) else { return [] }
        return try await read { db in
            // Rank first, on the index alone; snippets and joins only for the rows kept. (Computing
            // snippets in the ranked query made SQLite build one per match: 0.79 s for a word in
            // 31 k of a million posts, against 0.11 s this way.) Hidden, held and deleted posts
            // are not in the index.
            try Row.fetchAll(db.cached("""
                SELECT p.id, p.thread_id, t.title, u.username, p.created_at,
                       snippet(post_search, -1, char(2), char(3), '…', 24) AS snippet
                FROM post_search
                JOIN posts p ON p.id = post_search.rowid
                JOIN threads t ON t.id = p.thread_id
                JOIN users u ON u.id = p.author_id
                WHERE post_search MATCH ?1 AND post_search.rowid IN (
                    SELECT rowid FROM (
                        SELECT rowid, bm25(post_search, 5.0, 1.0) AS score FROM post_search WHERE post_search MATCH ?1
                        ORDER BY rowid DESC LIMIT ?3)
                    ORDER BY score LIMIT ?2)
                ORDER BY bm25(post_search, 5.0, 1.0)
                """), arguments: [pattern, limit, Self.rankedCandidates]).map { row in
                SearchHit(postId: row[0], threadId: row[1], threadTitle: row[2], authorName: row[3],
                          snippet: row["snippet"], createdAt: Date(unixSeconds: row[4]))
            }
        }
    }

    static func ftsPattern(_ query: String) -> String? {
        let terms = query.split(whereSeparator: { $0.isWhitespace }).prefix(12).compactMap { word -> String? in
            let prefix = word.hasSuffix("*")
            let bare = word.filter { $0 != "\"" && $0 != "*" && !$0.isNewline }
            guard !bare.isEmpty else { return nil }
            return "\"\(bare)\"" + (prefix ? "*" : "")
        }
        return terms.isEmpty ? nil : terms.joined(separator: " ")
    }
}
