import Crypto
import Foundation

/// An authenticator app, as a test needs one: it reads the key from the enrolment page the way a
/// person copies it (the base32 text) and computes RFC 6238 codes on its own, so the server's
/// TOTP code is checked against an independent implementation.
struct Authenticator {
    let key: [UInt8]

    /// The key in `<code id="totp-secret">`, spaces and all.
    init(enrolmentPage html: String) throws {
        guard let start = html.range(of: "<code id=\"totp-secret\">"),
              let end = html[start.upperBound...].range(of: "</code>") else { throw TestFailure("no key on the page") }
        key = try Self.base32Decode(String(html[start.upperBound..<end.lowerBound]))
    }

    init(key: [UInt8]) { self.key = key }

    /// The six-digit code at `date` (RFC 6238: HMAC-SHA-1 of the 30-second step, dynamic truncation).
    func code(at date: Date) -> String {
        let step = UInt64(date.timeIntervalSince1970) / 30
        let message = (0..<8).reversed().map { UInt8(truncatingIfNeeded: step >> (8 * $0)) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[19] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    static func base32Decode(_ text: String) throws -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, buffer = 0
        var bytes: [UInt8] = []
        for character in text.uppercased() where character != " " && character != "=" {
            guard let value = alphabet.firstIndex(of: character) else { throw TestFailure("not base32: \(text)") }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return bytes
    }
}
