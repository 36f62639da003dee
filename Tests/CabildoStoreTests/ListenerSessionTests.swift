import Synchronization
import Testing
@testable import CabildoStore

/// The listener's connection is watched from outside, because a call on a connection PostgreSQL
/// ended can wait forever, cancelled or not (`ListenerSession`). These bodies stand for such calls.
@Suite struct ListenerSessionTests {
    /// A call that never returns and ignores cancellation, until the test lets it go.
    final class StuckCall: Sendable {
        private let parked = Mutex<CheckedContinuation<Void, Never>?>(nil)
        func wait() async { await withCheckedContinuation { continuation in parked.withLock { $0 = continuation } } }
        func release() { parked.withLock { $0.take() }?.resume() }
    }

    @Test func aSessionStuckInACallIsGivenUpOnAfterItsLimit() async throws {
        let stuck = StuckCall()
        defer { stuck.release() }
        let started = ContinuousClock.now
        // when: the session's one call never returns
        await #expect(throws: ListenerSession.Stalled.self) {
            try await ListenerSession.run(stallingAfter: .milliseconds(300)) { _ in await stuck.wait() }
        }
        // then: the wait ended on its limit, not on the call
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aSessionThatShowsSignsOfLifeRunsPastItsLimit() async throws {
        let beats = Atomic(0)
        // when: the session says it is alive every 50 ms, for four times its limit
        try await ListenerSession.run(stallingAfter: .milliseconds(300)) { session in
            for _ in 0..<24 {
                try await Task.sleep(for: .milliseconds(50))
                session.alive()
                beats.add(1, ordering: .relaxed)
            }
        }
        // then: it ran to its end
        #expect(beats.load(ordering: .relaxed) == 24)
    }

    @Test func stoppingTheListenerDoesNotWaitForAStuckCall() async throws {
        let stuck = StuckCall()
        defer { stuck.release() }
        let waiting = Task { try await ListenerSession.run(stallingAfter: .seconds(600)) { _ in await stuck.wait() } }
        try await Task.sleep(for: .milliseconds(100))
        // when: the listener is stopped while its call is stuck
        waiting.cancel()
        // then: the wait ends at once, long before the limit
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func aSessionsOwnErrorIsWhatTheWaitThrows() async throws {
        struct Cut: Error {}
        await #expect(throws: Cut.self) {
            try await ListenerSession.run(stallingAfter: .seconds(600)) { _ in throw Cut() }
        }
    }
}
