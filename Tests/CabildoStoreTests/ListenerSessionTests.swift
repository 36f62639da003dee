import Synchronization
import Testing
@testable import CabildoStore

/// The listener's connection is watched from outside, because a call on a connection PostgreSQL
/// ended can wait forever, cancelled or not (`ListenerSession`). These bodies stand for such calls.
/// Time is a clock the test moves, so a busy suite cannot change what these tests see.
@Suite struct ListenerSessionTests {
    /// A call that never returns and ignores cancellation, until the test lets it go.
    final class StuckCall: Sendable {
        private let parked = Mutex<CheckedContinuation<Void, Never>?>(nil)
        func wait() async { await withCheckedContinuation { continuation in parked.withLock { $0 = continuation } } }
        func release() { parked.withLock { $0.take() }?.resume() }
    }

    @Test func aSessionStuckInACallIsGivenUpOnAfterItsLimit() async throws {
        let clock = HandClock(), stuck = StuckCall()
        defer { stuck.release() }
        // when: no sign of life comes for longer than the limit, and the call never returns
        // then: the wait ends all the same
        await #expect(throws: ListenerStalled.self) {
            try await ListenerSession.run(stallingAfter: .seconds(5), clock: clock) { _ in
                clock.advance(by: .seconds(6))
                await stuck.wait()
            }
        }
    }

    @Test func aSessionThatShowsSignsOfLifeRunsPastItsLimit() async throws {
        let clock = HandClock()
        // when: the session says it is alive every 3 s for 30 s, six times its limit
        try await ListenerSession.run(stallingAfter: .seconds(5), clock: clock) { session in
            for _ in 0..<10 {
                session.alive()
                clock.advance(by: .seconds(3))
                await Task.yield()
            }
        }
        // then: it ran to its end, with no stall (which would have thrown)
        #expect(clock.now.offset == .seconds(30))
    }

    @Test func stoppingTheListenerDoesNotWaitForAStuckCall() async throws {
        let stuck = StuckCall()
        defer { stuck.release() }
        let waiting = Task { try await ListenerSession.run(stallingAfter: .seconds(600), clock: HandClock()) { _ in await stuck.wait() } }
        // when: the listener is stopped while its call is stuck, long before the limit
        waiting.cancel()
        // then: the wait ends
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func aSessionsOwnErrorIsWhatTheWaitThrows() async throws {
        struct Cut: Error {}
        await #expect(throws: Cut.self) {
            try await ListenerSession.run(stallingAfter: .seconds(600), clock: HandClock()) { _ in throw Cut() }
        }
    }
}

/// A clock that moves only when told to (`advance(by:)`), waking whoever slept until then.
final class HandClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (left: Instant, right: Instant) -> Bool { left.offset < right.offset }
    }

    private struct Sleeper {
        let until: Instant
        let wake: CheckedContinuation<Void, any Error>
    }

    private let state = Mutex<(now: Instant, sleepers: [Int: Sleeper], next: Int)>((Instant(offset: .zero), [:], 0))
    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.until <= now }
            for key in due.keys { state.sleepers[key] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.wake.resume() }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let key = state.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
                let wakeNow = state.withLock { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[key] = Sleeper(until: deadline, wake: wake)
                    return false
                }
                if wakeNow { wake.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: key) }?.wake.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
