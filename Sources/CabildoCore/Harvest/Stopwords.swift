/// The words that are never key terms: the lists in `Stopwords/`, folded like any text.
///
/// The lists are compiled into the binary (SwiftPM's `embedInCode`), not read through
/// `Bundle.module`: a resource bundle sits next to the build, and the binary alone, as the
/// Dockerfile installs it, would stop at the first harvest when the bundle is not there.
enum Stopwords {
    /// Every stopword's number, 0 up; the corpus gives other words the numbers after these.
    static let numbers: [String: UInt32] = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, UInt32($0)) })

    /// The distinct folded stopwords, in the lists' order.
    static let words: [String] = {
        var seen = Set<String>()
        var words: [String] = []
        for list in [PackageResources.stopwords_es_txt, PackageResources.stopwords_en_txt, PackageResources.stopwords_web_txt] {
            for line in String(decoding: list, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                for word in KeyTermCorpus.tokens(in: String(line)) where seen.insert(word).inserted { words.append(word) }
            }
        }
        return words
    }()

    static let count = UInt32(words.count)
}
