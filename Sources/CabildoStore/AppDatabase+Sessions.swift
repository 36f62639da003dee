import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    public func createSession(tokenHash: Data, userId: Int64, userAgent: String, at date: Date) async throws {
        try await write(changes: .nothing) { db in
            try Self.insertSession(db, tokenHash: tokenHash, userId: userId, userAgent: userAgent, at: date)
        }
    }

    static func insertSession(_ db: Database, tokenHash: Data, userId: Int64, userAgent: String, at date: Date) throws {
        let now = date.unixSeconds
        try db.cached("""
            INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [tokenHash, userId, now, now, String(userAgent.prefix(256))])
    }

    public func sessions(userId: Int64, current tokenHash: Data?) async throws -> [SessionInfo] {
        try await read { db in
            try Row.fetchAll(db.cached("""
                SELECT id, created_at, last_seen_at, user_agent, token_hash = ? FROM sessions WHERE user_id = ?
                ORDER BY last_seen_at DESC, id DESC
                """), arguments: [tokenHash, userId]).map {
                SessionInfo(id: $0[0], createdAt: Date(unixSeconds: $0[1]), lastSeenAt: Date(unixSeconds: $0[2]),
                            userAgent: $0[3], isCurrent: $0[4] ?? false)
            }
        }
    }

    public func endSession(id: Int64, userId: Int64) async throws -> Bool {
        try await write(changes: .memberState) { db in
            try db.cached("DELETE FROM sessions WHERE id = ? AND user_id = ?").execute(arguments: [id, userId])
            return db.changesCount == 1
        }
    }

    public func sessionUser(tokenHash: Data, now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                            twoFactorRule: TwoFactorRule) async throws -> User? {
        let nowSeconds = now.unixSeconds
        let found = try await read { db -> (User, created: Int64, lastSeen: Int64)? in
            try Row.fetchOne(db.cached("""
                SELECT u.*, s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at,
                    EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL) AS enrolled,
                    -- The header's count, from the unread index alone (named: left to itself the planner took
                    -- notifications_by_user, which walks every notification the member ever had), and no
                    -- further than the header shows.
                    (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n INDEXED BY notifications_unread
                        WHERE n.user_id = u.id AND n.read_at IS NULL
                        LIMIT \(User.unreadShown + 1))) AS unread
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.closed_at IS NULL
                """), arguments: [tokenHash]).map { row in
                var user = User(row: row)
                user.twoFactorHold = twoFactorRule.hold(role: user.role, enrolled: row["enrolled"])
                user.unreadNotifications = row["unread"]
                return (user, row["session_created_at"], row["session_last_seen_at"])
            }
        }
        guard let (user, created, lastSeen) = found else { return nil }
        switch SessionAge(now: nowSeconds, created: created, lastSeen: lastSeen, idleLimit: idleLimit, absoluteLimit: absoluteLimit) {
        case .expired:
            try await deleteSession(tokenHash: tokenHash)
            return nil
        case .due:
            try await write(changes: .nothing) { db in
                try db.cached("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").execute(arguments: [nowSeconds, tokenHash])
            }
        case .fresh:
            break
        }
        return user
    }

    public func deleteSession(tokenHash: Data) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("DELETE FROM sessions WHERE token_hash = ?").execute(arguments: [tokenHash])
        }
    }

    public func deleteExpiredSessions(now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                                      challengeLifetime: TimeInterval) async throws -> Int {
        let nowSeconds = now.unixSeconds
        return try await write(changes: .nothing) { db in
            // The same bounds `sessionUser` refuses a session by.
            try db.cached("DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?")
                .execute(arguments: [nowSeconds - Int64(idleLimit), nowSeconds - Int64(absoluteLimit)])
            let sessions = db.changesCount
            try db.cached("DELETE FROM sign_in_challenges WHERE created_at <= ?")
                .execute(arguments: [nowSeconds - Int64(challengeLifetime)])
            return sessions + db.changesCount
        }
    }

    public func deleteOtherSessions(userId: Int64, keeping tokenHash: Data?) async throws {
        try await write(changes: .memberState) { db in
            try Self.endOtherSessions(db, userId: userId, keeping: tokenHash)
        }
    }

    /// Every session of the member but `tokenHash`'s (all of them when nil).
    static func endOtherSessions(_ db: Database, userId: Int64, keeping tokenHash: Data?) throws {
        try db.cached("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?").execute(arguments: [userId, tokenHash])
    }
}

/// What a session's times say when it is used, in both stores: past either limit (it ends), or
/// last touched a minute ago or more (touched now), or fresh. Touching at most once a minute
/// keeps reading pages from being a write per request.
enum SessionAge: Equatable {
    case expired, due, fresh

    init(now: Int64, created: Int64, lastSeen: Int64, idleLimit: TimeInterval, absoluteLimit: TimeInterval) {
        if now - lastSeen >= Int64(idleLimit) || now - created >= Int64(absoluteLimit) {
            self = .expired
        } else {
            self = now - lastSeen >= 60 ? .due : .fresh
        }
    }
}
