/// Where a member takes part from: one of Guatemala's 22 departments, outside the country, or
/// "prefer not to say". Optional on an account (nil: never answered), asked at registration and
/// in settings, shown on the profile only by the member's choice, and counted by the harvest only
/// in aggregate: the 2018 report's resolve to reach "the departments, not only Guatemala City".
public enum Department: String, Sendable, CaseIterable, Codable {
    case altaVerapaz = "alta-verapaz"
    case bajaVerapaz = "baja-verapaz"
    case chimaltenango
    case chiquimula
    case elProgreso = "el-progreso"
    case escuintla
    case guatemala
    case huehuetenango
    case izabal
    case jalapa
    case jutiapa
    case peten
    case quetzaltenango
    case quiche
    case retalhuleu
    case sacatepequez
    case sanMarcos = "san-marcos"
    case santaRosa = "santa-rosa"
    case solola
    case suchitepequez
    case totonicapan
    case zacapa
    case outsideGuatemala = "outside-guatemala"
    case notSaid = "not-said"

    /// The message key of its name: "Petén", "Fuera de Guatemala".
    public var messageKey: String { "department_" + rawValue }

    /// Whether it is a place at all: everything but "prefer not to say".
    public var isSaid: Bool { self != .notSaid }

    /// The harvest's measure of reach counts it: a place other than the department of Guatemala,
    /// where the capital is. Outside the country counts too: it is outside that department as well.
    public var isOutsideCapitalDepartment: Bool { isSaid && self != .guatemala }
}
