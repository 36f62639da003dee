import Foundation

// Key terms and phrases of each board, by TF-IDF: "what this board talks about that the others don't".
//
// Every board's whole text is one document. Text is lowercased and accent-folded on its UTF-8
// bytes (one pass, no String/Character work per token), cut into tokens of letters and digits,
// and counted per board as unigrams (without stopwords) and bigrams (two adjacent tokens,
// neither a stopword). See `KeyTermCorpus.topTerms(group:limit:)` for the scoring.

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
/// Terms: every kept token that is not a stopword (built-in Spanish and English lists, plus link
/// pieces such as "https", "www", "com"), and every
/// pair of adjacent kept tokens where neither is a stopword, written "first second".
///
/// Memory: the words are interned once for the whole corpus (bytes + ~36 bytes a word); each
/// group has a hash table of 8 bytes per distinct word and 16 bytes per distinct pair (at most
/// 75 % full), and one corpus-wide table of 16 bytes per distinct pair keeps the pairs' document
/// frequencies.
public struct KeyTermCorpus: Sendable {
    private var lexicon: Lexicon
    /// Number of groups containing each word pair.
    private var pairFrequency: PairCounter
    private var counts: [GroupCounts]
    private var groupIDs: [Int64]
    private var indexOfGroup: [Int64: Int]

    public init() {
        lexicon = Self.stopwordLexicon
        pairFrequency = PairCounter()
        counts = []
        groupIDs = []
        indexOfGroup = [:]
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
        // Take the group's table out of the array while counting, so it is mutated in place
        // without going through the array on every token.
        var state = GroupCounts()
        swap(&state, &counts[index])
        defer { swap(&state, &counts[index]) }

        let seed = Self.hashSeed
        var text = text
        text.withUTF8 { input in
            guard !input.isEmpty else { return }
            // A folded token is never longer than the bytes it came from.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { scratch in
                Self.foldTable.withUnsafeBufferPointer { fold in
                    let stopwordCount = Self.stopwordCount
                    var previous = Self.noWord
                    Self.scan(input, into: scratch, fold: fold, seed: seed) { length, hash in
                        guard length > 0 else {
                            previous = Self.noWord
                            return
                        }
                        state.tokens += 1
                        let word = lexicon.intern(UnsafeBufferPointer(rebasing: scratch[0..<length]), hash: hash)
                        guard word >= stopwordCount, word != Self.noWord else {
                            previous = Self.noWord
                            return
                        }
                        if state.words.increment(word) { lexicon.documentFrequency[Int(word)] += 1 }
                        if previous != Self.noWord {
                            let key = PairCounter.pairKey(previous, word)
                            if state.pairs.increment(key) { _ = pairFrequency.increment(key) }
                        }
                        previous = word
                    }
                }
            }
        }
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
        guard state.words.distinct > 0 else { return [] }
        let groupsWithTerms = counts.reduce(0) { $0 + ($1.words.distinct > 0 ? 1 : 0) }
        let minimumCount: UInt64 = state.tokens < 50 ? 1 : 2
        var idf = [Double](repeating: 0, count: groupsWithTerms + 1)
        for df in 1...groupsWithTerms { idf[df] = log(Double(groupsWithTerms) / Double(df)) }
        func score(count: UInt64, df: Int) -> Double? {
            if groupsWithTerms == 1 { return Double(count) }
            guard df < groupsWithTerms else { return nil }
            return Double(count) * idf[df]
        }

        var candidates: [Candidate] = []
        for slot in state.words.slots where slot != 0 {
            let count = slot & 0xFFFF_FFFF
            guard count >= minimumCount else { continue }
            let id = (slot >> 32) &- 1
            guard let score = score(count: count, df: Int(lexicon.documentFrequency[Int(id)])) else { continue }
            candidates.append(Candidate(score: score, count: Int(count), isBigram: false, key: id))
        }
        let pairSlots = state.pairs.slots
        for entry in stride(from: 0, to: pairSlots.count, by: 2) where pairSlots[entry] != 0 {
            let key = pairSlots[entry], count = pairSlots[entry + 1]
            guard count >= minimumCount else { continue }
            guard let score = score(count: count, df: Int(pairFrequency.value(of: key))) else { continue }
            candidates.append(Candidate(score: score, count: Int(count), isBigram: true, key: key))
        }

