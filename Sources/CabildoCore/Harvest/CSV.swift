/// RFC 4180 CSV that is safe to open in a spreadsheet.
public enum CSV {
    /// One record ending in CRLF. A field is quoted when it holds a comma, a quote, CR or LF,
    /// with quotes doubled. A field starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
    /// apostrophe so spreadsheets show it as text instead of evaluating it (formula injection).
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
