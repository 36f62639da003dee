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
}
