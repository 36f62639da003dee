import Foundation
import PostgresNIO
import Synchronization

/// Tells this server of the other servers' writes, so the pages and harvest it keeps (kept while
/// `writeGeneration` stays the same) go stale everywhere at once (issue 19).
///
/// Every content write moves the shared counter in `write_generation` on and sends `NOTIFY
/// cabildo_writes` in its own transaction (`announceWrite`). This listener holds one connection
/// of its own, outside the pool, that LISTENs; each notice moves the local generation on. A
/// notice can be lost when the connection drops, so the counter is also reread on that
/// connection every `recheck` (and at once after every reconnect): a change this server was not
/// told of moves the generation on too. While there is no connection at all, the generation
/// moves on every `recheck`, so nothing kept outlives the outage by more than that: pages are
/// rendered afresh, from a database this server may still reach through its pool.
final class PostgresWriteListener: Sendable {
    static let channel = "cabildo_writes"

    private let task = Mutex<Task<Void, Never>?>(nil)

    /// The statement a content write runs last, inside its transaction.
    static func announceWrite(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            WITH moved AS (UPDATE write_generation SET value = value + 1 WHERE id = 1 RETURNING value)
            SELECT pg_notify('cabildo_writes', value::text) FROM moved
            """, logger: logger)
    }

    /// Starts listening in the background (once the schema has `write_generation`); `stop()` ends it.
    func start(configuration: PostgresConnection.Configuration, writes: WriteCounter, logger: Logger,
               recheck: Duration = .seconds(1)) {
        let state = State(writes: writes)
        let listening = Task {
            var warned = false
            while !Task.isCancelled {
                do {
                    try await Self.listen(configuration: configuration, state: state, logger: logger, recheck: recheck)
                } catch {
                    guard !Task.isCancelled else { break }
                    if !warned {
                        logger.warning("not listening for other servers' writes; kept pages expire every \(recheck) until it listens again",
                                       metadata: ["error": "\(String(reflecting: error))"])
                        warned = true
                    }
                }
                writes.increment()
                try? await Task.sleep(for: recheck)
            }
        }
        task.withLock { $0 = listening }
    }

    func stop() async {
        guard let listening = task.withLock({ $0 }) else { return }
        listening.cancel()
        await listening.value
    }

    /// The generation last read from the database, across reconnects.
    private final class State: Sendable {
        let writes: WriteCounter
        let known = Mutex<Int64?>(nil)
        init(writes: WriteCounter) { self.writes = writes }

        func saw(_ value: Int64) {
            let changed = known.withLock { known in
                defer { known = value }
                return known != value
            }
            if changed { writes.increment() }
        }
    }

    private struct Ended: Error {}

    /// One connection's life: LISTEN, then notices and rechecks until either fails.
    private static func listen(configuration: PostgresConnection.Configuration, state: State, logger: Logger,
                               recheck: Duration) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.listen(on: channel) { notices in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in notices { state.writes.increment() }
                        throw Ended()
                    }
                    group.addTask {
                        while true {
                            // Read after LISTEN took effect: nothing committed from here on is missed.
                            let value = try await connection.one("SELECT value FROM write_generation WHERE id = 1",
                                                                 logger: logger) { try $0.int64("value") }
                            state.saw(value ?? 0)
                            try await Task.sleep(for: recheck)
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
