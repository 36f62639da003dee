import CabildoCore
import Foundation
import Testing
@testable import CabildoCLI

/// `KeyTermCorpus` on large generated corpora, against a plain reference implementation. Here
/// rather than with the other key-term tests because the corpora are drawn with the seeder's
/// `SplitMix64`, which lives with the seeder: the same seed gives the same corpus every run.
@Suite struct KeyTermsReferenceTests {
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
