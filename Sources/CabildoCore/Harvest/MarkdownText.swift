/// Text that members typed, made safe to put inside a Markdown report the committee pastes
/// into its agenda draft: it reads as the same words and never as Markdown.
public enum MarkdownText {
    /// CommonMark lets a backslash escape any ASCII punctuation character and reads it as the
    /// character itself, so escaping all of them leaves no syntax to pick: no heading (`#`,
    /// a `===` or `---` underline), list (`-`, `+`, `1.`), link, image, autolink (`<…>`, and
    /// GFM's bare `https://` and `www.`, which need an unescaped `:` or `.`), strikethrough
    /// (`~`), table, entity (`&`) or raw HTML. A line break would let the text start a line of
    /// its own, where all of that is read again, so every control character and line or
    /// paragraph separator becomes a space: the result always stays on the line it is put on.
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator:
                out.append(" ")
            default:
                if scalar.isASCII, isPunctuation(scalar) { out.append("\\") }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The readable text of rendered HTML (a summary as the site shows it), on one line with
    /// runs of spaces closed up, escaped: the words a reader saw, never the Markdown typed, so
    /// nothing the site's renderer dropped (raw HTML, `javascript:` links) comes back.
    public static func fromHTML(_ html: String) -> String {
        let words = escape(ReadableText.of(html: html)).split(whereSeparator: { $0 == " " || $0 == "\u{A0}" })
        return words.joined(separator: " ")
    }

    /// ASCII punctuation as CommonMark defines it: `!` to `/`, `:` to `@`, `[` to `` ` ``, `{` to `~`.
    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
        default: false
        }
    }
}
