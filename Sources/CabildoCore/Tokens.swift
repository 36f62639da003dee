import Crypto
import Foundation

/// Random secrets and their digests: session tokens, CSRF tokens, server keys.
public enum Tokens {
    /// 256 random bits from a CSPRNG (swift-crypto's, which reads the system's in bulk),
    /// URL-safe base64 without padding. Drawing each byte from `SystemRandomNumberGenerator`
    /// made one `getrandom` call per byte: 4 % of a page for a visitor's first request.
    public static func random(bytes count: Int = 32) -> String {
        base64URL(SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Data($0) })
    }

    /// The SHA-256 of a token: what the database keeps instead of the token itself.
    public static func sha256(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    public static func hmac(key: Data, message: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key))
        return base64URL(Data(code))
    }

    /// Compares two strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
