import CabildoCore
import NIOPosix
import ServiceLifecycle

/// argon2id on its own small thread pool: at most `threads` hashes run at once and none
/// ever runs on an event loop, so a login flood queues here while pages keep serving.
/// A service of the application, so its threads stop when the server does.
public final class PasswordService: Service {
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

    /// Waits for the server to shut down, then lets the hashes in flight finish and stops the threads.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Stops the threads without a server around it (a test that only builds the router).
    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
