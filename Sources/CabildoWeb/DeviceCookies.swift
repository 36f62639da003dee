import CabildoCore
import Foundation
import Hummingbird

/// A signed cookie a browser earns by signing in, naming the account it signed in to
/// (OWASP's "device cookies"). The per-username sign-in bucket is shared by the owner and
/// anyone guessing, and staff names are public, so ten wrong guesses used to lock the owner
/// out too; a sign-in that presents this cookie for the same name is counted in the device's
/// own bucket instead, while guesses without it stay limited per username.
struct DeviceCookies: Sendable {
    static let name = "cabildo_device"
    static let lifetime = 365 * 86400

    let key: Data
    let secure: Bool

    /// A new cookie for a browser that just signed in as `usernameKey`.
    func cookie(for usernameKey: String) -> Cookie {
        let value = Self.encode(usernameKey) + "." + Tokens.random()
        return Cookie(name: Self.name, value: value + "." + mac(value), maxAge: Self.lifetime, path: "/", secure: secure,
                      httpOnly: true, sameSite: .lax)
    }

    /// The device's id when the request carries a genuine cookie for `usernameKey`, else nil.
    func device(in request: Request, for usernameKey: String) -> String? {
        guard let value = request.cookies[Self.name]?.value else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, Tokens.constantTimeEquals(mac(parts[0] + "." + parts[1]), parts[2]),
              parts[0] == Self.encode(usernameKey) else { return nil }
        return parts[1]
    }

    private func mac(_ value: String) -> String {
        Tokens.hmac(key: key, message: "device:" + value)
    }

    /// Base64url of the name's UTF-8, so the value holds no `.` or `;`.
    private static func encode(_ usernameKey: String) -> String {
        Data(usernameKey.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
