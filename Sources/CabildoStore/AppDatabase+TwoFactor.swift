import CabildoCore
import Foundation
import GRDB

/// Two-factor sign-in's rows (v9): the member's TOTP secret, recovery code digests, the guesses
/// counted against the account, and the half-signed-in challenges between password and code.
extension AppDatabase {
    public func twoFactor(userId: Int64) async throws -> TwoFactorState? {
        try await read { db in
            try Row.fetchOne(db.cached("""
                SELECT secret, enabled_at, last_step,
                    (SELECT count(*) FROM recovery_codes r WHERE r.user_id = t.user_id AND r.used_at IS NULL) AS codes_left
                FROM two_factor t WHERE user_id = ?
                """), arguments: [userId]).map {
                TwoFactorState(secret: $0["secret"], enabledAt: $0.optionalDate("enabled_at"), lastStep: $0["last_step"],
                               recoveryCodesLeft: $0["codes_left"])
            }
        }
    }

    public func beginTwoFactor(userId: Int64, secret: String, at date: Date) async throws -> String {
        try await write(changes: .nothing) { db in
            try db.cached("""
                INSERT INTO two_factor (user_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING
                """).execute(arguments: [userId, secret, date.unixSeconds])
            guard let row = try Row.fetchOne(db.cached("SELECT secret, enabled_at FROM two_factor WHERE user_id = ?"),
                                             arguments: [userId]) else { throw StoreError.notFound }
            guard row["enabled_at"] as Int64? == nil else { throw StoreError.notPermitted }
            return row["secret"]
        }
    }

    public func enableTwoFactor(userId: Int64, step: Int64, recoveryCodeDigests: [Data], keepingSession tokenHash: Data?,
                                at date: Date) async throws -> Bool {
        try await write(changes: .memberState) { db in
            try db.cached("""
                UPDATE two_factor SET enabled_at = ?, last_step = ?, failed_attempts = 0, failing_since = NULL
                WHERE user_id = ? AND enabled_at IS NULL
                """).execute(arguments: [date.unixSeconds, step, userId])
            guard db.changesCount == 1 else { return false }
            try Self.replaceRecoveryCodes(db, userId: userId, digests: recoveryCodeDigests)
            try Self.endOtherSessions(db, userId: userId, keeping: tokenHash)
            return true
        }
    }

    public func disableTwoFactor(userId: Int64, keepingSession tokenHash: Data?) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("DELETE FROM two_factor WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM recovery_codes WHERE user_id = ?").execute(arguments: [userId])
            try Self.endOtherSessions(db, userId: userId, keeping: tokenHash)
        }
    }

    public func takeTwoFactorAttempt(userId: Int64, at date: Date, limit: Int, window: TimeInterval) async throws -> Date? {
        let now = date.unixSeconds, windowStart = now - Int64(window)
        return try await write(changes: .nothing) { db in
            // One statement, so guesses sent together cannot all read the same count.
            guard let row = try Row.fetchOne(db.cached("""
                UPDATE two_factor SET
                    failed_attempts = CASE WHEN failing_since IS NULL OR failing_since <= ?2 THEN 1 ELSE failed_attempts + 1 END,
                    failing_since = CASE WHEN failing_since IS NULL OR failing_since <= ?2 THEN ?1 ELSE failing_since END
                WHERE user_id = ?3 RETURNING failed_attempts, failing_since
                """), arguments: [now, windowStart, userId]) else { return nil }
            let attempts: Int = row["failed_attempts"], since: Int64 = row["failing_since"]
            return attempts > limit ? Date(unixSeconds: since + Int64(window)) : nil
        }
    }

    public func acceptTwoFactorStep(userId: Int64, step: Int64) async throws -> Bool {
        try await write(changes: .nothing) { db in
            try db.cached("""
                UPDATE two_factor SET last_step = ?, failed_attempts = 0, failing_since = NULL
                WHERE user_id = ? AND last_step < ?
                """).execute(arguments: [step, userId, step])
            return db.changesCount == 1
        }
    }

    public func useRecoveryCode(userId: Int64, digest: Data, at date: Date) async throws -> Bool {
        try await write(changes: .memberState) { db in
            try db.cached("""
                UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
                    AND EXISTS (SELECT 1 FROM two_factor WHERE user_id = ? AND enabled_at IS NOT NULL)
                """).execute(arguments: [date.unixSeconds, userId, digest, userId])
            guard db.changesCount == 1 else { return false }
            try db.cached("UPDATE two_factor SET failed_attempts = 0, failing_since = NULL WHERE user_id = ?")
                .execute(arguments: [userId])
            return true
        }
    }

    public func resetTwoFactor(userId: Int64) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("DELETE FROM two_factor WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM recovery_codes WHERE user_id = ?").execute(arguments: [userId])
            try db.cached("DELETE FROM sign_in_challenges WHERE user_id = ?").execute(arguments: [userId])
            try Self.endOtherSessions(db, userId: userId, keeping: nil)
        }
    }

    public func createSignInChallenge(tokenHash: Data, userId: Int64, at date: Date, lifetime: TimeInterval) async throws {
        try await write(changes: .nothing) { db in
            // Expired challenges go as new ones come: the table holds minutes of sign-ins at most.
            try db.cached("DELETE FROM sign_in_challenges WHERE created_at <= ?")
                .execute(arguments: [date.unixSeconds - Int64(lifetime)])
            try db.cached("INSERT INTO sign_in_challenges (token_hash, user_id, created_at) VALUES (?, ?, ?)")
                .execute(arguments: [tokenHash, userId, date.unixSeconds])
        }
    }

    public func signInChallengeUser(tokenHash: Data, at date: Date, lifetime: TimeInterval) async throws -> User? {
        try await read { db in
            try Row.fetchOne(db.cached("""
                SELECT u.* FROM sign_in_challenges c JOIN users u ON u.id = c.user_id
                WHERE c.token_hash = ? AND c.created_at > ?
                """), arguments: [tokenHash, date.unixSeconds - Int64(lifetime)]).map(User.init(row:))
        }
    }

    public func completeSignIn(challenge tokenHash: Data, session sessionTokenHash: Data, userAgent: String,
                               at date: Date) async throws -> Bool {
        try await write(changes: .nothing) { db in
            guard let userId = try Int64.fetchOne(db.cached("DELETE FROM sign_in_challenges WHERE token_hash = ? RETURNING user_id"),
                                                  arguments: [tokenHash]) else { return false }
            try Self.insertSession(db, tokenHash: sessionTokenHash, userId: userId, userAgent: userAgent, at: date)
            return true
        }
    }

    private static func replaceRecoveryCodes(_ db: Database, userId: Int64, digests: [Data]) throws {
        try db.cached("DELETE FROM recovery_codes WHERE user_id = ?").execute(arguments: [userId])
        for digest in digests {
            try db.cached("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)").execute(arguments: [userId, digest])
        }
    }
}
