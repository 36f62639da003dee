import Mustache

// The harvest's two small charts, drawn on the server as inline SVG by `chart_bars.mustache`
// and `chart_columns.mustache`: no JavaScript, a few hundred bytes, readable on a phone. Every
// position is worked out here; the templates only place the numbers and escape the text.
// Colours come from classes in the stylesheet: the Content-Security-Policy forbids inline styles.

/// Horizontal bars, one per row, with the label above and the value at the end of each bar.
struct BarChart: MustacheParent, Sendable {
    struct Bar: MustacheParent, Sendable {
        let label: String
        let value: Int
        /// The top of the row.
        let y: Int
        let length: Int

        func child(named name: String) -> Any? {
            switch name {
            case "label": label
            case "value": value
            case "labelY": y + 11
            case "barY": y + 15
            case "length": length
            case "valueX": length + 4
            case "valueY": y + 27
            default: nil
            }
        }
    }

    static let rowHeight = 34
    let title: String
    let width: Int
    let height: Int
    let bars: [Bar]

    init(_ rows: [(label: String, value: Int)], title: String, width: Int = 320) {
        self.title = title
        self.width = width
        height = max(Self.rowHeight, rows.count * Self.rowHeight)
        let maximum = max(1, rows.map(\.value).max() ?? 1)
        let room = width - 40
        bars = rows.enumerated().map { index, row in
            // A bar for any value above zero is at least 2 units long, so it can be seen.
            Bar(label: row.label, value: row.value, y: index * Self.rowHeight,
                length: row.value == 0 ? 0 : max(2, row.value * room / maximum))
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "width": width
        case "height": height
        case "barHeight": 14
        case "bars": bars
        default: nil
        }
    }
}

/// One column per day, with the first and last day written under the axis.
struct ColumnChart: MustacheParent, Sendable {
    struct Column: MustacheParent, Sendable {
        let label: String
        let value: Int
        let x: Int
        let y: Int
        let width: Int
        let height: Int

        func child(named name: String) -> Any? {
            switch name {
            case "label": label
            case "value": value
            case "x": x
            case "y": y
            case "width": width
            case "height": height
            default: nil
            }
        }
    }

    let title: String
    let width: Int
    let height: Int
    /// Where the axis runs: the height the columns may take.
    let plot: Int
    let columns: [Column]

    init(_ points: [(label: String, value: Int)], title: String, width: Int = 320, height: Int = 90) {
        self.title = title
        self.width = width
        self.height = height
        let plot = height - 18
        self.plot = plot
        let maximum = max(1, points.map(\.value).max() ?? 1)
        let step = Double(width) / Double(max(1, points.count))
        let columnWidth = max(1, Int(step * 0.8))
        columns = points.enumerated().map { index, point in
            let h = point.value == 0 ? 0 : max(1, point.value * plot / maximum)
            return Column(label: point.label, value: point.value, x: Int(Double(index) * step), y: plot - h, width: columnWidth, height: h)
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "width": width
        case "height": height
        case "plot": plot
        case "labelY": height - 4
        case "columns": columns
        case "firstLabel": columns.first?.label ?? false
        // The last day is written only when it is another day than the first.
        case "lastLabel": columns.count > 1 ? columns[columns.count - 1].label : false
        default: nil
        }
    }
}
