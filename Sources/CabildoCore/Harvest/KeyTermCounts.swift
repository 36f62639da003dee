import Foundation

// Key terms kept as counts in the database (issue 20): what one post adds to its board's counts,
// and the ranking of a board's terms read back from them. Both follow `KeyTermCorpus` exactly,
// which stays the reference a full recomputation uses.

/// The terms one post adds to its board: `KeyTermCorpus.add` of the same text counts the same.
public struct PostTerms: Sendable, Equatable {
    /// Kept tokens, stopwords included (a board under 50 takes terms seen once).
    public var tokens = 0
    /// Occurrences of non-stopword words: a board has terms exactly when it has words.
    public var words = 0
    /// Each word ("parques") and phrase ("agua potable") with its occurrences.
    public var counts: [String: Int] = [:]

    public init(of text: String) {
        var previous: String?
        KeyTermCorpus.forEachToken(in: text) { token in
            guard let token else {
                previous = nil
                return
            }
            tokens += 1
            let word = String(decoding: token, as: UTF8.self)
            guard Stopwords.numbers[word] == nil else {
                previous = nil
                return
            }
            words += 1
            counts[word, default: 0] += 1
            if let previous { counts[previous + " " + word, default: 0] += 1 }
            previous = word
        }
    }

    /// A phrase is two words joined by one space; a word never holds a space.
    public static func isPhrase(_ term: String) -> Bool { term.utf8.contains(0x20) }
}

/// One counted term of a board, with the number of boards that use it.
public struct KeyTermCount: Sendable, Equatable {
    public var term: String
    public var count: Int
    /// Boards whose counts hold this term.
    public var boards: Int
    public init(term: String, count: Int, boards: Int) {
        self.term = term
        self.count = count
        self.boards = boards
    }
}

extension KeyTermCorpus {
    /// The fewest occurrences a term of a board with `tokens` kept tokens needs (see `topTerms`).
    public static func minimumCount(tokens: Int) -> Int { tokens < 50 ? 1 : 2 }

    /// The largest factor a count is multiplied by with `groupsWithTerms` boards: no term's score
    /// exceeds `count × maximumWeight`, so a reader going down the counts knows when to stop.
    public static func maximumWeight(groupsWithTerms: Int) -> Double {
        groupsWithTerms <= 1 ? 1 : log(Double(groupsWithTerms))
    }

    /// The best `limit` of `candidates` (one board's terms with at least `minimumCount`), scored
    /// and ordered exactly as `topTerms(group:limit:)` does with the whole corpus in memory.
    public static func best(_ candidates: [KeyTermCount], groupsWithTerms: Int, limit: Int = 15) -> [KeyTerm] {
        guard limit > 0, groupsWithTerms > 0 else { return [] }
        // The same expression as `topTerms`, so equal counts give bit-equal scores.
        var idf = [Double](repeating: 0, count: groupsWithTerms + 1)
        for df in 1...groupsWithTerms { idf[df] = log(Double(groupsWithTerms) / Double(df)) }
        var scored: [Candidate] = []
        for candidate in candidates {
            let score: Double
            if groupsWithTerms == 1 {
                score = Double(candidate.count)
            } else {
                guard candidate.boards >= 1, candidate.boards < groupsWithTerms else { continue }
                score = Double(candidate.count) * idf[candidate.boards]
            }
            scored.append(Candidate(score: score, count: candidate.count, isBigram: PostTerms.isPhrase(candidate.term),
                                    key: 0, text: candidate.term))
        }
        return scored.sorted(by: precedes).prefix(limit).map { KeyTerm(term: $0.text, count: $0.count, score: $0.score) }
    }
}
