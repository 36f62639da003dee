import GRDB
import GRDBSQLite

/// `cabildo_rank(post_search, 5.0, 1.0)`: FTS5's bm25 without its inverse document frequency,
/// registered on every connection of the live database.
///
/// bm25 weighs each word by how rare it is, and learns that by walking every row that holds
/// the word, once per search: a common word (31 k of a million posts) cost 1 ms before a single
/// candidate was ranked, so a search's cost grew with the forum. Searches rank only the newest
/// `AppDatabase.rankedCandidates`, each of which holds every word typed, so the rarity mostly
/// reorders nothing: for one word it is a constant factor, and for several it only tips
/// between posts that hold them in different proportions. What stays is what a reader sees as
/// relevance: how often the words appear, in the title (weighted by the arguments, one per
/// column) or the body, against the post's length. PostgreSQL's `ts_rank` has no document
/// frequency either, so both stores now rank by the same signals.
enum SearchRank {
    static let name = "cabildo_rank"

    /// bm25's constants, as FTS5 sets them.
    private static let k1 = 1.2
    private static let b = 0.75

    static func register(_ db: Database) throws {
        let api = FTS5.api(db)
        guard let create = api.pointee.xCreateFunction else { throw DatabaseError(message: "FTS5 cannot register functions") }
        let code = create(UnsafeMutablePointer(mutating: api), name, nil, rank, nil)
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register \(name)") }
    }

    /// Lower is better, as with bm25 (`ORDER BY score`).
    private static let rank: fts5_extension_function = { api, fts, context, argumentCount, arguments in
        guard let api = api?.pointee, let instCount = api.xInstCount, let inst = api.xInst, let columnSize = api.xColumnSize,
              let phraseCount = api.xPhraseCount else { return }
        let phrases = Int(phraseCount(fts))
        var frequencies = [Double](repeating: 0, count: max(phrases, 1))
        var instances: Int32 = 0
        guard instCount(fts, &instances) == SQLITE_OK else { return sqlite3_result_error_code(context, SQLITE_ERROR) }
        for index in 0..<instances {
            var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
            guard inst(fts, index, &phrase, &column, &offset) == SQLITE_OK else { return sqlite3_result_error_code(context, SQLITE_ERROR) }
            let weight = column < argumentCount ? sqlite3_value_double(arguments?[Int(column)]) : 1
            frequencies[Int(phrase)] += weight
        }
        var tokens: Int32 = 0
        guard columnSize(fts, -1, &tokens) == SQLITE_OK, let average = averageLength(api, fts) else {
            return sqlite3_result_error_code(context, SQLITE_ERROR)
        }
        let lengthNorm = k1 * (1 - b + b * Double(tokens) / average)
        let score = frequencies.reduce(0) { $0 + $1 * (k1 + 1) / ($1 + lengthNorm) }
        sqlite3_result_double(context, -score)
    }

    /// Tokens per row over the whole table, read once per query and kept with it (as bm25 does).
    private static func averageLength(_ api: Fts5ExtensionApi, _ fts: OpaquePointer?) -> Double? {
        guard let getAuxdata = api.xGetAuxdata, let setAuxdata = api.xSetAuxdata,
              let rowCount = api.xRowCount, let totalSize = api.xColumnTotalSize else { return nil }
        if let kept = getAuxdata(fts, 0) { return kept.load(as: Double.self) }
        var rows: sqlite3_int64 = 0, tokens: sqlite3_int64 = 0
        guard rowCount(fts, &rows) == SQLITE_OK, totalSize(fts, -1, &tokens) == SQLITE_OK else { return nil }
        let average = max(1, Double(tokens) / Double(max(rows, 1)))
        let kept = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        kept.initialize(to: average)
        guard setAuxdata(fts, kept, { $0?.deallocate() }) == SQLITE_OK else { return average }
        return average
    }
}
