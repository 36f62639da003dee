import CabildoCore
import Foundation
import PostgresNIO

/// Sessions, as `AppDatabase+Sessions`: only the SHA-256 of a token is stored.
extension PostgresStore {
    public func createSession(tokenHash: Data, userId: Int64, userAgent: String, at date: Date) async throws {
        try await write(changes: .nothing) { connection in
            try await insertSession(connection, tokenHash: tokenHash, userId: userId, userAgent: userAgent, at: date)
        }
    }

    /// A new session, in the transaction of what signs the member in (`completeSignIn` too).
    func insertSession(_ connection: PostgresConnection, tokenHash: Data, userId: Int64, userAgent: String, at date: Date) async throws {
        let now = date.unixSeconds
        try await connection.run("""
            INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent)
            VALUES (\(tokenHash), \(userId), \(now), \(now), \(String(userAgent.prefix(256))))
            """, logger: logger)
    }

    public func sessions(userId: Int64, current tokenHash: Data?) async throws -> [SessionInfo] {
        try await read { connection in
            try await connection.all("""
                SELECT id, created_at, last_seen_at, user_agent, token_hash = \(tokenHash) AS current FROM sessions
                WHERE user_id = \(userId) ORDER BY last_seen_at DESC, id DESC
                """, logger: logger) {
                SessionInfo(id: try $0.int64("id"), createdAt: try $0.date("created_at"), lastSeenAt: try $0.date("last_seen_at"),
                            userAgent: try $0.string("user_agent"), isCurrent: try $0.value("current", Bool?.self) ?? false)
            }
        }
    }

    public func endSession(id: Int64, userId: Int64) async throws -> Bool {
        try await write(changes: .memberState) { connection in
            try await connection.count("DELETE FROM sessions WHERE id = \(id) AND user_id = \(userId) RETURNING id", logger: logger) == 1
        }
    }

    public func sessionUser(tokenHash: Data, now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                            twoFactorRule: TwoFactorRule) async throws -> User? {
        let nowSeconds = now.unixSeconds
        let found = try await read { connection -> (User, created: Int64, lastSeen: Int64)? in
            try await connection.one("""
                SELECT u.*, s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at,
                    EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL) AS enrolled,
                    -- The header's count, no further than the header shows.
                    (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL
                        LIMIT \(User.unreadShown + 1)) AS shown) AS unread
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(tokenHash) AND u.closed_at IS NULL
                """, logger: logger) { row in
                var user = try User(columns: row)
                user.twoFactorHold = twoFactorRule.hold(role: user.role, enrolled: try row.bool("enrolled"))
                user.unreadNotifications = try row.int("unread")
                return (user, try row.int64("session_created_at"), try row.int64("session_last_seen_at"))
            }
        }
        guard let (user, created, lastSeen) = found else { return nil }
        switch SessionAge(now: nowSeconds, created: created, lastSeen: lastSeen, idleLimit: idleLimit, absoluteLimit: absoluteLimit) {
        case .expired:
            try await deleteSession(tokenHash: tokenHash)
            return nil
        case .due:
            try await write(changes: .nothing) { connection in
                try await connection.run("UPDATE sessions SET last_seen_at = \(nowSeconds) WHERE token_hash = \(tokenHash)",
                                         logger: logger)
            }
        case .fresh:
            break
        }
        return user
    }

    public func deleteSession(tokenHash: Data) async throws {
        try await write(changes: .memberState) { connection in
            try await connection.run("DELETE FROM sessions WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    public func deleteExpiredSessions(now: Date, idleLimit: TimeInterval, absoluteLimit: TimeInterval,
                                      challengeLifetime: TimeInterval) async throws -> Int {
        let nowSeconds = now.unixSeconds
        return try await write(changes: .nothing) { connection in
            // The same bounds `sessionUser` refuses a session by.
            let sessions = try await connection.count("""
                DELETE FROM sessions WHERE last_seen_at <= \(nowSeconds - Int64(idleLimit))
                    OR created_at <= \(nowSeconds - Int64(absoluteLimit)) RETURNING id
                """, logger: logger)
            let challenges = try await connection.count("""
                DELETE FROM sign_in_challenges WHERE created_at <= \(nowSeconds - Int64(challengeLifetime)) RETURNING user_id
                """, logger: logger)
            return sessions + challenges
        }
    }

    public func deleteOtherSessions(userId: Int64, keeping tokenHash: Data?) async throws {
        try await write(changes: .memberState) { connection in
            try await endOtherSessions(connection, userId: userId, keeping: tokenHash)
        }
    }

    /// Every session of the member but `tokenHash` (all of them for nil), in the transaction of
    /// what calls for it (two-factor turned on or off, or reset).
    func endOtherSessions(_ connection: PostgresConnection, userId: Int64, keeping tokenHash: Data?) async throws {
        try await connection.run("DELETE FROM sessions WHERE user_id = \(userId) AND token_hash IS DISTINCT FROM \(tokenHash)",
                                 logger: logger)
    }
}
