/// Just enough HTML inspection for tests: where an element with an id starts and ends.
enum HTMLTree {
    /// The text of the `<article id="…">` element, nested articles included.
    static func article(_ id: String, in html: String) -> Substring? {
        guard let start = html.range(of: "<article class=\"post\" id=\"\(id)\"") else { return nil }
        var depth = 0
        var index = start.lowerBound
        while index < html.endIndex {
            let rest = html[index...]
            if rest.hasPrefix("<article") {
                depth += 1
            } else if rest.hasPrefix("</article>") {
                depth -= 1
                if depth == 0 { return html[start.lowerBound..<html.index(index, offsetBy: 10)] }
            }
            index = html.index(after: index)
        }
        return nil
    }
}
