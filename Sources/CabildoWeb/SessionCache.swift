import CabildoCore
import CabildoStore
import Foundation

/// Signed-in members' sessions as last read from the store, so a member's page need not start
/// with a trip to the database (issue 20).
///
/// An entry is used only while the store's `memberGeneration` is the one it was read under: every
/// write that ends a session, changes an account, or adds a notification (whose count the header
/// shows) moves it on, here or, on PostgreSQL, on another server. And for at most `lifetime`:
/// that bounds what this process is not told of (`cabildo admin` changing the same SQLite file),
/// and lets `sessionUser` touch the session once a minute as before. Sessions not found are not
/// kept, so made-up tokens cannot fill it.
///
/// One session's requests that find no fresh entry share one read: at 64 connections every
/// request of a member missed at once when the entry aged out, and each read the session (and
/// once a minute each wrote the same touch), so members' pages had 3–4 times the p99 of visitors'.
final class SessionCache: Sendable {
    struct Entry: Sendable {
        let user: User
        let generation: Int
        let readAt: Date
    }

    static let lifetime: TimeInterval = 2
    /// About 600 bytes a member: 16,000 members signed in at once in 10 MB.
    private let entries = BoundedCache<Data, Entry>(budget: 10 << 20) { _, entry in 600 + entry.user.username.utf8.count }
    private let reads = SingleFlight<Data, User?>()
    private let store: any ForumStore

    init(store: any ForumStore) { self.store = store }

    /// The session's member, from the cache while it is fresh, otherwise from `read`, which is
    /// then kept. `read` runs in a task of its own, so a visitor who leaves does not cancel it for
    /// those who wait; a read begun before the latest member write is not joined.
    func user(tokenHash: Data, now: Date, read: @escaping @Sendable () async throws -> User?) async throws -> User? {
        let generation = store.memberGeneration
        if let entry = entries[tokenHash], entry.generation == generation,
           now >= entry.readAt, now.timeIntervalSince(entry.readAt) < Self.lifetime {
            return entry.user
        }
        return try await reads.run(tokenHash, generation: generation) { [entries] in
            guard let user = try await read() else { return nil }
            entries.set(Entry(user: user, generation: generation, readAt: now), for: tokenHash)
            return user
        }
    }
}