        var best: [Candidate] = []
        if candidates.count <= limit {
            for k in candidates.indices { candidates[k].bytes = termBytes(candidates[k]) }
            best = candidates.sorted(by: Self.precedes)
        } else {
            // Keep the best `limit` in order: most candidates lose to the last kept one on
            // score alone, before their text is even looked at.
            best.reserveCapacity(min(limit, 4096) + 1)
            for var candidate in candidates {
                if best.count == limit, let last = best.last {
                    let order = Self.compareNumbers(candidate, last)
                    if order > 0 { continue }
                    candidate.bytes = termBytes(candidate)
                    if order == 0, !candidate.bytes.lexicographicallyPrecedes(last.bytes) { continue }
                } else {
                    candidate.bytes = termBytes(candidate)
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
        return best.map { KeyTerm(term: String(decoding: $0.bytes, as: UTF8.self), count: $0.count, score: $0.score) }
    }

    /// The kept tokens of `text` in order, folded, stopwords included: what `add` counts.
    public static func tokens(in text: String) -> [String] {
        var text = text
        var result: [String] = []
        text.withUTF8 { input in
            guard !input.isEmpty else { return }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { scratch in
                foldTable.withUnsafeBufferPointer { fold in
                    scan(input, into: scratch, fold: fold, seed: 0) { length, _ in
                        guard length > 0 else { return }
                        result.append(String(decoding: UnsafeBufferPointer(rebasing: scratch[0..<length]), as: UTF8.self))
                    }
                }
            }
        }
        return result
    }
}

// MARK: - Ranking

extension KeyTermCorpus {
    private struct Candidate {
        var score: Double
        var count: Int
        var isBigram: Bool
        /// The word id, or the pair key.
        var key: UInt64
        /// The term's text, filled only for candidates that may be kept.
        var bytes: [UInt8] = []
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

    /// The ranking order; both candidates' `bytes` must be filled.
    private static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        let order = compareNumbers(a, b)
        return order == 0 ? a.bytes.lexicographicallyPrecedes(b.bytes) : order < 0
    }

    private func termBytes(_ candidate: Candidate) -> [UInt8] {
        guard candidate.isBigram else { return lexicon.bytes(of: UInt32(truncatingIfNeeded: candidate.key)) }
        let (first, second) = PairCounter.words(of: candidate.key)
        return lexicon.bytes(of: first) + [0x20] + lexicon.bytes(of: second)
    }
}

// MARK: - Tokenizer

extension KeyTermCorpus {
    /// "No word here": a dropped token or a stopword before the current word, or a full table.
    static var noWord: UInt32 { .max }
    static var maximumID: Int { 0x7FFF_FFFE }
    /// Seeds the word hash, per process, so crafted words cannot pile up in one slot of the
    /// tables (results never depend on it).
    static let hashSeed = UInt64.random(in: .min ... .max)
    /// Folding of U+00C0…U+017F (Latin-1 letters and Latin Extended-A), two bytes each:
    /// the first folded ASCII byte, then a second one or 0. 0 means "not a letter" (× and ÷).
    static let foldTable: [UInt16] = {
        let rows = [
            // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
            "a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th ss",
            // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
            "a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th y",
            // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
            "a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g",
            // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
            "g g g g h h h h i i i i i i i i i i ij ij j j k k k l l l l l l l",
            // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
            "l l l n n n n n n n n n o o o o o o oe oe r r r r r r s s s s s s",
            // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
            "s s t t t t t t u u u u u u u u u u u u w w y y y z z z z z z s",
        ]
        var table: [UInt16] = []
        for row in rows {
            for entry in row.split(separator: " ") {
                let bytes = Array(entry.utf8)
                if entry == "-" {
                    table.append(0)
                } else if bytes.count == 2 {
                    table.append(UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
                } else {
                    table.append(UInt16(bytes.first ?? 0))
                }
            }
        }
        return table
    }()

    /// Cuts `input` into tokens, folding each into `scratch[0..<length]`, and calls
    /// `emit(length, hash)` at the end of each token, with length 0 when the token is dropped
    /// (shorter than 3 characters or all digits) so the caller can break adjacency.
    ///
    /// One pass over the bytes; the per-byte work for ASCII is a compare and a store. Each
    /// token byte written comes from at least one input byte consumed since the token began, so
    /// `length` never exceeds `input.count`, the scratch capacity.
    @inline(__always)
    static func scan(_ input: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutableBufferPointer<UInt8>,
                     fold: UnsafeBufferPointer<UInt16>, seed: UInt64,
                     _ emit: (_ length: Int, _ hash: UInt64) -> Void) {
        let n = input.count
        var i = 0
        var length = 0
        // Bytes beyond the first of other scripts' letters: characters = length − extraBytes.
        var extraBytes = 0
        while i < n {
            let byte = input[i]
            if byte < 0x80 {
                let lower = byte | 0x20
                if lower &- 0x61 < 26 {
                    scratch[length] = lower
                    length &+= 1
                    i &+= 1
                    continue
                }
                if byte &- 0x30 < 10 {
                    scratch[length] = byte
                    length &+= 1
                    i &+= 1
                    continue
                }
                i &+= 1
            } else {
                let next: UInt8 = i + 1 < n ? input[i + 1] : 0
                let nextContinues = next & 0xC0 == 0x80
                switch byte {
                case 0xC3, 0xC4, 0xC5:
                    // U+00C0…U+017F: fold through the table.
                    guard nextContinues else {
                        i &+= 1
                        break
                    }
                    i &+= 2
                    let folded = fold[(Int(byte & 0x1F) << 6 | Int(next & 0x3F)) - 0xC0]
                    if folded == 0 { break } // × ÷
                    scratch[length] = UInt8(truncatingIfNeeded: folded)
                    length &+= 1
                    let second = UInt8(truncatingIfNeeded: folded >> 8)
                    if second != 0 {
                        scratch[length] = second
                        length &+= 1
                    }
                    continue
                case 0xC2:
                    // U+0080…U+00BF: controls, no-break space, ¡ ¿ « » º ª ° ·: separators.
                    // The soft hyphen (U+00AD) is invisible and does not cut a word.
                    guard nextContinues else {
                        i &+= 1
                        break
                    }
                    i &+= 2
                    if next == 0xAD { continue }
                case 0xCC where nextContinues, 0xCD where nextContinues && next < 0xB0:
                    // U+0300…U+036F combining accents (decomposed text): dropped, the word goes on.
                    i &+= 2
                    continue
                default:
                    let size = byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2)
                    guard byte >= 0xC2, byte < 0xF8, i + size <= n else {
                        i &+= 1
                        break
                    }
                    let separates: Bool
                    switch byte {
                    case 0xE2: separates = next < 0xB0 // U+2000…U+2BFF: punctuation, quotes, dashes, symbols, arrows
                    case 0xE3: separates = next == 0x80 // U+3000…U+303F: CJK punctuation
                    case 0xEF:
                        let third = input[i + 2]
                        separates = (next == 0xB8 && third < 0x90) // U+FE00…U+FE0F variation selectors
                            || (next == 0xBB && third == 0xBF) // U+FEFF byte order mark
                            || (next == 0xBF && third >= 0xB9) // U+FFF9…U+FFFF specials, replacement character
                    case 0xF0: separates = next == 0x9F // U+1F000…U+1FFFF: emoji and pictographs
                    default: separates = false
                    }
                    if separates {
                        i &+= size
                        break
                    }
                    // Another script's letter: kept as it is.
                    for k in i..<(i + size) {
                        scratch[length] = input[k]
                        length &+= 1
                    }
                    extraBytes &+= size - 1
                    i &+= size
                    continue
                }
            }
            // A separator: the token, if any, ends here.
            if length > 0 {
                emitToken(scratch, length: length, characters: length - extraBytes, seed: seed, emit)
                length = 0
                extraBytes = 0
            }
        }
        if length > 0 { emitToken(scratch, length: length, characters: length - extraBytes, seed: seed, emit) }
    }

    @inline(__always)
    private static func emitToken(_ scratch: UnsafeMutableBufferPointer<UInt8>, length: Int, characters: Int,
                                  seed: UInt64, _ emit: (_ length: Int, _ hash: UInt64) -> Void) {
        guard characters >= 3 else { return emit(0, 0) }
        // All digits? Nearly every token starts with a letter, so this usually stops at once.
        var k = 0
        while k < length, scratch[k] &- 0x30 < 10 { k &+= 1 }
        guard k < length else { return emit(0, 0) }
        emit(length, hash(scratch, length, seed: seed))
    }

    /// A 64-bit hash of `bytes[0..<length]`, eight bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ length: Int, seed: UInt64) -> UInt64 {
        var h = seed ^ UInt64(length)
        var p = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while p + 8 <= length {
                h = (h ^ raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 32
                p &+= 8
            }
        }
        if p < length {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while p < length {
                tail |= UInt64(bytes[p]) << shift
                shift &+= 8
                p &+= 1
            }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
        }
        return h
    }
}

// MARK: - Stopwords

extension KeyTermCorpus {
    /// Function words in Spanish (articles, prepositions, pronouns, conjunctions, common adverbs
    /// and quantifiers, forms of ser, estar, haber, tener, poder). Written with accents, folded
    /// like any text. Words under 3 letters are listed for completeness though never kept.
    /// Left out on purpose, though often on such lists: "estado" and "poder" (the State, power:
    /// real subjects in a public consultation).
    static let spanishStopwords = """
        el la lo los las un una uno unos unas al del
        yo tú él ella ello ellos ellas nosotros nosotras vosotros vosotras usted ustedes
        me te se nos os le les mi mis tu tus su sus mí ti sí conmigo contigo consigo
        mío mía míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas
        nuestro nuestra nuestros nuestras vuestro vuestra vuestros vuestras
        este esta estos estas ese esa esos esas aquel aquella aquellos aquellas esto eso aquello
        que qué quien quién quienes quiénes cual cuál cuales cuáles cuyo cuya cuyos cuyas
        cuanto cuánto cuanta cuánta cuantos cuántos cuantas cuántas
        donde dónde adonde cuando cuándo como cómo
        a ante bajo con contra de desde durante en entre hacia hasta mediante para por
        según sin sobre tras vía
        y e o u ni pero mas sino aunque porque pues si ya
        no muy más menos tan tanto tanta tantos tantas también tampoco siempre nunca jamás
        aquí allí ahí allá acá así bien solo sólo todavía aún aun luego entonces después antes
        ahora casi además incluso
        todo toda todos todas otro otra otros otras mismo misma mismos mismas cada demás
        algo alguien nada nadie algún alguno alguna algunos algunas ningún ninguno ninguna
        mucho mucha muchos muchas poco poca pocos pocas varios varias
        ser soy eres es somos sois son era eras éramos erais eran fui fuiste fue fuimos fueron
        sido siendo sea seas sean seamos será serán sería serían fuera fueran
        estar estoy estás está estamos estáis están estaba estabas estábamos estaban
        estuve estuvo estuvimos estuvieron estando esté estés estén estará estarán estaría
        haber he has ha hemos habéis han había habías habíamos habían hubo hubiera habido
        habiendo haya hayas hayan habrá habrán habría habrían hay
        tener tengo tienes tiene tenemos tenéis tienen tenía teníamos tenían tuvo tuvieron
        tenido teniendo tenga tengan tendrá tendría
        puedo puedes puede podemos pueden podía podían pudo podría podrían
        hacer hago hace hacen hizo hecho
        sr sra etc
        """

