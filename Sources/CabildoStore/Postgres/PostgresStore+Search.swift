import CabildoCore
import Foundation
import PostgresNIO

/// Full-text search with PostgreSQL's own (`cabildo_es`: Spanish, accents folded), with the
/// meaning and bounds of `AppDatabase.search`: every word typed must appear, a word is never
/// query syntax, the newest `searchReach` matches are ranked, a search has a slot and a
/// time limit (`StoreError.busy`, `.tooBroad`), and a page is kept until the next write.
extension PostgresStore {
    public var searchReach: Int { AppDatabase.rankedCandidates }

    /// ts_rank's weights for D, C, B, A: the title (A) counts five times the body (D), as in SQLite's rank (`SearchRank`).
    static let rankWeights = "'{0.2, 0.2, 0.2, 1.0}'"
    /// Matches marked as SQLite's `snippet` marks them (`SearchHit.matchStart`), about as long.
    static let headlineOptions = "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=12, MaxFragments=1'"

    public func search(_ query: String, limit: Int, offset: Int = 0) async throws -> [SearchHit] {
        let terms = SearchTerm.of(query, searchLimits)
        guard let tsquery = Self.tsquery(terms) else { return [] }
        var binds = tsquery.binds
        func bind(_ value: Int) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        // `candidates`: the newest matches, from the GIN index; `ranked`: the best of those. Only
        // the rows shown get a headline, which re-reads their text. Hidden, held and deleted
        // posts are not in `post_search`, as in SQLite's index.
        let sql = """
            WITH q AS (SELECT \(tsquery.sql) AS query),
            candidates AS (
                SELECT s.post_id FROM post_search s, q WHERE s.document @@ q.query ORDER BY s.post_id DESC LIMIT \(bind(searchReach))),
            ranked AS (
                SELECT s.post_id, ts_rank(\(Self.rankWeights), s.document, q.query) AS score
                FROM candidates c JOIN post_search s ON s.post_id = c.post_id, q
                ORDER BY score DESC, s.post_id DESC LIMIT \(bind(limit)) OFFSET \(bind(max(0, offset))))
            SELECT p.id, p.thread_id, t.title, \(AppDatabase.shownName("u")) AS author_name, p.created_at,
                   ts_headline('cabildo_es', concat_ws(' ', nullif(s.title, ''), s.body), q.query, \(Self.headlineOptions)) AS snippet
            FROM ranked r JOIN post_search s ON s.post_id = r.post_id JOIN posts p ON p.id = r.post_id
            JOIN threads t ON t.id = p.thread_id AND t.listed JOIN users u ON u.id = p.author_id, q
            ORDER BY r.score DESC, p.id DESC
            """
        let timeout = "\(max(1, Int((searchLimits.timeLimit * 1000).rounded())))ms"
        let key = SearchResultCache.Key(terms: terms, limit: limit, offset: max(0, offset))
        let bound = binds
        return try await searchResults.hits(key, generation: writeGeneration) { try await searchSlots.run {
            try await read { connection in
                // For this transaction only: past it the server cancels the search (57014, `tooBroad`).
                try await connection.run("SELECT set_config('statement_timeout', \(timeout), true)", logger: logger)
                return try await connection.all(PostgresQuery(unsafeSQL: sql, binds: bound), logger: logger) {
                    SearchHit(postId: try $0.int64("id"), threadId: try $0.int64("thread_id"), threadTitle: try $0.string("title"),
                              authorName: try $0.optionalString("author_name"), snippet: try $0.string("snippet"),
                              createdAt: try $0.date("created_at"))
                }
            }
        } }
    }

    /// The tsquery of the words, as SQL over bound parameters (`$1`…): all of them (`&&`); a
    /// word as a phrase of its lexemes (`phraseto_tsquery` reads no syntax); a prefix word by
    /// `to_tsquery` with `:*`, given only a word of letters and digits, which cannot hold syntax
    /// (any other prefix word is matched whole). A word of stop words alone matches nothing, and is left out as PostgreSQL does.
    static func tsquery(_ terms: [SearchTerm]) -> (sql: String, binds: PostgresBindings)? {
        guard !terms.isEmpty else { return nil }
        var binds = PostgresBindings()
        var parts: [String] = []
        for term in terms {
            if term.prefix, term.text.allSatisfy({ $0.isLetter || $0.isNumber }) {
                binds.append(term.text + ":*")
                parts.append("to_tsquery('cabildo_es', $\(binds.count))")
            } else {
                binds.append(term.text)
                parts.append("phraseto_tsquery('cabildo_es', $\(binds.count))")
            }
        }
        return (parts.joined(separator: " && "), binds)
    }
}
