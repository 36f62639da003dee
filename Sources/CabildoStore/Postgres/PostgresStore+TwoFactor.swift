import CabildoCore
import Foundation
import PostgresNIO

/// Two-factor sign-in's rows, as `AppDatabase+TwoFactor`: the member's TOTP secret, recovery code
/// digests, the guesses counted against the account, and the half-signed-in challenges. Where
/// several servers could race (a guess, a time step, a recovery code, a challenge), the check
/// is the WHERE of the one statement that changes the row: PostgreSQL rechecks it on the newest
/// version of a row another transaction just changed, so two servers cannot both pass it.
extension PostgresStore {
    public func twoFactor(userId: Int64) async throws -> TwoFactorState? {
        try await read { connection in
            try await connection.one("""
                SELECT secret, enabled_at, last_step,
                    (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = t.user_id AND r.used_at IS NULL) AS codes_left
                FROM two_factor t WHERE user_id = \(userId)
                """, logger: logger) {
                TwoFactorState(secret: try $0.string("secret"), enabledAt: try $0.optionalDate("enabled_at"),
                               lastStep: try $0.int64("last_step"), recoveryCodesLeft: try $0.int("codes_left"))
            }
        }
    }

    /// Two enrolment pages opened at once keep one secret: the second insert waits for the first
    /// and does nothing, and the read after it sees the secret that won.
    public func beginTwoFactor(userId: Int64, secret: String, at date: Date) async throws -> String {
        try await write(changes: .nothing) { connection in
            try await connection.run("""
                INSERT INTO two_factor (user_id, secret, created_at) VALUES (\(userId), \(secret), \(date.unixSeconds))
                ON CONFLICT (user_id) DO NOTHING
                """, logger: logger)
            guard let row = try await connection.one("SELECT secret, enabled_at FROM two_factor WHERE user_id = \(userId)",
                                                     logger: logger, { (secret: try $0.string("secret"), on: try $0.optionalInt64("enabled_at") != nil) })
            else { throw StoreError.notFound }
            guard !row.on else { throw StoreError.notPermitted }
            return row.secret
        }
    }

    public func enableTwoFactor(userId: Int64, step: Int64, recoveryCodeDigests: [Data], keepingSession tokenHash: Data?,
                                at date: Date) async throws -> Bool {
        try await write(changes: .memberState) { connection in
            guard try await connection.count("""
                UPDATE two_factor SET enabled_at = \(date.unixSeconds), last_step = \(step), failed_attempts = 0, failing_since = NULL
                WHERE user_id = \(userId) AND enabled_at IS NULL RETURNING user_id
                """, logger: logger) == 1 else { return false }
            try await connection.run("DELETE FROM recovery_codes WHERE user_id = \(userId)", logger: logger)
            for digest in recoveryCodeDigests {
                try await connection.run("INSERT INTO recovery_codes (user_id, code_hash) VALUES (\(userId), \(digest))", logger: logger)
            }
            try await endOtherSessions(connection, userId: userId, keeping: tokenHash)
            return true
        }
    }

    public func disableTwoFactor(userId: Int64, keepingSession tokenHash: Data?) async throws {
        try await write(changes: .memberState) { connection in
            try await connection.run("DELETE FROM two_factor WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM recovery_codes WHERE user_id = \(userId)", logger: logger)
            try await endOtherSessions(connection, userId: userId, keeping: tokenHash)
        }
    }

    /// One statement, so guesses sent together to several servers cannot all read the same count.
    public func takeTwoFactorAttempt(userId: Int64, at date: Date, limit: Int, window: TimeInterval) async throws -> Date? {
        let now = date.unixSeconds, windowStart = now - Int64(window)
        return try await write(changes: .nothing) { connection in
            guard let row = try await connection.one("""
                UPDATE two_factor SET
                    failed_attempts = CASE WHEN failing_since IS NULL OR failing_since <= \(windowStart) THEN 1 ELSE failed_attempts + 1 END,
                    failing_since = CASE WHEN failing_since IS NULL OR failing_since <= \(windowStart) THEN \(now) ELSE failing_since END
                WHERE user_id = \(userId) RETURNING failed_attempts, failing_since
                """, logger: logger, { (attempts: try $0.int("failed_attempts"), since: try $0.int64("failing_since")) })
            else { return nil }
            return row.attempts > limit ? Date(unixSeconds: row.since + Int64(window)) : nil
        }
    }

    public func acceptTwoFactorStep(userId: Int64, step: Int64) async throws -> Bool {
        try await write(changes: .nothing) { connection in
            try await connection.count("""
                UPDATE two_factor SET last_step = \(step), failed_attempts = 0, failing_since = NULL
                WHERE user_id = \(userId) AND last_step < \(step) RETURNING user_id
                """, logger: logger) == 1
        }
    }

    public func useRecoveryCode(userId: Int64, digest: Data, at date: Date) async throws -> Bool {
        try await write(changes: .memberState) { connection in
            guard try await connection.count("""
                UPDATE recovery_codes SET used_at = \(date.unixSeconds)
                WHERE user_id = \(userId) AND code_hash = \(digest) AND used_at IS NULL
                  AND EXISTS (SELECT 1 FROM two_factor WHERE user_id = \(userId) AND enabled_at IS NOT NULL)
                RETURNING user_id
                """, logger: logger) == 1 else { return false }
            try await connection.run("UPDATE two_factor SET failed_attempts = 0, failing_since = NULL WHERE user_id = \(userId)",
                                     logger: logger)
            return true
        }
    }

    public func resetTwoFactor(userId: Int64) async throws {
        try await write(changes: .memberState) { connection in
            try await connection.run("DELETE FROM two_factor WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM recovery_codes WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM sign_in_challenges WHERE user_id = \(userId)", logger: logger)
            try await endOtherSessions(connection, userId: userId, keeping: nil)
        }
    }

    public func createSignInChallenge(tokenHash: Data, userId: Int64, at date: Date, lifetime: TimeInterval) async throws {
        try await write(changes: .nothing) { connection in
            // Expired challenges go as new ones come: the table holds minutes of sign-ins at most.
            try await connection.run("DELETE FROM sign_in_challenges WHERE created_at <= \(date.unixSeconds - Int64(lifetime))",
                                     logger: logger)
            try await connection.run("""
                INSERT INTO sign_in_challenges (token_hash, user_id, created_at) VALUES (\(tokenHash), \(userId), \(date.unixSeconds))
                """, logger: logger)
        }
    }

    public func signInChallengeUser(tokenHash: Data, at date: Date, lifetime: TimeInterval) async throws -> User? {
        try await read { connection in
            try await connection.one("""
                SELECT u.* FROM sign_in_challenges c JOIN users u ON u.id = c.user_id
                WHERE c.token_hash = \(tokenHash) AND c.created_at > \(date.unixSeconds - Int64(lifetime))
                """, logger: logger, User.init(columns:))
        }
    }

    /// The DELETE is the check: of two servers completing one challenge, only one deletes a row.
    public func completeSignIn(challenge tokenHash: Data, session sessionTokenHash: Data, userAgent: String,
                               at date: Date) async throws -> Bool {
        try await write(changes: .nothing) { connection in
            guard let userId = try await connection.one("DELETE FROM sign_in_challenges WHERE token_hash = \(tokenHash) RETURNING user_id",
                                                        logger: logger, { try $0.int64("user_id") }) else { return false }
            try await insertSession(connection, tokenHash: sessionTokenHash, userId: userId, userAgent: userAgent, at: date)
            return true
        }
    }
}
