import Foundation

/// Text that goes into a header (a subject, a sender's name). Whatever it holds, it becomes one
/// header's worth of 7-bit text: control characters, CR and LF among them, are dropped first, so
/// nothing written by a member (a username, a thread title) can end the header and start another
/// (`Bcc:`), nor the headers and start the body. Text that is not plain printable ASCII is sent
/// as RFC 2047 encoded words in UTF-8.
enum HeaderText {
    /// What is left of `text` for a header: each run of C0 or C1 controls (CR and LF among them),
    /// DEL, Unicode line separators and spaces becomes one space, and the ends are trimmed.
    static func clean(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value <= 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                pendingSpace = !cleaned.isEmpty
            } else {
                if pendingSpace { cleaned.append(" ") }
                pendingSpace = false
                cleaned.append(scalar)
            }
        }
        return String(cleaned)
    }

    /// An unstructured field's value (`Subject`), folded after `nameLength` characters of `Name: `.
    static func unstructured(_ text: String, nameLength: Int) -> String {
        let text = clean(text)
        if isPlain(text), nameLength + 2 + text.utf8.count <= 998 { return text }
        return encodedWords(text).joined(separator: "\r\n ")
    }

    /// A display name (`From: "Foro Cabildo" <…>`): a quoted string, or encoded words.
    static func phrase(_ text: String) -> String {
        let text = clean(text)
        guard isPlain(text) else { return encodedWords(text).joined(separator: "\r\n ") }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Printable ASCII that an RFC 2047 reader would not take for an encoded word.
    private static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters. RFC 2047 lets a word end between code
    /// points (never inside one's UTF-8 bytes), so a long run of combining marks splits cleanly.
    static func encodedWords(_ text: String) -> [String] {
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 characters of base64, i.e. 45 bytes of text.
        let maxBytes = 45
        var words: [String] = [], chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maxBytes {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
