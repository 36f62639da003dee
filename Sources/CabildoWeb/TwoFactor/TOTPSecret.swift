import ExtrasBase64
import Foundation
import HummingbirdOTP

/// A member's TOTP secret: RFC 6238 with SHA-1, six digits and 30-second steps, what every
/// authenticator app assumes. HummingbirdOTP keys its HMAC with the secret's UTF-8 bytes, so the
/// secret is 20 random letters and digits (119 bits); apps receive those bytes in base32.
struct TOTPSecret: Sendable, Equatable {
    let text: String
    static let length = 20
    static let stepSeconds: Int64 = 30

    static func random() -> TOTPSecret {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return TOTPSecret(text: String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] }))
    }

    /// What an authenticator app is given: 32 base32 letters, shown in groups of four for typing.
    var base32: String { String(base32Encoding: text.utf8, options: .omitPaddingCharacter) }
    var base32Groups: String {
        let letters = Array(base32)
        return stride(from: 0, to: letters.count, by: 4).map { String(letters[$0..<min($0 + 4, letters.count)]) }
            .joined(separator: " ")
    }

    /// The `otpauth://totp/…` link that adds the account to an authenticator app (tapped on the
    /// phone, or read from the QR code).
    func authenticatorURL(account: String, issuer: String) -> String {
        TOTP(secret: text).createAuthenticatorURL(label: "\(issuer):\(account)", issuer: issuer)
    }

    static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / stepSeconds
    }

    /// The time step `typed` is this secret's code for: now's, or one step either side (a phone's
    /// clock drifts, and a code can change while it is typed). Nil for any other code.
    func matchingStep(of typed: String, at now: Date) -> Int64? {
        let digits = typed.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy(\.isASCII), let code = Int(digits) else { return nil }
        let totp = TOTP(secret: text)
        let current = Self.step(at: now)
        return [current, current - 1, current + 1].first { step in
            totp.compute(date: Date(timeIntervalSince1970: TimeInterval(step * Self.stepSeconds))) == code
        }
    }

    /// Whether the text typed looks like a six-digit code rather than a recovery code.
    static func looksLikeCode(_ typed: String) -> Bool {
        let digits = typed.filter { !$0.isWhitespace }
        return digits.count == 6 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
