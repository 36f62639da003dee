/// Who took part, by department, in one scope (the forum or one board): each member who wrote a
/// visible post counted once, under the department their account says now. An account that never
/// answered counts as "prefer not to say". Only these totals leave the store: never a member's
/// department next to their name.
public struct DepartmentParticipation: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var department: Department
        public var participants: Int
        public init(department: Department, participants: Int) {
            self.department = department
            self.participants = participants
        }
    }

    /// Every department in `Department.allCases` order, with zeros: a department nobody wrote
    /// from is itself a finding.
    public var rows: [Row]

    public init(participants: [Department: Int]) {
        rows = Department.allCases.map { Row(department: $0, participants: participants[$0] ?? 0) }
    }

    public static let empty = DepartmentParticipation(participants: [:])

    public var participants: Int { rows.reduce(0) { $0 + $1.participants } }
    /// The measure's denominator: participants who named a place (a department or outside Guatemala).
    public var said: Int { rows.filter(\.department.isSaid).reduce(0) { $0 + $1.participants } }
    /// The measure's numerator: participants from a department other than Guatemala's, or from abroad.
    public var outsideGuatemala: Int { rows.filter(\.department.isOutsideCapitalDepartment).reduce(0) { $0 + $1.participants } }
    /// The share of reach, `outsideGuatemala / said`; nil when nobody said where they are.
    public var outsideShare: Double? { said == 0 ? nil : Double(outsideGuatemala) / Double(said) }
}
