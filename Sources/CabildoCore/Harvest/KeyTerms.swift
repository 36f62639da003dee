import Foundation

// Key terms and phrases of each board, by TF-IDF: "what this board talks about that the others don't".
//
// Every board's whole text is one document. Text is lowercased and accent-folded on its UTF-8
// bytes (`KeyTermTokenizer.swift`), cut into tokens of letters and digits, and counted per board
// as unigrams (without stopwords) and bigrams (two adjacent tokens, neither a stopword). See
// `KeyTermCorpus.topTerms(group:limit:)` for the scoring.

/// One key term of a board: a word ("parques") or a two-word phrase ("agua potable"), folded
/// to lowercase without accents.
public struct KeyTerm: Sendable, Equatable {
    /// The folded word, or the two folded words of a phrase joined by one space.
    public let term: String
    /// Occurrences in the board.
    public let count: Int
    /// `count × ln(N / df)`, or `count` when only one board has terms.
    public let score: Double

    public init(term: String, count: Int, score: Double) {
        self.term = term
        self.count = count
        self.score = score
    }
}

/// Counts of every term per group (board), built in one pass over the posts, then ranked per
/// group by TF-IDF against the other groups.
///
/// Tokens: the text is lowercased and accent-folded (á→a, ñ→n, ü→u, ç→c, ß→ss, æ→ae, œ→oe … for
/// Latin-1 and Latin Extended-A letters; combining accents and soft hyphens are ignored) and cut
/// at everything that is not a letter or a digit (punctuation, spaces, symbols, emoji). Letters
/// of other scripts pass through unchanged. Only tokens of at least 3 characters that are not all
/// digits are kept; a dropped token still stands between its neighbours.
///
/// Terms: every kept token that is not a stopword (the Spanish, English and web lists in
/// `Stopwords/`), and every pair of adjacent kept tokens where neither is a stopword, written
/// "first second".
///
/// Memory: each distinct word is one String, interned once for the whole corpus, and counted
/// by its number; a group's counts are plain dictionaries keyed by word number and by pair of
/// word numbers. Hand-written open-addressing tables made the whole harvest of a million posts
/// 1.2–1.3× faster but took 1.3× the memory with a real text's vocabulary: not worth their
/// 250 lines (bench/RESULTS.md, issue 15).
public struct KeyTermCorpus: Sendable {
    /// Every distinct word's number, stopwords first: a word is a stopword exactly when its
    /// number is below `Stopwords.count`.
    private var numbers: [String: UInt32]
    /// Every distinct word, by number.
    private var words: [String]
    /// Number of groups containing each word, by number.
    private var wordFrequency: [UInt32]
    /// Number of groups containing each pair of words.
    private var pairFrequency: [UInt64: UInt32] = [:]
    private var counts: [GroupCounts] = []
    private var groupIDs: [Int64] = []
    private var indexOfGroup: [Int64: Int] = [:]

    public init() {
        numbers = Stopwords.numbers
        words = Stopwords.words
        wordFrequency = [UInt32](repeating: 0, count: Stopwords.words.count)
    }

    /// Everything counted for one group.
    private struct GroupCounts {
        var words: [UInt32: UInt32] = [:]
        var pairs: [UInt64: UInt32] = [:]
        /// Kept tokens, stopwords included.
        var tokens = 0
    }

    /// Every group passed to `add`, ascending (including groups whose posts had no terms).
    public var groups: [Int64] { groupIDs.sorted() }

    /// Counts the terms of one post of `group` (the board id). Call once per post.
    public mutating func add(_ text: String, group: Int64) {
        let index: Int
        if let known = indexOfGroup[group] {
            index = known
        } else {
            index = counts.count
            indexOfGroup[group] = index
            groupIDs.append(group)
            counts.append(GroupCounts())
        }
        // Take the group's counts out of the array while counting, so its dictionaries are
        // mutated in place rather than copied.
        var state = GroupCounts()
        swap(&state, &counts[index])
        defer { swap(&state, &counts[index]) }

        var previous: UInt32?
        Self.forEachToken(in: text) { token in
            guard let token else {
                previous = nil
                return
            }
            state.tokens += 1
            let word = number(of: token)
            guard word >= Stopwords.count else {
                previous = nil
                return
            }
            if Self.increment(&state.words, word) { wordFrequency[Int(word)] += 1 }
            if let previous {
                let pair = Self.pairKey(previous, word)
                if Self.increment(&state.pairs, pair) { Self.increment(&pairFrequency, pair) }
            }
            previous = word
        }
    }

    /// The number of a folded word, given one if it is new.
    private mutating func number(of token: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let word = String(decoding: token, as: UTF8.self)
        if let known = numbers[word] { return known }
        let number = UInt32(words.count)
        numbers[word] = number
        words.append(word)
        wordFrequency.append(0)
        return number
    }

    /// Adds one to `key`'s count; true when it is new. The count is reached through the
    /// dictionary's in-place accessor, so the key is hashed once, found or not.
    @discardableResult
    private static func increment<Key: Hashable>(_ counts: inout [Key: UInt32], _ key: Key) -> Bool {
        addOne(&counts[key, default: 0])
    }

