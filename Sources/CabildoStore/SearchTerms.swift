/// The words of a search box, as both stores use them: at most `maxTerms` distinct words, each
/// matched as a whole (never as query syntax: quotes and `*` are dropped from it), and a prefix
/// search only for a word typed with a trailing `*` and at least `minPrefixLength` characters,
/// since a one-letter prefix matches nearly everything.
struct SearchTerm: Hashable, Sendable {
    var text: String
    var prefix: Bool

    static func of(_ query: String, _ limits: SearchLimits) -> [SearchTerm] {
        var terms: [SearchTerm] = []
        for word in query.split(whereSeparator: { $0.isWhitespace }) where terms.count < limits.maxTerms {
            let bare = word.filter { $0 != "\"" && $0 != "*" && !$0.isNewline }
            guard !bare.isEmpty else { continue }
            let term = SearchTerm(text: bare, prefix: word.hasSuffix("*") && bare.count >= limits.minPrefixLength)
            if !terms.contains(term) { terms.append(term) }
        }
        return terms
    }
}
