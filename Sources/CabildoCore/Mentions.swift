import Foundation

/// `@name` in posts. `Markdown` finds the names in a post's text (never in code or inside a
/// link) and links those that are accounts; the store reads the links back from the rendered
/// post to tell whom to notify, so a post is notified exactly as it is shown.
public enum Mentions {
    /// Names looked up per post: the first ten different ones; later ones stay text.
    public static let limit = 10

    /// Every `@name` in plain text, with where it is. The `@` starts the text or follows a
    /// character that cannot end a name, an address or a path (so `ana@ejemplo.org` and
    /// `/@ana` are not mentions); the name is what `Rules.validateUsername` allows, 3 to 30 long.
    static func find(in text: String) -> [(range: Range<String.Index>, name: Substring)] {
        let scalars = text.unicodeScalars
        var found: [(Range<String.Index>, Substring)] = []
        var index = scalars.startIndex
        var previous: Unicode.Scalar?
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard scalar == "@", previous.map(endsWord) != true else {
                previous = scalar
                index = scalars.index(after: index)
                continue
            }
            let start = scalars.index(after: index)
            var end = start
            var length = 0
            while end < scalars.endIndex, isNameScalar(scalars[end]) {
                end = scalars.index(after: end)
                length += 1
            }
            if Rules.usernameLength.contains(length) { found.append((index..<end, text[start..<end])) }
            previous = end > start ? scalars[scalars.index(before: end)] : scalar
            index = end
        }
        return found
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    private static func endsWord(_ scalar: Unicode.Scalar) -> Bool {
        isNameScalar(scalar) || "@./+".unicodeScalars.contains(scalar)
    }

    /// The opening tag of a mention's link. Members cannot write a `class` attribute (safe
    /// mode drops raw HTML), so a link with this one was made here.
    static func opening(href: String) -> String {
        let escaped = href.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
        return openingPrefix + escaped + "\">"
    }

    private static let openingPrefix = "<a class=\"mention\" href=\""

    /// The usernames a rendered post mentions, in order, each once: the last segment of each
    /// mention link's address, percent-decoded.
    public static func linkedUsernames(inHTML html: String) -> [String] {
        var names: [String] = []
        var rest = Substring(html)
        while let start = rest.range(of: openingPrefix) {
            rest = rest[start.upperBound...]
            guard let quote = rest.firstIndex(of: "\"") else { break }
            let href = rest[..<quote]
            let segment = href.split(separator: "/").last.map(String.init) ?? ""
            if let name = segment.removingPercentEncoding, !name.isEmpty, !names.contains(name) { names.append(name) }
            rest = rest[quote...]
        }
        return names
    }
}
