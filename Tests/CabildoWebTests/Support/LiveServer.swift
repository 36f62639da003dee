import CabildoCore
import CabildoStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
@testable import CabildoWeb

/// Runs the server as `cabildo serve` builds it (`buildApplication`: every connection limit) on a
/// free port of localhost, on a fresh database, and hands the port to the test. Not HummingbirdTesting's
/// `.live`: its test application drops the configuration's cap on connections, and its client
/// holds a connection of its own that the caps would count.
func withLiveServer(config: AppConfig = testConfig(), _ test: @escaping @Sendable (Int) async throws -> Void) async throws {
    var config = config
    config.host = "localhost"
    config.port = 0
    let store = try AppDatabase.temporary(searchLimits: config.searchLimits)
    var logger = Logger(label: "cabildo-test")
    logger.logLevel = .error
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let app = try await buildApplication(config: config, store: store, logger: logger, onServerRunning: { channel in
        portSink.yield(channel.localAddress?.port ?? 0)
    })
    let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
        do {
            try await test(port)
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
    }
    removeDatabase(at: store.path)
}
