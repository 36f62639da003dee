import CabildoCore
import Synchronization

/// What a write makes stale, so caches of what it changed (pages, sessions, the harvest) are not
/// used again, and those of what it did not change are.
enum WriteChanges: Sendable, Equatable {
    /// Forum content anyone may see: the kept pages of what changed (`ContentChange.stalePages`),
    /// the harvest, and members' sessions and pages (their header counts notifications, which a
    /// reply may have added).
    case content(ContentChange)
    /// Only what members see of their own accounts: sessions ended, watches, notifications read,
    /// two-factor and e-mail settings. Visitors' pages and the harvest stay.
    case memberState
    /// Nothing a page shows: a session's touch or creation (no page holds a session not yet
    /// used), sign-in challenges, quotas, rate buckets, the outbox, the server key. A signed-in
    /// member's session is touched once a minute, which would otherwise empty the caches as often.
    case nothing
}

/// A write's result and what it changed, for writes that learn the latter inside their
/// transaction (`write(reporting:)`).
struct Changing<T: Sendable>: Sendable {
    let value: T
    let changes: WriteChanges

    init(_ value: T, _ changes: WriteChanges) {
        self.value = value
        self.changes = changes
    }
}

/// The generations a store's writes move on: `ForumStoreCore.writeGeneration` (every content
/// write), `memberGeneration`, and when each page scope last went stale (`lastChange(of:)`).
final class WriteCounter: Sendable {
    private struct Scopes {
        /// The generation at which everything last went stale.
        var everything = 0
        /// The generation at which each scope last went stale, if after `everything`.
        var changed: [PageScope: Int] = [:]
    }

    /// Scopes remembered at most; beyond, everything goes stale once and the list starts again.
    static let scopesKept = 100_000

    private let contentCount = Atomic<Int>(0)
    private let memberCount = Atomic<Int>(0)
    private let scopes = Mutex(Scopes())
    var content: Int { contentCount.load(ordering: .acquiring) }
    var members: Int { memberCount.load(ordering: .relaxed) }

    func record(_ changes: WriteChanges) {
        switch changes {
        case .content(let change):
            scopes.withLock { scopes in
                let generation = contentCount.add(1, ordering: .releasing).newValue
                if let stale = change.stalePages, scopes.changed.count + stale.count <= Self.scopesKept {
                    for scope in stale { scopes.changed[scope] = generation }
                } else {
                    scopes = Scopes(everything: generation)
                }
            }
            memberCount.add(1, ordering: .relaxed)
        case .memberState:
            memberCount.add(1, ordering: .relaxed)
        case .nothing:
            break
        }
    }

    /// The content generation at which pages of `scope` last went stale: a page rendered from data
    /// read after `content` was `g` is fresh while this is at most `g`.
    func lastChange(of scope: PageScope) -> Int {
        // Any write of content may change such a page, so the last one did.
        if scope == .anyContent { return content }
        return scopes.withLock { max($0.everything, $0.changed[scope] ?? 0) }
    }
}
