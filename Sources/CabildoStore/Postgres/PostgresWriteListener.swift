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
/// told of within one more recheck makes everything stale. While there is no connection at all, the generation
/// moves on every `recheck`, so nothing kept outlives the outage by more than that: pages are
/// rendered afresh, from a database this server may still reach through its pool. A connection
/// that stops answering is given up on after five rechecks without a reading (`ListenerSession`).
final class PostgresWriteListener: Sendable {
    static let channel = "cabildo_writes"

    private let task = Mutex<Task<Void, Never>?>(nil)
    private let state = Mutex<State?>(nil)

    /// The statement a write that changes what pages show runs last, inside its transaction. The
    /// notice says what changed (`Notice`), so each server drops only those pages. The counter is
    /// one for every kind, so a recheck that finds it moved takes the change for everything.
    /// The notice also names this server (`origin`), which has counted its own write already.
    func announce(_ changes: WriteChanges, on connection: PostgresConnection, logger: Logger) async throws {
        guard let notice = Notice(changes) else { return }
        try await connection.run("""
            WITH moved AS (UPDATE write_generation SET value = value + 1 WHERE id = 1 RETURNING value)
            SELECT pg_notify('cabildo_writes', \(notice.text) || ' ' || value::text || ' ' || \(origin)) FROM moved
            """, logger: logger)
    }

    /// This server's name in its notices: random, per process.
    let origin = String(UInt64.random(in: .min ... .max), radix: 36)

    /// Starts listening in the background (once the schema has `write_generation`); `stop()` ends it.
    func start(configuration: PostgresConnection.Configuration, writes: WriteCounter, logger: Logger,
               recheck: Duration = .seconds(1)) {
        let state = State(writes: writes, origin: origin)
        self.state.withLock { $0 = state }
        let listening = Task {
            var warned = false
            while !Task.isCancelled {
                do {
                    try await ListenerSession.run(stallingAfter: recheck * 5, clock: ContinuousClock()) { session in
                        try await Self.listen(configuration: configuration, state: state, session: session, logger: logger, recheck: recheck)
                    }
                } catch {
                    guard !Task.isCancelled else { break }
                    if !warned {
                        logger.warning("not listening for other servers' writes; kept pages expire every \(recheck) until it listens again",
                                       metadata: ["error": "\(String(reflecting: error))"])
                        warned = true
                    }
                }
                writes.record(.content(.everything))
                try? await Task.sleep(for: recheck)
            }
        }
        task.withLock { $0 = listening }
    }

    /// Waits until the listener has read the generation once (or `limit` passed), so a server
    /// starts serving with every later write announced to it, and its first reading, which
    /// makes everything stale, is behind it.
    func waitUntilListening(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, state.withLock({ $0?.hasRead }) != true {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The shared generation this server has been told of (by notices or rechecks), nil before
    /// the first reading.
    var knownGeneration: Int64? { state.withLock { $0?.known } }

    func stop() async {
        guard let listening = task.withLock({ $0 }) else { return }
        listening.cancel()
        await listening.value
    }

    /// The generation last read from the database, across reconnects.
    private final class State: Sendable {
        private struct Generations {
            /// The last generation a notice or a recheck accounted for.
            var known: Int64?
            /// A generation a recheck found ahead of `known`, whose notice may still be on its way.
            var awaited: Int64?
        }

        let writes: WriteCounter
        let origin: String
        private let generations = Mutex(Generations())
        var known: Int64? { generations.withLock { $0.known } }
        var hasRead: Bool { known != nil }

        init(writes: WriteCounter, origin: String) {
            self.writes = writes
            self.origin = origin
        }

        /// A notice, "what generation origin" (`Notice`): what changed goes stale, unless this
        /// server wrote it (it counted the write as it committed, and counting it again as its
        /// notice arrives would make pages stale that later writes left fresh); and the generation
        /// is known, so a recheck does not take the same write for one it was not told of.
        func noticed(_ payload: String) {
            let parts = payload.split(separator: " ").map(String.init)
            if parts.count >= 2, let value = Int64(parts[1]) {
                generations.withLock { $0.known = max($0.known ?? value, value) }
            }
            guard parts.count < 3 || parts[2] != origin else { return }
            writes.record(parts.first.flatMap { Notice(text: $0) }?.changes ?? .content(.everything))
        }

        /// A recheck's reading. A generation ahead of the notices may be a write whose notice is
        /// still on its way (the recheck can land between a commit and its notice): it counts as
        /// lost, and everything goes stale, only if the next recheck finds it still unannounced.
        /// So a lost notice leaves a page stale for two rechecks at most. A reading behind the
        /// notices was taken before they arrived and says nothing. The first reading makes
        /// everything stale.
        func saw(_ value: Int64) {
            let lost = generations.withLock { state -> Bool in
                guard let known = state.known else {
                    state = Generations(known: value)
                    return true
                }
                if value <= known {
                    state.awaited = nil
                    return false
                }
                if let awaited = state.awaited, awaited > known {
                    state = Generations(known: value)
                    return true
                }
                state.awaited = value
                return false
            }
            if lost { writes.record(.content(.everything)) }
        }
    }

    private struct Ended: Error {}

    /// One connection's life: LISTEN, then notices and rechecks until either fails. A connection
    /// that dies without an error, or a call on it that never returns, leaves the session without
    /// signs of life, and `ListenerSession` ends it: the listener starts again instead of hanging
    /// with the pages it keeps.
    private static func listen(configuration: PostgresConnection.Configuration, state: State, session: ListenerSession<ContinuousClock>,
                               logger: Logger, recheck: Duration) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        session.uses(connection)
        do {
            try await connection.listen(on: channel) { notices in
                session.alive()
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
                            session.alive()
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
