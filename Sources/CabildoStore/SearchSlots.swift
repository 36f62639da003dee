import Foundation
import Synchronization

/// A counting semaphore for searches: at most `concurrent` run, at most `waiting` wait in
/// line (first come, first served), and anyone past that is refused at once. Waiting holds no
/// database connection, so pages keep answering while searches queue.
final class SearchSlots: Sendable {
    private struct State {
        var running = 0
        var queue: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let concurrent: Int
    private let waiting: Int

    init(concurrent: Int, waiting: Int) {
        self.concurrent = max(1, concurrent)
        self.waiting = max(0, waiting)
    }

    /// Runs `body` in a slot, or throws `StoreError.busy` when the line is full.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        enum Entry { case now, wait, refuse }
        // Decided and enqueued under one lock, so a release between the two cannot be missed.
        let entry: Entry = state.withLock { state in
            if state.running < concurrent {
                state.running += 1
                return .now
            }
            return state.queue.count < waiting ? .wait : .refuse
        }
        switch entry {
        case .now: return
        case .refuse: throw StoreError.busy
        case .wait:
            await withCheckedContinuation { continuation in
                let startNow: Bool = state.withLock { state in
                    if state.running < concurrent {
                        state.running += 1
                        return true
                    }
                    state.queue.append(continuation)
                    return false
                }
                if startNow { continuation.resume() }
            }
        }
    }

    /// Hands the slot to the first waiter, if any; its `running` count carries over.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.queue.isEmpty {
                state.running -= 1
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.resume()
    }
}
