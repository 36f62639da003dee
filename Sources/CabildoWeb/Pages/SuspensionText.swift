import CabildoCore
import Foundation

extension Messages {
    /// "Suspended until …, because …" (or "indefinitely") while `user` is suspended at `now`:
    /// the banner a suspended member sees on every page (`suspended_*` keys) and the line on
    /// their public profile (`profile_suspended_*`), one sentence in two wordings.
    func suspension(of user: User, at now: Date, language: Language, keyPrefix: String = "") -> String? {
        guard user.isSuspended(at: now), let until = user.suspendedUntil else { return nil }
        let reason = user.suspensionReason ?? ""
        if until >= Date.untilLifted { return format(keyPrefix + "suspended_indefinitely", ["reason": reason]) }
        return format(keyPrefix + "suspended_until", ["date": date(until), "reason": reason])
    }
}