    /// Function words in English (articles, prepositions, pronouns, conjunctions, auxiliaries).
    static let englishStopwords = """
        a an the and or but nor so yet if then than because as until while of at by for with
        about against between into through during before after above below to from up down in
        out on off over under again further once here there when where why how all any both
        each few more most other some such no not only own same too very just also
        i me my myself we our ours ourselves you your yours yourself yourselves he him his
        himself she her hers herself it its itself they them their theirs themselves
        what which who whom whose this that these those
        am is are was were be been being have has had having do does did doing done
        can could will would shall should may might must ought
        isn aren wasn weren hasn haven hadn doesn don didn won wouldn shan shouldn can cannot
        couldn mustn let lets
        """

    /// Pieces of links and HTML entities that Markdown bodies carry ("https://www.ejemplo.com"
    /// is cut into https, www, ejemplo, com): noise, not subjects.
    static let webStopwords = "http https www com org net html htm php amp nbsp quot"

    /// The stopwords are interned first, so a word is a stopword exactly when its id is below
    /// `stopwordCount`.
    static let stopwordLexicon: Lexicon = {
        var lexicon = Lexicon()
        for text in [spanishStopwords, englishStopwords, webStopwords] {
            var text = text
            text.withUTF8 { input in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { scratch in
                    foldTable.withUnsafeBufferPointer { fold in
                        scan(input, into: scratch, fold: fold, seed: hashSeed) { length, hash in
                            guard length > 0 else { return }
                            _ = lexicon.intern(UnsafeBufferPointer(rebasing: scratch[0..<length]), hash: hash)
                        }
                    }
                }
            }
        }
        return lexicon
    }()

