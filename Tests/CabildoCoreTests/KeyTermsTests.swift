import CabildoCore
import Foundation
import Testing

@Suite struct KeyTermsTests {
    // MARK: Folding and tokens

    @Test func foldsAccentsAndCaseAndDropsShortTokens() {
        // "de" has 2 letters (and is a stopword): not kept. "¡", "," and "!" only separate.
        #expect(KeyTermCorpus.tokens(in: "Protección  de DATOS, ¡Niñez!") == ["proteccion", "datos", "ninez"])

        // One group, 3 tokens (< 50, so 1 occurrence is enough), N = 1 so score = tf = 1 for all.
        // Bigrams: "proteccion datos" is NOT one ("de" stands between them, though dropped);
        // "datos ninez" is one (only ", ¡" between). All tie at score 1 and count 1: the bigram
        // first, then alphabetical.
        var corpus = KeyTermCorpus()
        corpus.add("Protección  de DATOS, ¡Niñez!", group: 1)
        #expect(corpus.topTerms(group: 1) == [
            KeyTerm(term: "datos ninez", count: 1, score: 1),
            KeyTerm(term: "datos", count: 1, score: 1),
            KeyTerm(term: "ninez", count: 1, score: 1),
            KeyTerm(term: "proteccion", count: 1, score: 1),
        ])
    }

    @Test func foldsLatinLettersOfBothCases() {
        #expect(KeyTermCorpus.tokens(in: "Pingüino CAFÉ Ñandú garçon Élève naïve Straße Œuvre Łódź")
            == ["pinguino", "cafe", "nandu", "garcon", "eleve", "naive", "strasse", "oeuvre", "lodz"])
        #expect(KeyTermCorpus.tokens(in: "ÀÂÄÇÈÊËÌÎÏÒÔÖÙÛ àâäçèêëìîïòôöùû ÁÉÍÓÚÜÑ")
            == ["aaaceeeiiiooouu", "aaaceeeiiiooouu", "aeiouun"])
        // × and ÷ are not letters.
        #expect(KeyTermCorpus.tokens(in: "abc×def÷ghi") == ["abc", "def", "ghi"])
    }

    @Test func separatorsDigitsAndOtherScripts() {
        // Decomposed accents (e + U+0301) and soft hyphens stay inside the word.
        #expect(KeyTermCorpus.tokens(in: "Proteccio\u{301}n infor\u{AD}mación") == ["proteccion", "informacion"])
        // No-break space, curly quotes, dashes, emoji, Markdown and URL punctuation separate.
        #expect(KeyTermCorpus.tokens(in: "agua\u{A0}potable “agua”—potable agua💧potable")
            == ["agua", "potable", "agua", "potable", "agua", "potable"])
        #expect(KeyTermCorpus.tokens(in: "**Agua** _potable_ `código` https://consulta.gt/ley-agua?id=42#art")
            == ["agua", "potable", "codigo", "https", "consulta", "ley", "agua", "art"])
        // All-digit tokens go, mixed ones stay; "1º" is "1" then a separator.
        #expect(KeyTermCorpus.tokens(in: "covid19 2024 123abc 1º 12") == ["covid19", "123abc"])
        // Other scripts pass through unchanged (3 Cyrillic letters are 3 characters).
        #expect(KeyTermCorpus.tokens(in: "Москва дом, ab") == ["Москва", "дом"])
        #expect(KeyTermCorpus.tokens(in: "") == [])
    }

    /// The fold table agrees with Foundation wherever Foundation folds a letter to one ASCII letter.
    @Test func foldTableMatchesFoundation() {
        var checked = 0
        for code in 0xC0...0x17F {
            guard let scalar = Unicode.Scalar(code) else { continue }
            let letter = String(Character(scalar))
            let folded = letter.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            guard folded.unicodeScalars.count == 1, let only = folded.unicodeScalars.first,
                  only.isASCII, only.properties.isAlphabetic else { continue }
            #expect(KeyTermCorpus.tokens(in: "ab\(letter)c") == ["ab\(folded)c"], "U+\(String(code, radix: 16))")
            checked += 1
        }
        // Of the 192 code points, the ones Foundation folds to a plain letter (not Æ, Ø, ß, Ł, ×…).
        #expect(checked > 150, "only \(checked) letters compared")
    }

    // MARK: Stopwords and bigrams

    @Test func stopwordsAreNotTerms() {
        var corpus = KeyTermCorpus()
        corpus.add("Es que la participación de los vecinos está en el centro, y hay que ser claros: "
            + "the people are here and they have a voice", group: 1)
        // Kept tokens: que participacion los vecinos esta centro hay que ser claros the people are
        // here and they have voice; stopwords: que los esta hay ser the are here and they have.
        // No two content words are adjacent, so no bigrams. N = 1: score = count = 1.
        #expect(corpus.topTerms(group: 1).map(\.term) == ["centro", "claros", "participacion", "people", "vecinos", "voice"])

        corpus.add("Es son está ser hay the and is are have", group: 2)
        #expect(corpus.topTerms(group: 2) == [])
        #expect(corpus.groups == [1, 2])

        // Links are cut into tokens, and their web pieces are stopwords too.
        var links = KeyTermCorpus()
        links.add("Vean https://www.muni.gob.gt/consulta.html y http://agua.org", group: 4)
        // Tokens: vean https www muni gob gt(short, dropped) consulta html | y | http agua org.
        // Terms: vean muni gob consulta agua. Only bigram: "muni gob" (https, www, html, http,
        // org are stopwords; "gt" stands between gob and consulta). N = 1, all count 1: the
        // bigram first, then alphabetical.
        #expect(links.topTerms(group: 4).map(\.term) == ["muni gob", "agua", "consulta", "gob", "muni", "vean"])

        // "estado" and "poder" are kept on purpose: the State and power are subjects here.
        var subjects = KeyTermCorpus()
        subjects.add("El Estado y el poder local", group: 3)
        #expect(Set(subjects.topTerms(group: 3).map(\.term)) == ["estado", "poder", "local", "poder local"])
    }

    @Test func bigramsNeedAdjacentTokens() {
        var corpus = KeyTermCorpus()
        corpus.add("agua potable", group: 1) // bigram
        corpus.add("agua, potable.", group: 1) // bigram: punctuation only separates
        corpus.add("agua de potable", group: 1) // no: "de" (short) stands between
        corpus.add("agua 5 potable", group: 1) // no: "5" (short) stands between
        corpus.add("agua 2024 potable", group: 1) // no: "2024" (all digits) stands between
        corpus.add("agua para potable", group: 1) // no: "para" is a stopword
        corpus.add("agua", group: 1)
        corpus.add("potable", group: 1) // no: posts are not adjacent to each other
        // agua 7, potable 7, "agua potable" 2; 15 tokens (< 50). N = 1: score = count.
        #expect(corpus.topTerms(group: 1) == [
            KeyTerm(term: "agua", count: 7, score: 7),
            KeyTerm(term: "potable", count: 7, score: 7),
            KeyTerm(term: "agua potable", count: 2, score: 2),
        ])

        var chain = KeyTermCorpus()
        chain.add("Red de agua potable segura", group: 1)
        // red | de | agua potable segura: "agua potable" and "potable segura", not "red agua".
        #expect(Set(chain.topTerms(group: 1).map(\.term))
            == ["red", "agua", "potable", "segura", "agua potable", "potable segura"])
    }

    // MARK: Scoring

    @Test func twoBoardsContrast() {
        var corpus = KeyTermCorpus()
        corpus.add("Parques públicos. Parques públicos y árboles; el tráfico del barrio.", group: 10)
        corpus.add("El tráfico en el barrio: más buses,", group: 20)
        corpus.add("más buses nocturnos.", group: 20)
        // Board 10 kept tokens (8, < 50 so 1 occurrence is enough):
        //   parques publicos parques publicos | y | arboles | el | trafico del barrio
        //   words: parques 2, publicos 2, arboles 1, trafico 1, barrio 1 ("del" is a stopword)
        //   bigrams: "parques publicos" 2, "publicos parques" 1 (the "." only separates);
        //   "publicos arboles" no ("y" between), "arboles trafico" no ("el"), "trafico del" no (stopword).
        // Board 20 kept tokens (7): trafico | en el | barrio mas buses ‖ mas buses nocturnos
        //   words: trafico 1, barrio 1, buses 2, nocturnos 1 ("mas" is a stopword)
        //   bigrams: "buses nocturnos" 1.
        // N = 2. "trafico" and "barrio" are in both boards: df = 2, ln(2/2) = 0, they vanish.
        // Everything else has df = 1: score = tf × ln 2 (ln 2 ≈ 0.693147).
        let ln2 = log(2.0)
        #expect(corpus.topTerms(group: 10) == [
            KeyTerm(term: "parques publicos", count: 2, score: 2 * ln2), // 1.386294, bigram before words
            KeyTerm(term: "parques", count: 2, score: 2 * ln2),
            KeyTerm(term: "publicos", count: 2, score: 2 * ln2),
            KeyTerm(term: "publicos parques", count: 1, score: ln2), // 0.693147
            KeyTerm(term: "arboles", count: 1, score: ln2),
        ])
        #expect(corpus.topTerms(group: 20) == [
            KeyTerm(term: "buses", count: 2, score: 2 * ln2),
            KeyTerm(term: "buses nocturnos", count: 1, score: ln2),
            KeyTerm(term: "nocturnos", count: 1, score: ln2),
        ])
        #expect(corpus.topTerms(group: 10, limit: 2).map(\.term) == ["parques publicos", "parques"])
        #expect(corpus.topTerms(group: 10, limit: 0) == [])
        #expect(corpus.topTerms(group: 99) == [])
        #expect(corpus.groups == [10, 20])
    }

    @Test func tiesAreOrderedByCountThenBigramThenAlphabet() {
        var corpus = KeyTermCorpus()
        corpus.add("zeta y gamma y beta y gamma y alfa y delta epsilon y Ábaco", group: 1)
        corpus.add("gamma", group: 2)
        corpus.add("omega", group: 3)
        corpus.add("sigma", group: 4)
        // N = 4. Group 1: gamma 2 (df 2), every other term 1 (df 1); "delta epsilon" is the only
        // bigram ("y" breaks the others).
        //   gamma: 2 × ln(4/2) = 2 ln 2 ≈ 1.386294; the rest: 1 × ln(4/1) = ln 4 ≈ 1.386294.
        // Equal scores: gamma first (count 2), then the bigram, then words alphabetically
        // ("Ábaco" folds to "abaco", before "alfa").
        let ln4 = log(4.0)
        #expect(corpus.topTerms(group: 1) == [
            KeyTerm(term: "gamma", count: 2, score: 2 * log(2.0)),
            KeyTerm(term: "delta epsilon", count: 1, score: ln4),
            KeyTerm(term: "abaco", count: 1, score: ln4),
            KeyTerm(term: "alfa", count: 1, score: ln4),
            KeyTerm(term: "beta", count: 1, score: ln4),
            KeyTerm(term: "delta", count: 1, score: ln4),
            KeyTerm(term: "epsilon", count: 1, score: ln4),
            KeyTerm(term: "zeta", count: 1, score: ln4),
        ])
        // The same order when only the first few are kept.
        #expect(corpus.topTerms(group: 1, limit: 3).map(\.term) == ["gamma", "delta epsilon", "abaco"])
    }

    @Test func minimumCountDependsOnGroupSize() {
        let fillers = (100..<147).map { "t\($0)" } // 47 distinct words like "t100"
        // 3 + 47 = 50 tokens: a term needs 2 occurrences. Only "puerta" (2) is listed.
        // ("y" is short, so no bigrams.) N = 1: score = count.
        var big = KeyTermCorpus()
        big.add((["puerta", "puerta", "ventana"] + fillers).joined(separator: " y "), group: 1)
        #expect(big.topTerms(group: 1, limit: 100) == [KeyTerm(term: "puerta", count: 2, score: 2)])

        // 3 + 46 = 49 tokens: 1 occurrence is enough: puerta, then 47 terms of count 1
        // alphabetically (t100 … t145, then ventana).
        var small = KeyTermCorpus()
        small.add((["puerta", "puerta", "ventana"] + fillers.dropLast()).joined(separator: " y "), group: 1)
        let terms = small.topTerms(group: 1, limit: 100)
        #expect(terms.count == 48)
        #expect(terms.first == KeyTerm(term: "puerta", count: 2, score: 2))
        #expect(terms.dropFirst().first?.term == "t100")
        #expect(terms.last == KeyTerm(term: "ventana", count: 1, score: 1))

        // Stopwords count as tokens: 3 words + 47 × "que" = 50 tokens, so 2 occurrences needed.
        var chatty = KeyTermCorpus()
        chatty.add("puerta y puerta y ventana " + Array(repeating: "que", count: 47).joined(separator: " "), group: 1)
        #expect(chatty.topTerms(group: 1).map(\.term) == ["puerta"])
    }

    @Test func singleGroupScoresByCount() {
        var corpus = KeyTermCorpus()
        corpus.add("Agua potable, agua potable y drenaje.", group: 7)
        // Tokens: agua potable agua potable | y | drenaje (5 tokens, < 50).
        // Words: agua 2, potable 2, drenaje 1. Bigrams: "agua potable" 2, "potable agua" 1.
        // Only one group: score = tf, and nothing vanishes although every term is "in every group".
        let expected = [
            KeyTerm(term: "agua potable", count: 2, score: 2),
            KeyTerm(term: "agua", count: 2, score: 2),
            KeyTerm(term: "potable", count: 2, score: 2),
            KeyTerm(term: "potable agua", count: 1, score: 1),
            KeyTerm(term: "drenaje", count: 1, score: 1),
        ]
        #expect(corpus.topTerms(group: 7) == expected)
        // A second group with stopwords only has no terms: N is still 1.
        corpus.add("the and que para", group: 8)
        #expect(corpus.topTerms(group: 7) == expected)
        #expect(corpus.topTerms(group: 8) == [])
        #expect(corpus.groups == [7, 8])
    }

    @Test func emptyCorpus() {
        var corpus = KeyTermCorpus()
        #expect(corpus.groups == [])
        #expect(corpus.topTerms(group: 1) == [])
        corpus.add("", group: 5)
        corpus.add("¡¿...?!", group: 5)
        #expect(corpus.groups == [5])
        #expect(corpus.topTerms(group: 5) == [])
    }

    // MARK: A larger corpus against a plain reference implementation

    @Test func twentyThousandPostsMatchReference() {
        let groupIDs: [Int64] = [-3, 1, 2, 40, 500]
        let common = ["participación", "comunidad", "propuesta", "municipio", "vecinos", "Información", "proyecto", "mejorar"]
        let shared = ["educación", "salud", "seguridad", "ÁRBOLES"] // each in 2–3 groups
        let own: [[String]] = [
            ["agua", "potable", "drenaje", "tubería", "cloración"],
            ["escuela", "maestros", "útiles", "becas", "niñez"],
            ["clínica", "médicos", "vacunas", "ambulancia", "pingüino"],
            ["policía", "iluminación", "patrullaje", "cámaras", "vigilancia"],
            ["mercado", "comercio", "ventas", "artesanías", "café"],
        ]
        let stop = ["de", "la", "que", "el", "los", "para", "con", "una", "por", "más", "es", "son", "está", "hay", "the", "and"]
        let noise = ["2024", "12", "y", "a", "5", "xx"]
        let separators = [" ", " ", " ", ", ", ". ", " ¡", "! ", " (", ") ", " «", "» ", " **", "** ", "\n"]

        var rng = SplitMix64(seed: 20_000)
        var posts: [(text: String, group: Int64)] = []
        for _ in 0..<20_000 {
            let g = Int(rng.next() % UInt64(groupIDs.count))
            var text = ""
            for w in 0..<(8 + Int(rng.next() % 12)) {
                let roll = rng.next() % 100
                var word: String
                switch roll {
                case 0..<35: word = common[Int(rng.next() % UInt64(common.count))]
                case 35..<45:
                    let s = Int(rng.next() % UInt64(shared.count))
                    // shared word s is used by groups g with (g + s) % 5 < 3 (3 of 5 groups)
                    word = (g + s) % 5 < 3 ? shared[s] : own[g][s % own[g].count]
                case 45..<70: word = own[g][Int(rng.next() % UInt64(own[g].count))]
                case 70..<92: word = stop[Int(rng.next() % UInt64(stop.count))]
                default: word = noise[Int(rng.next() % UInt64(noise.count))]
                }
                switch rng.next() % 10 {
                case 0: word = word.uppercased()
                case 1: word = word.prefix(1).uppercased() + word.dropFirst()
                default: break
                }
                if w > 0 { text += separators[Int(rng.next() % UInt64(separators.count))] }
                text += word
            }
            posts.append((text, groupIDs[g]))
        }

        var corpus = KeyTermCorpus()
        for post in posts { corpus.add(post.text, group: post.group) }
        let reference = KeyTermsReference(posts: posts, stopwords: Set(stop.map(KeyTermsReference.fold)))

        #expect(corpus.groups == groupIDs)
        let commonFolded = Set(common.map(KeyTermsReference.fold))
        for group in groupIDs {
            let top = corpus.topTerms(group: group)
            #expect(top.count == 15)
            #expect(top == reference.top(group: group, limit: 15))
            #expect(corpus.topTerms(group: group, limit: 10_000) == reference.top(group: group, limit: 10_000))
            // Words used everywhere never show; every term is seen at least twice (big groups);
            // scores never increase down the list.
            #expect(top.allSatisfy { !commonFolded.contains($0.term) })
            #expect(top.allSatisfy { $0.count >= 2 })
            #expect(zip(top, top.dropFirst()).allSatisfy { $0.score >= $1.score * (1 - 1e-12) })
        }
        // Each group's own words lead its list.
        let first = Set(corpus.topTerms(group: -3, limit: 5).map(\.term))
        #expect(first.isSubset(of: ["agua", "potable", "drenaje", "tuberia", "cloracion"]))
    }

    /// Tens of thousands of distinct words (every table grows many times), three groups.
    @Test func manyDistinctWordsMatchReference() {
        let letters = Array("abcdefghijklmnñopqrstuvwxyzáéíóú")
        var rng = SplitMix64(seed: 7)
        var vocabulary: [String] = []
        while vocabulary.count < 20_000 {
            var word = ""
            for _ in 0..<(3 + Int(rng.next() % 5)) { word.append(letters[Int(rng.next() % UInt64(letters.count))]) }
            // Leave out the rare chance hit on a stopword ("que", "the"…): a one-word post shows it.
            var probe = KeyTermCorpus()
            probe.add(word, group: 0)
            if !probe.topTerms(group: 0).isEmpty { vocabulary.append(word) }
        }
        var posts: [(text: String, group: Int64)] = []
        for p in 0..<9_000 {
            // Squaring a uniform draw favours the first words, so many repeat and many do not.
            let words = (0..<10).map { _ -> String in
                let u = Double(rng.next() % 1_000_000) / 1_000_000
                return vocabulary[Int(u * u * Double(vocabulary.count))]
            }
            posts.append((words.joined(separator: p % 3 == 0 ? ", " : " "), Int64(p % 3)))
        }
        var corpus = KeyTermCorpus()
        for post in posts { corpus.add(post.text, group: post.group) }
        let reference = KeyTermsReference(posts: posts, stopwords: [])
        for group: Int64 in 0..<3 {
            let all = corpus.topTerms(group: group, limit: 1_000_000)
            #expect(all.count > 1_000)
            #expect(all == reference.top(group: group, limit: 1_000_000))
        }
    }
}

