import CabildoCore

/// Participation by department in the exports: totals only, never a member. The JSON and the
/// Markdown carry it beside participation by group; a CSV of its own (`/harvest/departments.csv`,
/// `cabildo harvest --format departments-csv`) holds one row per scope, since `/harvest.csv` has
/// one row per thread.
extension HarvestExport {
    // MARK: JSON

    struct DepartmentsJSON: Encodable {
        struct Count: Encodable { let department: String, participants: Int }
        /// The board's slug; absent for the forum as a whole.
        let board: String?
        let participants: Int
        let said_department: Int
        let outside_guatemala: Int
        /// outside_guatemala / said_department, to three decimals; absent when nobody said.
        let outside_guatemala_share: Double?
        let by_department: [Count]

        init(board: String?, _ p: DepartmentParticipation) {
            self.board = board
            participants = p.participants
            said_department = p.said
            outside_guatemala = p.outsideGuatemala
            outside_guatemala_share = p.outsideShare.map { ($0 * 1000).rounded() / 1000 }
            by_department = p.rows.map { Count(department: $0.department.rawValue, participants: $0.participants) }
        }
    }

    static let reachFormula = "outside_guatemala / said_department: participants (distinct members with a visible post) whose "
        + "department is not guatemala (outside-guatemala included), over participants who gave one (not-said and unanswered left out)"

    // MARK: CSV

    public static let departmentsCSVColumns = ["scope", "participants", "said_department", "outside_guatemala", "outside_guatemala_share"]
        + Department.allCases.map { $0.rawValue.replacingOccurrences(of: "-", with: "_") }

    /// One row for the report's scope (`all` for the forum, or the board's slug), then in the
    /// forum's view one per board, in the boards' order.
    public func departmentsCSV(_ report: HarvestReport) -> String {
        var out = CSV.record(Self.departmentsCSVColumns)
        let scopes = [(report.board?.slug ?? "all", report.departments)]
            + (report.board == nil ? report.departmentsByBoard.map { ($0.board.slug, $0.participation) } : [])
        for (scope, p) in scopes {
            out += CSV.record([scope, String(p.participants), String(p.said), String(p.outsideGuatemala),
                               p.outsideShare.map(Self.score) ?? ""] + p.rows.map { String($0.participants) })
        }
        return out
    }

    // MARK: Markdown

    /// - Parameter heading: the section's heading level (`##` in the harvest, `###` in the consultation report).
    func departmentsMarkdown(_ report: some HarvestFigures, heading: String = "##") -> String {
        var md = heading + " " + t["harvest_departments"] + "\n\n" + ReachView.sentence(report.departments, t: t) + "\n\n"
        md += "| " + t["harvest_department"] + " | " + t["harvest_participants"] + " |\n| --- | ---: |\n"
        for row in report.departments.rows {
            md += "| \(t[row.department.messageKey]) | \(row.participants) |\n"
        }
        md += "\n" + t["harvest_reach_note"] + "\n"
        if report.board == nil, !report.departmentsByBoard.isEmpty {
            md += "\n" + heading + "# " + t["harvest_reach_by_board"] + "\n\n"
            md += "| " + [t["harvest_board"], t["harvest_participants"], t["harvest_said"], t["harvest_outside"], t["harvest_share"]]
                .joined(separator: " | ") + " |\n| --- | ---: | ---: | ---: | ---: |\n"
            for board in report.departmentsByBoard {
                let p = board.participation
                md += "| \(Self.escape(board.board.title(in: language))) | \(p.participants) | \(p.said) | \(p.outsideGuatemala) | \(ReachView.percent(p.outsideShare)) |\n"
            }
        }
        return md
    }
}