    static let stopwordCount = UInt32(stopwordLexicon.count)
}

// MARK: - Tables

extension KeyTermCorpus {
    /// Every distinct word, its bytes stored once; ids are dense from 0.
    struct Lexicon: Sendable {
        /// Open addressing, linear probing: (32-bit hash tag) << 32 | (id + 1); 0 is empty.
        private var slots = [UInt64](repeating: 0, count: 1024)
        private var mask = 1023
        private var arena: [UInt8] = []
        private var starts: [Int] = [0]
        private var hashes: [UInt64] = []
        /// Number of groups containing each word.
        var documentFrequency: [UInt32] = []

        var count: Int { hashes.count }

        func bytes(of id: UInt32) -> [UInt8] {
            let id = Int(id)
            guard id + 1 < starts.count else { return [] }
            return Array(arena[starts[id]..<starts[id + 1]])
        }

        @inline(__always)
        private static func mix(_ hash: UInt64) -> UInt64 {
            var h = hash ^ (hash >> 31)
            h = h &* 0x9E37_79B9_7F4A_7C15
            return h ^ (h >> 29)
        }

        /// The id of `word`, added if new; `noWord` when the table is full.
        @inline(__always)
        mutating func intern(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> UInt32 {
            let mixed = Self.mix(hash)
            let tag = mixed << 32
            var index = Int(truncatingIfNeeded: mixed >> 32) & mask
            let found: UInt32? = slots.withUnsafeBufferPointer { slots in
                arena.withUnsafeBufferPointer { arena in
                    starts.withUnsafeBufferPointer { starts in
                        while true {
                            let slot = slots[index]
                            if slot == 0 { return nil }
                            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                                let id = Int(slot & 0xFFFF_FFFF) - 1
                                let start = starts[id], end = starts[id + 1]
                                if end - start == word.count,
                                   let stored = arena.baseAddress, let probe = word.baseAddress,
                                   memcmp(stored + start, probe, word.count) == 0 {
                                    return UInt32(id)
                                }
                            }
                            index = (index + 1) & mask
                        }
                    }
                }
            }
            if let found { return found }
            guard count < KeyTermCorpus.maximumID else { return KeyTermCorpus.noWord }
            let id = count
            arena.append(contentsOf: word)
            starts.append(arena.count)
            hashes.append(mixed)
            documentFrequency.append(0)
            slots[index] = tag | UInt64(id + 1)
            if count * 4 > slots.count * 3 { grow() }
            return UInt32(id)
        }

