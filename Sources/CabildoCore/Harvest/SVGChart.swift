/// Small charts drawn on the server as inline SVG: no JavaScript, a few hundred bytes,
/// readable on a phone. Every text is XML-escaped here, because templates insert the SVG
/// unescaped. No `style` attributes (the Content-Security-Policy forbids inline styles):
/// colours come from classes in the stylesheet.
public enum SVGChart {
    /// Horizontal bars, one per row, with the label above and the value at the end of each bar.
    public static func bars(_ rows: [(label: String, value: Int)], title: String, width: Int = 320) -> String {
        let rowHeight = 34, barHeight = 14
        let height = max(rowHeight, rows.count * rowHeight)
        let maximum = max(1, rows.map(\.value).max() ?? 1)
        let room = width - 40
        var svg = open(width: width, height: height, title: title)
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight
            let length = row.value == 0 ? 0 : max(2, row.value * room / maximum)
            svg += "<text x=\"0\" y=\"\(y + 11)\" class=\"label\">\(escape(row.label))</text>"
            svg += "<rect x=\"0\" y=\"\(y + 15)\" width=\"\(length)\" height=\"\(barHeight)\" class=\"bar\"/>"
            svg += "<text x=\"\(length + 4)\" y=\"\(y + 27)\" class=\"value\">\(row.value)</text>"
        }
        return svg + "</svg>"
    }

    /// One column per day, with the first and last day written under the axis.
    public static func columns(_ points: [(label: String, value: Int)], title: String, width: Int = 320, height: Int = 90) -> String {
        let plot = height - 18
        let maximum = max(1, points.map(\.value).max() ?? 1)
        var svg = open(width: width, height: height, title: title)
        if !points.isEmpty {
            let step = Double(width) / Double(points.count)
            let column = max(1, Int(step * 0.8))
            for (index, point) in points.enumerated() {
                let h = point.value == 0 ? 0 : max(1, point.value * plot / maximum)
                let x = Int(Double(index) * step)
                svg += "<rect x=\"\(x)\" y=\"\(plot - h)\" width=\"\(column)\" height=\"\(h)\" class=\"bar\"><title>\(escape(point.label)): \(point.value)</title></rect>"
            }
            svg += "<text x=\"0\" y=\"\(height - 4)\" class=\"label\">\(escape(points[0].label))</text>"
            if points.count > 1 {
                svg += "<text x=\"\(width)\" y=\"\(height - 4)\" class=\"label\" text-anchor=\"end\">\(escape(points[points.count - 1].label))</text>"
            }
        }
        svg += "<line x1=\"0\" y1=\"\(plot)\" x2=\"\(width)\" y2=\"\(plot)\" class=\"axis\"/>"
        return svg + "</svg>"
    }

    private static func open(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
    }

    /// XML text and attribute escaping.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
