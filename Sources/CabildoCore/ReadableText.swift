/// The text a reader sees in rendered post HTML, for matching watched words against what is
/// actually shown rather than against the Markdown typed: `es**ta**fa` renders as "estafa",
/// and `es` + U+200B + `tafa` displays as "estafa" too.
public enum ReadableText {
    /// Inline elements join the text around them; every other tag separates words.
    private static let inlineTags: Set<String> = ["a", "strong", "em", "b", "i", "del", "s", "code", "span", "mark", "sub", "sup"]

    public static func of(html: String) -> String {
        var text = ""
        text.reserveCapacity(html.utf8.count)
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            text += decodeEntities(rest[..<open])
            guard let close = rest[open...].firstIndex(of: ">") else { rest = rest[rest.endIndex...]; break }
            let name = rest[rest.index(after: open)..<close].drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            if !inlineTags.contains(name) { text += " " }
            rest = rest[rest.index(after: close)...]
        }
        text += decodeEntities(rest)
        return withoutFormatCharacters(text)
    }

    /// The text of `html` on one line, cut at a word boundary to at most `limit` characters, an
    /// ellipsis included: what a link preview (Open Graph) shows of a post.
    public static func excerpt(html: String, limit: Int) -> String {
        var excerpt = ""
        var length = 0
        for word in of(html: html).split(whereSeparator: \.isWhitespace) {
            let grown = length == 0 ? word.count : length + 1 + word.count
            guard grown <= limit - 1 else {
                // A first word longer than the limit is itself cut: there is no boundary before it.
                return (length == 0 ? String(word.prefix(limit - 1)) : excerpt) + "…"
            }
            if length > 0 { excerpt += " " }
            excerpt += word
            length = grown
        }
        return excerpt
    }

    /// Drops invisible format characters (general category Cf: zero-width space and joiners,
    /// soft hyphen, bidi controls), which change nothing on screen.
    public static func withoutFormatCharacters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar.properties.generalCategory != .format {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    private static let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]

    /// The entities cmark writes (`&amp;` `&lt;` `&gt;` `&quot;`) and numeric ones.
    private static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var output = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let afterAmp = rest.index(after: amp)
            guard let semicolon = rest[afterAmp...].prefix(10).firstIndex(of: ";") else {
                output += "&"
                rest = rest[afterAmp...]
                continue
            }
            let entity = rest[afterAmp..<semicolon]
            if let value = named[entity] {
                output += value
            } else if entity.hasPrefix("#"), let scalar = numericScalar(entity.dropFirst()) {
                output.unicodeScalars.append(scalar)
            } else {
                output += rest[amp...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        output += rest
        return output
    }

    private static func numericScalar(_ digits: Substring) -> Unicode.Scalar? {
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init)
    }
}
