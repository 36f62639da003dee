/// Limits on the shapes of Markdown whose rendering cost grows faster than its length.
///
/// Debian's cmark-gfm 0.29 predates upstream's fixes for quadratic tables: a 20 k-character
/// table of pipes took 0.9 s to render, under a process-wide lock. Ordinary posts are far
/// inside these bounds; a post outside them is refused with a message, never rendered.
public enum MarkdownBounds {
    /// Cells in one table (pipes in a run of consecutive lines that contain one).
    public static let maxTableCells = 2_000
    /// Columns in one table row.
    public static let maxTableColumns = 64
    /// Containers one line may open: `>` quotes and list markers.
    public static let maxNesting = 16
    /// Unclosed `[` at any point: link-label scanning backtracks over open brackets.
    public static let maxOpenBrackets = 64

    /// nil when the source is within every bound; otherwise the error the form shows.
    public static func check(_ source: String) -> ValidationError? {
        var cellsInRun = 0
        var openBrackets = 0
        for line in source.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var pipes = 0
            for byte in line {
                switch byte {
                case UInt8(ascii: "|"): pipes += 1
                case UInt8(ascii: "["): openBrackets += 1
                case UInt8(ascii: "]"): openBrackets = max(0, openBrackets - 1)
                default: break
                }
                if openBrackets > maxOpenBrackets { return tooComplex }
            }
            cellsInRun = pipes == 0 ? 0 : cellsInRun + pipes
            if pipes > maxTableColumns || cellsInRun > maxTableCells { return tooComplex }
            if nesting(of: line) > maxNesting { return tooComplex }
        }
        return nil
    }

    private static let tooComplex = ValidationError(field: "body", messageKey: "error_body_too_complex")

    /// How many block containers the start of a line opens: `>` and list markers followed by a
    /// space (so a `-----` rule is text, not twenty lists). Indentation alone is not counted:
    /// pasted code is often deeply indented.
    private static func nesting(of line: Substring.UTF8View.SubSequence) -> Int {
        let bytes = Array(line)
        var depth = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            case UInt8(ascii: ">"): depth += 1
            case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: " ") else { return depth }
                depth += 1
            default:
                return depth
            }
            index += 1
        }
        return depth
    }
}
