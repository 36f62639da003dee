import CArgon2
import Foundation

/// argon2id through the reference implementation. Synchronous and slow by design
/// (~70 ms at the defaults): callers run it off the event loop.
public struct PasswordHasher: Sendable, Equatable {
    /// Memory cost in KiB, iterations, lanes. Defaults follow OWASP: m = 19 MiB, t = 2, p = 1.
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19 * 1024, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public enum Failure: Error { case hashing(Int32) }

    private static let saltLength = 16
    private static let hashLength = 32

    /// Returns a PHC string: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`.
    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: Self.saltLength)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let encodedLength = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let bytes = Array(password.utf8)
        let status = argon2id_hash_encoded(
            iterations, memoryKiB, parallelism, bytes, bytes.count, salt, salt.count, Self.hashLength, &encoded, encodedLength
        )
        guard status == ARGON2_OK.rawValue else { throw Failure.hashing(status) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches the PHC string. A malformed PHC string never matches.
    public func verify(_ password: String, against phc: String) -> Bool {
        let bytes = Array(password.utf8)
        return argon2id_verify(phc, bytes, bytes.count) == ARGON2_OK.rawValue
    }

    /// True when the stored hash was made with other parameters than ours, so it should be redone at login.
    public func needsRehash(_ phc: String) -> Bool {
        !phc.hasPrefix("$argon2id$v=19$m=\(memoryKiB),t=\(iterations),p=\(parallelism)$")
    }
}