        private mutating func grow() {
            let capacity = slots.count * 2
            var newSlots = [UInt64](repeating: 0, count: capacity)
            let newMask = capacity - 1
            for (id, mixed) in hashes.enumerated() {
                var index = Int(truncatingIfNeeded: mixed >> 32) & newMask
                while newSlots[index] != 0 { index = (index + 1) & newMask }
                newSlots[index] = mixed << 32 | UInt64(id + 1)
            }
            slots = newSlots
            mask = newMask
        }
    }

    /// Occurrences of each word in one group: open addressing, linear probing, one 64-bit
    /// slot per word: (id + 1) << 32 | count. 0 is empty.
    struct WordCounter: Sendable {
        private(set) var slots: [UInt64] = []
        private var shift: UInt64 = 64
        /// Distinct words.
        private(set) var distinct = 0

        /// Adds one occurrence; true when the word is new here.
        @inline(__always)
        mutating func increment(_ id: UInt32) -> Bool {
            if slots.isEmpty {
                slots = [UInt64](repeating: 0, count: 64)
                shift = 64 - 6
            }
            let key = UInt64(id) &+ 1
            let tagged = key << 32
            let shift = self.shift
            let inserted = slots.withUnsafeMutableBufferPointer { slots in
                let mask = slots.count - 1
                var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while true {
                    let slot = slots[index]
                    if slot & 0xFFFF_FFFF_0000_0000 == tagged {
                        slots[index] = slot &+ 1
                        return false
                    }
                    if slot == 0 {
                        slots[index] = tagged | 1
                        return true
                    }
                    index = (index + 1) & mask
                }
            }
            if inserted {
                distinct += 1
                if distinct * 4 > slots.count * 3 { grow() }
            }
            return inserted
        }

