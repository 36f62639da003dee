/// RFC 4180 CSV that is safe to open in a spreadsheet.
public enum CSV {
    /// One record ending in CRLF. Every field is quoted, with quotes doubled: spreadsheets in
    /// Spanish locales split on `;` as well as `,`, and an unquoted `x;=1+1` became a formula
    /// cell there; inside quotes no separator splits a field. A field starting with `=`, `+`,
    /// `-`, `@`, tab or CR also gets a leading apostrophe so spreadsheets show it as text
    /// instead of evaluating it (formula injection).
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
