import CabildoCore
import NIOPosix

/// argon2id on its own small thread pool: at most `threads` hashes run at once and none
/// ever runs on an event loop, so a login flood queues here while pages keep serving.
public final class PasswordService: Sendable {
    let hasher: PasswordHasher
    private let pool: NIOThreadPool
    /// Verified against when the username does not exist, so that answer takes as long as a wrong password.
    private let dummyHash: String

    public init(hasher: PasswordHasher, threads: Int) throws {
        self.hasher = hasher
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        dummyHash = try hasher.hash(Tokens.random())
    }

    public func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await pool.runIfActive { try hasher.hash(password) }
    }

    public func verify(_ password: String, against phc: String?) async throws -> Bool {
        let hasher = self.hasher
        let target = phc ?? dummyHash
        let matches = try await pool.runIfActive { hasher.verify(password, against: target) }
        return matches && phc != nil
    }

    public func needsRehash(_ phc: String) -> Bool { hasher.needsRehash(phc) }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
