import CabildoCore
import Foundation
import Testing
@testable import CabildoWeb

/// The pieces of two-factor sign-in that hold no state: codes, keys, recovery codes, the QR code.
@Suite struct TOTPTests {
    /// RFC 6238, appendix B (SHA-1, its 20-byte key), cut to six digits as authenticator apps show them.
    @Test func codesMatchTheRFCTestVectors() {
        let secret = TOTPSecret(text: "12345678901234567890")
        for (time, code) in [(59.0, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            let now = Date(timeIntervalSince1970: time)
            #expect(secret.matchingStep(of: code, at: now) == TOTPSecret.step(at: now), "\(time)")
            #expect(Authenticator(key: Array("12345678901234567890".utf8)).code(at: now) == code)
        }
        #expect(secret.matchingStep(of: "28 7082", at: Date(timeIntervalSince1970: 59)) != nil, "spaces as some apps show them")
        for typed in ["", "28708", "2870822", "abcdef", "٢٨٧٠٨٢", "287082\u{0}"] {
            #expect(secret.matchingStep(of: typed, at: Date(timeIntervalSince1970: 59)) == nil, "\(typed)")
        }
    }

    @Test func theKeyShownIsTheKeyUsed() throws {
        let secret = TOTPSecret.random()
        #expect(secret.text.count == 20 && secret.text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(secret.base32.count == 32 && secret.base32Groups.split(separator: " ").count == 8)
        let app = Authenticator(key: try Authenticator.base32Decode(secret.base32Groups))
        let now = Date()
        #expect(secret.matchingStep(of: app.code(at: now), at: now) == TOTPSecret.step(at: now))
        let url = secret.authenticatorURL(account: "ana", issuer: "Cabildo")
        #expect(url.hasPrefix("otpauth://totp/Cabildo:ana?secret=\(secret.base32)&issuer=Cabildo"))
        #expect(TOTPSecret.random() != secret)
    }

    @Test func recoveryCodesAreRandomAndReadAsTyped() throws {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10 && Set(codes).count == 10)
        let code = try #require(codes.first)
        #expect(code.wholeMatch(of: /[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}/) != nil)
        #expect(RecoveryCodes.digest(code.uppercased()) == RecoveryCodes.digest(code.replacingOccurrences(of: "-", with: " ")))
        #expect(RecoveryCodes.digest(code)?.count == 32)
        for typed in ["", "123456", code + "a", "abcd-efgh-ijkl-mno1"] { #expect(RecoveryCodes.digest(typed) == nil, "\(typed)") }
    }

    /// The three finder squares a reader looks for, at the corners, inside the quiet zone.
    @Test func theQRCodeHasItsFinderPatternsAndQuietZone() throws {
        let qr = try #require(QRCode(encoding: TOTPSecret.random().authenticatorURL(account: "ana", issuer: "Cabildo")))
        let width = qr.size - 2 * QRCode.quietZone
        #expect(width >= 21 && (width - 17) % 4 == 0, "a QR version's side is 17 + 4 × version")
        // Top edge of the top-left and top-right finders: one run of 7 dark modules each.
        #expect(qr.path.hasPrefix("M4 4h7v1h-7z"))
        #expect(qr.path.contains("M\(4 + width - 7) 4h7v1h-7z"))
        // Top edge of the bottom-left finder.
        #expect(qr.path.contains("M4 \(4 + width - 7)h7v1h-7z"))
        #expect(qr.path.allSatisfy { "Mhvz- 0123456789".contains($0) }, "nothing the template would need to escape")
    }
}
