/// Quoted-printable (RFC 2045 §6.7) for a UTF-8 text body: every line of the result is 7-bit and at
/// most 76 characters, so any server carries it unchanged, while Spanish text stays readable in
/// the raw message (`Contrase=C3=B1a`). Line breaks of the text become CRLF.
enum QuotedPrintable {
    static let maxLineLength = 76

    static func encode(_ text: String) -> String {
        var output = ""
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\r\n" }
            output += encodeLine(Array(line.utf8))
        }
        return output
    }

    /// One line of text as one or more encoded lines joined by soft breaks (`=` at the end).
    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = "", current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            var token: String
            switch byte {
            // Spaces and tabs are literal, except at the end of a line, where transports may strip them.
            case UInt8(ascii: " "), UInt8(ascii: "\t"): token = isLast ? escape(byte) : String(UnicodeScalar(byte))
            // A dot at the start of a line is escaped too, so no line of the body reads as SMTP's end of data.
            case UInt8(ascii: "."): token = current.isEmpty ? escape(byte) : "."
            case 33...126 where byte != UInt8(ascii: "="): token = String(UnicodeScalar(byte))
            default: token = escape(byte)
            }
            // Room for the soft break's `=` unless this is the line's last token.
            if current.count + token.count > maxLineLength - (isLast ? 0 : 1) {
                output += current + "=\r\n"
                current = ""
                if token == "." { token = escape(byte) }
            }
            current += token
        }
        return output + current
    }

    private static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
