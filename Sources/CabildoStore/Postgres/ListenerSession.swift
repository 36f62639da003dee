import PostgresNIO
import Synchronization

/// One life of the listener's connection (`PostgresWriteListener`), watched from outside: a
/// session that shows no sign of life for its limit is given up on, and its connection closed.
///
/// Why from outside: when PostgreSQL ends a connection just as a query or a LISTEN is sent on
/// it, postgres-nio can leave that call waiting forever. Closing the connection does not end the
/// call, and neither does cancelling it (vapor/postgres-nio#600 is one such case). It happened
/// here when `pg_terminate_backend` cut a listener just before a recheck: the recheck never came
/// back, the server heard no other server's writes again, and stopping the store waited forever.
/// So the listener never waits on such a call itself: it stops waiting, and leaves it behind.
///
/// The clock is the continuous one; tests pass one they move by hand.
final class ListenerSession<Timer: Clock<Duration>>: Sendable {
    private let clock: Timer
    /// nil until the body starts: a task pool too busy to start it is no sign of a dead connection.
    private let lastSign = Mutex<Timer.Instant?>(nil)
    private let connection = Mutex<PostgresConnection?>(nil)

    private init(clock: Timer) { self.clock = clock }

    /// The session is alive: it listens, or a recheck came back.
    func alive() { lastSign.withLock { $0 = clock.now } }

    /// The connection to close if the session stalls.
    func uses(_ connection: PostgresConnection) { self.connection.withLock { $0 = connection } }

    /// Runs `body` in a task of its own and waits until it ends, or until it has shown no sign of
    /// life (`alive()`, or its start) for `limit`: then it is cancelled, its connection closed,
    /// and `ListenerStalled` thrown, without waiting for either. Cancelling the caller ends the wait at once.
    /// A body stuck for good stays behind as one suspended task.
    static func run(stallingAfter limit: Duration, clock: Timer,
                    _ body: @escaping @Sendable (ListenerSession) async throws -> Void) async throws {
        let session = ListenerSession(clock: clock)
        let (outcomes, outcome) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        let work = Task {
            session.alive()
            do {
                try await body(session)
                outcome.yield(.success(()))
            } catch {
                outcome.yield(.failure(error))
            }
        }
        let watch = Task {
            while !Task.isCancelled {
                let due = (session.lastSign.withLock { $0 } ?? clock.now).advanced(by: limit)
                if clock.now >= due {
                    outcome.yield(.failure(ListenerStalled(limit: limit)))
                    return
                }
                try? await clock.sleep(until: due, tolerance: nil)
            }
        }
        defer {
            watch.cancel()
            work.cancel()
            outcome.finish()
        }
        for await result in outcomes {
            if case .failure(let error) = result, error is ListenerStalled, let stuck = session.connection.withLock({ $0 }) {
                // Not awaited: closing is one more call on a connection that stopped answering.
                Task { try? await stuck.close() }
            }
            return try result.get()
        }
        throw CancellationError()
    }
}

/// A `ListenerSession` given up on.
struct ListenerStalled: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "the listening connection showed no sign of life for \(limit)" }
}