/// The specification written plainly with Foundation and dictionaries of Strings.
struct KeyTermsReference {
    var counts: [Int64: [String: Int]] = [:]
    var tokens: [Int64: Int] = [:]

    static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
    }

    init(posts: [(text: String, group: Int64)], stopwords: Set<String>) {
        var folded: [String: String] = [:] // Foundation's folding is slow: once per distinct run
        for post in posts {
            var table = counts.removeValue(forKey: post.group) ?? [:] // moved out, not copied
            // Tokens are runs of letters and digits (split first, then folded: the same for
            // Latin letters, which folding keeps letters).
            var runs: [String] = []
            var current = ""
            for scalar in (post.text + " ").unicodeScalars {
                if scalar.properties.isAlphabetic || scalar.properties.generalCategory == .decimalNumber {
                    current.unicodeScalars.append(scalar)
                } else if !current.isEmpty {
                    if folded[current] == nil { folded[current] = Self.fold(current) }
                    runs.append(folded[current] ?? current)
                    current = ""
                }
            }
            var previous: String?
            for run in runs {
                guard run.count >= 3, !run.allSatisfy(\.isNumber) else {
                    previous = nil
                    continue
                }
                tokens[post.group, default: 0] += 1
                guard !stopwords.contains(run) else {
                    previous = nil
                    continue
                }
                table[run, default: 0] += 1
                if let previous {
                    table[previous + " " + run, default: 0] += 1
                }
                previous = run
            }
            counts[post.group] = table
        }
    }

    func top(group: Int64, limit: Int) -> [KeyTerm] {
        guard let table = counts[group] else { return [] }
        let withTerms = counts.values.filter { !$0.isEmpty }.count
        let minimum = (tokens[group] ?? 0) < 50 ? 1 : 2
        var result: [KeyTerm] = []
        for (term, count) in table where count >= minimum {
            let df = counts.values.filter { $0[term] != nil }.count
            if withTerms > 1 && df == withTerms { continue }
            let score = withTerms == 1 ? Double(count) : Double(count) * log(Double(withTerms) / Double(df))
            result.append(KeyTerm(term: term, count: count, score: score))
        }
        result.sort { a, b in
            let tolerance = 1e-12 * max(a.score, b.score)
            if abs(a.score - b.score) > tolerance { return a.score > b.score }
            if a.count != b.count { return a.count > b.count }
            let aBigram = a.term.utf8.contains(0x20), bBigram = b.term.utf8.contains(0x20)
            if aBigram != bBigram { return aBigram }
            return a.term.utf8.lexicographicallyPrecedes(b.term.utf8)
        }
        return Array(result.prefix(limit))
    }
}
