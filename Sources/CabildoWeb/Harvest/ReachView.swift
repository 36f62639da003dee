import CabildoCore
import Mustache

/// The harvest's participation by department (`harvest_reach.mustache`): a chart of the
/// departments someone wrote from, a table of all of them, the share from outside the department
/// of Guatemala, and in the forum's view that share board by board. Only counts: no name.
struct ReachView: MustacheParent, Sendable {
    let chart: BarChart?
    let rows: [Row]
    let sentence: String
    let byBoard: [BoardRow]

    struct Row: MustacheParent, Sendable {
        let department: String
        let participants: Int

        func child(named name: String) -> Any? {
            switch name {
            case "department": department
            case "participants": participants
            default: nil
            }
        }
    }

    struct BoardRow: MustacheParent, Sendable {
        let board: String
        let participants: Int
        let said: Int
        let outside: Int
        let share: String

        func child(named name: String) -> Any? {
            switch name {
            case "board": board
            case "participants": participants
            case "said": said
            case "outside": outside
            case "share": share
            default: nil
            }
        }
    }

    init(report: some HarvestFigures, language: Language, t: Messages) {
        let departments = report.departments
        // The chart leaves out the departments nobody wrote from (24 bars would fill a phone's
        // screen); the table below lists every one, zeros included.
        let drawn = departments.rows.filter { $0.participants > 0 }
        chart = drawn.isEmpty ? nil : BarChart(drawn.map { (t[$0.department.messageKey], $0.participants) }, title: t["harvest_departments_chart"])
        rows = departments.rows.map { Row(department: t[$0.department.messageKey], participants: $0.participants) }
        sentence = Self.sentence(departments, t: t)
        byBoard = report.board != nil ? [] : report.departmentsByBoard.map {
            BoardRow(board: $0.board.title(in: language), participants: $0.participation.participants, said: $0.participation.said,
                     outside: $0.participation.outsideGuatemala, share: Self.percent($0.participation.outsideShare))
        }
    }

    /// "12 de 40 participantes que indicaron su departamento (30 %) …", or that nobody said.
    static func sentence(_ departments: DepartmentParticipation, t: Messages) -> String {
        guard departments.said > 0 else { return t["harvest_reach_none"] }
        return t.format("harvest_reach", ["outside": "\(departments.outsideGuatemala)", "said": "\(departments.said)",
                                          "share": percent(departments.outsideShare)])
    }

    /// A whole percentage, "30 %"; "–" when nobody said where they are.
    static func percent(_ share: Double?) -> String {
        share.map { "\(Int(($0 * 100).rounded())) %" } ?? "–"
    }

    func child(named name: String) -> Any? {
        switch name {
        case "chart": chart ?? false
        case "rows": rows
        case "sentence": sentence
        case "byBoard": byBoard
        case "hasByBoard": !byBoard.isEmpty
        default: nil
        }
    }
}
