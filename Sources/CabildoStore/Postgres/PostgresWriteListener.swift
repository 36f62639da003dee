import Foundation
import PostgresNIO
import Synchronization

/// Tells this server of the other servers' writes, so the pages, sessions and harvest it keeps (kept
/// while `writeGeneration` and `memberGeneration` stay the same) go stale everywhere at once (issue 19).
///
/// Every write that changes what a page shows moves the shared counter in `write_generation` on
/// and sends `NOTIFY cabildo_writes` in its own transaction (`announce`). This listener holds one connection
/// of its own, outside the pool, that LISTENs; each notice moves the local generation on. A
/// notice can be lost when the connection drops, so the counter is also reread on that
/// connection every `recheck` (and at once after every reconnect): a change this server was not
/// told of moves the generation on too. While there is no connection at all, the generation
/// moves on every `recheck`, so nothing kept outlives the outage by more than that: pages are
/// rendered afresh, from a database this server may still reach through its pool.
final class PostgresWriteListener: Sendable {
    static let channel = "cabildo_writes"

    private let task = Mutex<Task<Void, Never>?>(nil)

    /// The statement a write that changes what pages show runs last, inside its transaction. The
    /// notice says which kind it was (`WriteChanges`): a change of members' own state leaves the
    /// other servers' visitors' pages and harvest kept. The counter is one for both kinds, so a
    /// recheck that finds it moved treats the change as content, the stricter of the two.
    static func announce(_ changes: WriteChanges, on connection: PostgresConnection, logger: Logger) async throws {
        let kind: String
        switch changes {
        case .content: kind = contentNotice
        case .memberState: kind = memberNotice
        case .nothing: return
        }
        try await connection.run("""
            WITH moved AS (UPDATE write_generation SET value = value + 1 WHERE id = 1 RETURNING value)
            SELECT pg_notify('cabildo_writes', \(kind) || ':' || value::text) FROM moved
            """, logger: logger)
    }

    static let contentNotice = "content"
    static let memberNotice = "member"

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
                writes.record(.content)
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

        /// A notice, "kind:generation": its kind is what goes stale, and the generation is known,
        /// so the next recheck does not take the same write for one it was not told of.
        func noticed(_ payload: String) {
            let parts = payload.split(separator: ":")
            let member = parts.first.map(String.init) == memberNotice
            if parts.count == 2, let value = Int64(parts[1]) { known.withLock { $0 = value } }
            writes.record(member ? .memberState : .content)
        }

        func saw(_ value: Int64) {
            let changed = known.withLock { known in
                defer { known = value }
                return known != value
            }
            if changed { writes.record(.content) }
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
                        for try await notice in notices { state.noticed(notice.payload) }
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
