import CabildoCore

/// The optional `department` select of registration and settings. Its first option, empty, is
/// "not answered" (stored as NULL); a value it does not offer is answered with a 422 naming the
/// field, as a person could have sent it from an old page, never with a 500.
enum DepartmentField {
    static let name = "department"

    /// The answer, or nil when left empty; `.failure` for a value the select does not offer.
    static func parse(_ raw: String) -> Result<Department?, ValidationError> {
        if raw.isEmpty { return .success(nil) }
        guard let department = Department(rawValue: raw) else {
            return .failure(ValidationError(field: name, messageKey: "error_department"))
        }
        return .success(department)
    }

    static func options(selected: Department?, t: Messages) -> [OptionView] {
        [OptionView(value: "", label: t["department_unanswered"], selected: selected == nil)]
            + Department.allCases.map { OptionView(value: $0.rawValue, label: t[$0.messageKey], selected: $0 == selected) }
    }
}
