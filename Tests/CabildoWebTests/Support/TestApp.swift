import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
@testable import CabildoWeb

/// Argon2 at its cheapest, so tests spend their time on behaviour, not on hashing.
let fastHasher = PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1)

func testConfig() -> AppConfig {
    var config = AppConfig()
    config.templatesDirectory = repositoryRoot.appendingPathComponent("Templates").path
    config.publicDirectory = repositoryRoot.appendingPathComponent("Public").path
    config.passwordHasher = fastHasher
    // As on test servers: limits are off unless a test is about them.
    config.rateLimits.enabled = false
    // As on test servers (CABILDO_REQUIRE_2FA=off): staff act without enrolling unless a test is about it.
    config.requireTwoFactor = .off
    return config
}

/// Boots the app as `cabildo serve` builds it (`buildApplication`) on a fresh database with the six boards, and hands a browser to the test.
/// `.router` runs requests in process (peer address "local"); `.live` goes over a real
/// socket on 127.0.0.1, for tests about client addresses.
func withApp(
    config: AppConfig = testConfig(),
    framework: TestingSetup = .router,
    databasePath: String? = nil,
    logs: LogCapture? = nil,
    _ test: @escaping @Sendable (Browser, AppDatabase) async throws -> Void
) async throws {
    let store = try databasePath.map { try AppDatabase.open(path: $0, searchLimits: config.searchLimits) } ?? AppDatabase.temporary(searchLimits: config.searchLimits)
    var logger = logs.map { capture in Logger(label: "cabildo-test") { _ in capture.handler() } } ?? Logger(label: "cabildo-test")
    logger.logLevel = logs == nil ? .error : .trace
    let app = try await buildApplication(config: config, store: store, logger: logger)
    try await app.test(framework) { client in
        try await test(Browser(client), store)
    }
    if databasePath == nil { removeDatabase(at: store.path) }
}

/// `withApp` on a fresh store of `kind`: the web tests that run on SQLite and on PostgreSQL
/// (issue 19) see the store only as a `ForumStore`.
func withApp(
    on kind: StoreKind,
    config: AppConfig = testConfig(),
    framework: TestingSetup = .router,
    _ test: @escaping @Sendable (Browser, any ForumStore) async throws -> Void
) async throws {
    try await kind.withStore(searchLimits: config.searchLimits) { store in
        var logger = Logger(label: "cabildo-test")
        logger.logLevel = .error
        let app = try await buildApplication(config: config, store: store, logger: logger)
        try await app.test(framework) { client in
            try await test(Browser(client), store)
        }
    }
}

/// Deletes a test database with its -wal, -shm and lock files.
func removeDatabase(at path: String) {
    for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Every log line an app writes, message and metadata, for tests that read the logs.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    var lines: [String] { lock.withLock { captured } }

    func handler() -> some LogHandler { Handler(capture: self) }

    fileprivate func append(_ line: String) { lock.withLock { captured.append(line) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) " + all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
        }
    }
}
