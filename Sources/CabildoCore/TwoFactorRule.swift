/// `CABILDO_REQUIRE_2FA`: whose powers wait until they sign in with a second factor
/// (Discourse's `enforce_second_factor`). Stored nowhere; read from the settings.
public enum TwoFactorRule: String, Sendable, CaseIterable {
    /// Nobody must enrol (tests and servers that are not about two-factor sign-in).
    case off
    /// Moderators, committee members and admins use no power of their role until enrolled.
    case staff
    /// Every member must enrol before doing anything but reading and their own settings.
    case all

    /// What an account of `role` may not do yet, given whether it has enrolled.
    public func hold(role: Role, enrolled: Bool) -> TwoFactorHold {
        guard !enrolled else { return .none }
        switch self {
        case .off: return .none
        case .staff: return role == .member ? .none : .staffPowers
        case .all: return .everything
        }
    }
}

/// What a signed-in account waits for two-factor enrolment to do (`Permissions` applies it).
public enum TwoFactorHold: Sendable, Equatable {
    case none
    /// Acts as a member until enrolled: posting and replying stay open, staff powers do not.
    case staffPowers
    /// Only reading and their own settings (where they enrol).
    case everything
}
