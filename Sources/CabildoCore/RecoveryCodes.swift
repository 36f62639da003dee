import Crypto
import Foundation

/// The ten single-use codes that sign a member in when their authenticator is lost. Shown once,
/// stored as SHA-256 digests: each holds 80 random bits, so a digest cannot be reversed by
/// guessing, and checking one costs a hash rather than an argon2id run per stored code.
public enum RecoveryCodes {
    public static let count = 10

    /// Lower-case base32 (its digits skip 0, 1, 8 and 9, which read as letters on paper) in four groups of four:
    /// "abcd-efgh-ijkl-mnop".
    public static func generate() -> [String] {
        let letters = Array("abcdefghijklmnopqrstuvwxyz234567")
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<16).map { _ in letters[Int.random(in: 0..<32, using: &generator)] }
            return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
        }
    }

    /// What a typed code is compared as: case, spaces and dashes do not matter. Nil when it
    /// cannot be a recovery code at all.
    public static func normalized(_ typed: String) -> String? {
        let kept = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard kept.count == 16, kept.allSatisfy({ ("a"..."z").contains($0) || ("2"..."7").contains($0) }) else { return nil }
        return kept
    }

    /// The stored digest of a code, as generated or as typed.
    public static func digest(_ code: String) -> Data? {
        normalized(code).map(Tokens.sha256)
    }
}