    private static func addOne(_ count: inout UInt32) -> Bool {
        count += 1
        return count == 1
    }

    /// Both words' numbers in one key.
    private static func pairKey(_ first: UInt32, _ second: UInt32) -> UInt64 {
        UInt64(first) << 32 | UInt64(second)
    }

    /// The best `limit` terms of `group`, best first.
    ///
    /// For a term t of group g: tf = occurrences of t in g; N = number of groups with at least
    /// one term; df = number of groups containing t; score = tf × ln(N / df). Terms found in
    /// every group (score 0) are left out. When N is 1 there is nothing to contrast: score = tf
    /// and nothing is left out. A term needs at least 2 occurrences in the group, or 1 when the
    /// group has fewer than 50 tokens (kept tokens, stopwords included).
    ///
    /// Order: higher score (scores within a relative 1e-12 are equal, so 1 × ln 4 ties with
    /// 2 × ln 2), then higher count, then phrases before words, then by the UTF-8 bytes of the
    /// term (alphabetical for the folded ASCII terms).
    public func topTerms(group: Int64, limit: Int = 15) -> [KeyTerm] {
        guard limit > 0, let index = indexOfGroup[group] else { return [] }
        let state = counts[index]
        // A group has terms exactly when it has words (a pair needs two words).
        guard !state.words.isEmpty else { return [] }
        let groupsWithTerms = counts.reduce(0) { $0 + ($1.words.isEmpty ? 0 : 1) }
        let minimumCount: UInt32 = state.tokens < 50 ? 1 : 2
        var idf = [Double](repeating: 0, count: groupsWithTerms + 1)
        for df in 1...groupsWithTerms { idf[df] = log(Double(groupsWithTerms) / Double(df)) }
        func score(count: UInt32, df: UInt32) -> Double? {
            if groupsWithTerms == 1 { return Double(count) }
            guard df < groupsWithTerms else { return nil }
            return Double(count) * idf[Int(df)]
        }

        var candidates: [Candidate] = []
        for (word, count) in state.words where count >= minimumCount {
            guard let score = score(count: count, df: wordFrequency[Int(word)]) else { continue }
            candidates.append(Candidate(score: score, count: Int(count), isBigram: false, key: UInt64(word)))
        }
        for (pair, count) in state.pairs where count >= minimumCount {
            guard let score = score(count: count, df: pairFrequency[pair] ?? 0) else { continue }
            candidates.append(Candidate(score: score, count: Int(count), isBigram: true, key: pair))
        }

        var best: [Candidate] = []
        if candidates.count <= limit {
            for k in candidates.indices { candidates[k].text = text(of: candidates[k]) }
            best = candidates.sorted(by: Self.precedes)
        } else {
            // Keep the best `limit` in order: most candidates lose to the last kept one on
            // score alone, before their text is even looked at.
            best.reserveCapacity(min(limit, 4096) + 1)
            for var candidate in candidates {
                if best.count == limit, let last = best.last {
                    let order = Self.compareNumbers(candidate, last)
                    if order > 0 { continue }
                    candidate.text = text(of: candidate)
                    if order == 0, !Self.bytesPrecede(candidate.text, last.text) { continue }
                } else {
                    candidate.text = text(of: candidate)
                }
                var low = 0, high = best.count
                while low < high {
                    let middle = (low + high) / 2
                    if Self.precedes(best[middle], candidate) { low = middle + 1 } else { high = middle }
                }
                best.insert(candidate, at: low)
                if best.count > limit { best.removeLast() }
            }
        }
        return best.map { KeyTerm(term: $0.text, count: $0.count, score: $0.score) }
    }
}

// MARK: - Ranking

extension KeyTermCorpus {
    struct Candidate {
        var score: Double
        var count: Int
        var isBigram: Bool
        /// The word's number, or the pair key.
        var key: UInt64
        /// The term's text, filled only for candidates that may be kept.
        var text = ""
    }

    /// −1 when `a` ranks first by score, count and kind; 1 when `b` does; 0 on a tie.
    private static func compareNumbers(_ a: Candidate, _ b: Candidate) -> Int {
        let tolerance = 1e-12 * max(abs(a.score), abs(b.score))
        if a.score > b.score + tolerance { return -1 }
        if b.score > a.score + tolerance { return 1 }
        if a.count != b.count { return a.count > b.count ? -1 : 1 }
        if a.isBigram != b.isBigram { return a.isBigram ? -1 : 1 }
        return 0
    }

    /// The ranking order; both candidates' `text` must be filled.
    static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        let order = compareNumbers(a, b)
        return order == 0 ? bytesPrecede(a.text, b.text) : order < 0
    }

    /// By UTF-8 bytes, not by Unicode's collation: the same order on every platform.
    private static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private func text(of candidate: Candidate) -> String {
        guard candidate.isBigram else { return words[Int(candidate.key)] }
        return words[Int(candidate.key >> 32)] + " " + words[Int(candidate.key & 0xFFFF_FFFF)]
    }
}