        private mutating func grow() {
            let capacity = slots.count * 2
            shift -= 1
            var newSlots = [UInt64](repeating: 0, count: capacity)
            let mask = capacity - 1
            for slot in slots where slot != 0 {
                var index = Int(truncatingIfNeeded: ((slot >> 32) &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while newSlots[index] != 0 { index = (index + 1) & mask }
                newSlots[index] = slot
            }
            slots = newSlots
        }
    }

    /// A counter per word pair, keyed by `pairKey` (never 0): open addressing, linear probing,
    /// two 64-bit words a slot (key, count), so a lookup touches one cache line. Used per group
    /// for occurrences, and once for the whole corpus for document frequencies.
    struct PairCounter: Sendable {
        private(set) var slots: [UInt64] = []
        private var shift: UInt64 = 64
        private(set) var distinct = 0

        /// (first + 1) << 32 | second.
        @inline(__always)
        static func pairKey(_ first: UInt32, _ second: UInt32) -> UInt64 {
            (UInt64(first) &+ 1) << 32 | UInt64(second)
        }

        static func words(of key: UInt64) -> (first: UInt32, second: UInt32) {
            (UInt32(truncatingIfNeeded: key >> 32) &- 1, UInt32(truncatingIfNeeded: key))
        }

        /// Adds one; true when the key is new here.
        @inline(__always)
        mutating func increment(_ key: UInt64) -> Bool {
            if slots.isEmpty {
                slots = [UInt64](repeating: 0, count: 2 * 64)
                shift = 64 - 6
            }
            let shift = self.shift
            let inserted = slots.withUnsafeMutableBufferPointer { slots in
                let mask = slots.count / 2 - 1
                var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while true {
                    let stored = slots[2 * index]
                    if stored == key {
                        slots[2 * index + 1] &+= 1
                        return false
                    }
                    if stored == 0 {
                        slots[2 * index] = key
                        slots[2 * index + 1] = 1
                        return true
                    }
                    index = (index + 1) & mask
                }
            }
            if inserted {
                distinct += 1
                if distinct * 4 > slots.count / 2 * 3 { grow() }
            }
            return inserted
        }

        /// The count of `key`, 0 when absent.
        func value(of key: UInt64) -> UInt64 {
            guard !slots.isEmpty else { return 0 }
            let mask = slots.count / 2 - 1
            var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let stored = slots[2 * index]
                if stored == key { return slots[2 * index + 1] }
                if stored == 0 { return 0 }
                index = (index + 1) & mask
            }
        }

        private mutating func grow() {
            let capacity = slots.count // entries double: a slot is two words
            shift -= 1
            var newSlots = [UInt64](repeating: 0, count: 2 * capacity)
            let mask = capacity - 1
            var old = 0
            while old < slots.count {
                let key = slots[old]
                if key != 0 {
                    var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                    while newSlots[2 * index] != 0 { index = (index + 1) & mask }
                    newSlots[2 * index] = key
                    newSlots[2 * index + 1] = slots[old + 1]
                }
                old += 2
            }
            slots = newSlots
        }
    }

    /// Everything counted for one group.
    struct GroupCounts: Sendable {
        var words = WordCounter()
        var pairs = PairCounter()
        /// Kept tokens, stopwords included.
        var tokens = 0
    }
}
