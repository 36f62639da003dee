import CabildoCore
import Foundation
import PostgresNIO

/// A member's e-mail address, the single-use links sent to it (only their SHA-256 kept) and the
/// choice of notification mail, as `AppDatabase+Email`.
///
/// SQLite's single writer ran each of these alone. Here two servers may follow the same link at
/// once, or a link while the member changes the address: every write that changes a member's
/// address or links first locks the member's `users` row (`lockOpenMember`), so those writes run
/// one after another for each member, and each rechecks the link after the lock.
extension PostgresStore {
    /// Locks the member's row against the other address and link writes (`FOR NO KEY UPDATE`:
    /// rows that merely reference the member, such as new posts or sessions, do not wait for it).
    /// False when there is no open account.
    private func lockOpenMember(_ connection: PostgresConnection, userId: Int64) async throws -> Bool {
        try await connection.one("SELECT closed_at IS NULL AS open FROM users WHERE id = \(userId) FOR NO KEY UPDATE",
                                 logger: logger) { try $0.bool("open") } == true
    }

    public func emailSettings(userId: Int64, at date: Date) async throws -> EmailSettings {
        try await read { connection in
            let row = try await connection.one("SELECT address, mail_notifications FROM member_email WHERE user_id = \(userId)",
                                               logger: logger) {
                (address: try $0.optionalString("address"), choice: MailNotifications(rawValue: try $0.string("mail_notifications")))
            }
            let pending = try await connection.one("""
                SELECT address FROM email_tokens
                WHERE user_id = \(userId) AND purpose = 'confirm' AND created_at > \(date.unixSeconds - Int64(MailLinks.confirmationLifetime))
                ORDER BY created_at DESC LIMIT 1
                """, logger: logger) { try $0.optionalString("address") } ?? nil
            return EmailSettings(confirmedAddress: row?.address, pendingAddress: pending, mailNotifications: row?.choice ?? .each)
        }
    }

    public func saveMailNotifications(userId: Int64, _ choice: MailNotifications) async throws {
        try await write(changes: .memberState) { connection in
            try await setMailNotifications(connection, userId: userId, choice)
        }
    }

    private func setMailNotifications(_ connection: PostgresConnection, userId: Int64, _ choice: MailNotifications) async throws {
        try await connection.run("""
            INSERT INTO member_email (user_id, mail_notifications) VALUES (\(userId), \(choice.rawValue))
            ON CONFLICT (user_id) DO UPDATE SET mail_notifications = excluded.mail_notifications
            """, logger: logger)
    }

    /// A new address waits for its link: earlier pending ones are forgotten, and the mail carrying
    /// the link is written in the same transaction. The confirmed address, if any, stays in use.
    public func requestEmailConfirmation(userId: Int64, address: String, token: String, language: Language, at date: Date) async throws {
        try await write(changes: .memberState) { connection in
            guard try await lockOpenMember(connection, userId: userId) else { throw StoreError.notFound }
            try await connection.run("DELETE FROM email_tokens WHERE user_id = \(userId) AND purpose = 'confirm'", logger: logger)
            try await connection.run("""
                INSERT INTO email_tokens (token_hash, user_id, purpose, address, created_at)
                VALUES (\(Tokens.sha256(token)), \(userId), 'confirm', \(address), \(date.unixSeconds))
                """, logger: logger)
            try await enqueueMail(connection, NewMail(kind: .confirmEmail, userId: userId, recipient: .address(address),
                                                      language: language, payload: token, due: date), at: date)
        }
    }

    public func forgetEmail(userId: Int64, confirmedToo: Bool) async throws {
        try await write(changes: .memberState) { connection in
            // Only the lock matters here: a closed account's address and links are gone or going either way.
            _ = try await lockOpenMember(connection, userId: userId)
            try await connection.run("DELETE FROM email_tokens WHERE user_id = \(userId) AND purpose = 'confirm'", logger: logger)
            if confirmedToo {
                try await connection.run("""
                    UPDATE member_email SET address = NULL, address_key = NULL, confirmed_at = NULL WHERE user_id = \(userId)
                    """, logger: logger)
            }
        }
    }

    /// Follows a confirmation link: the address becomes the member's, and every confirmation link
    /// of theirs stops working. One account per address: if another confirmed it first, no. The
    /// same link followed twice at once confirms once (the second finds it gone after the lock).
    public func confirmEmail(tokenHash: Data, at date: Date) async throws -> EmailConfirmation {
        let issuedAfter = date.unixSeconds - Int64(MailLinks.confirmationLifetime)
        return try await write(changes: .memberState) { connection -> EmailConfirmation in
            guard let userId = try await linkOwner(connection, tokenHash: tokenHash, purpose: "confirm", issuedAfter: issuedAfter),
                  try await lockOpenMember(connection, userId: userId),
                  // Read again under the lock: it may have been used or replaced while this waited.
                  let address = try await connection.one("""
                      SELECT address FROM email_tokens
                      WHERE token_hash = \(tokenHash) AND purpose = 'confirm' AND created_at > \(issuedAfter)
                      """, logger: logger, { try $0.string("address") })
            else { return .invalid }
            try await connection.run("DELETE FROM email_tokens WHERE user_id = \(userId) AND purpose = 'confirm'", logger: logger)
            let key = address.lowercased()
            if try await connection.one("""
                SELECT user_id FROM member_email WHERE address_key = \(key) AND user_id <> \(userId)
                """, logger: logger, { try $0.int64("user_id") }) != nil {
                return .addressTaken
            }
            // Another account confirming the same address at this moment is not seen above; the
            // unique index stops the second, whose link is used up all the same, as on SQLite.
            try await connection.run("SAVEPOINT confirm_address", logger: logger)
            do {
                try await connection.run("""
                    INSERT INTO member_email (user_id, address, address_key, confirmed_at)
                    VALUES (\(userId), \(address), \(key), \(date.unixSeconds))
                    ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, address_key = excluded.address_key,
                        confirmed_at = excluded.confirmed_at
                    """, logger: logger)
            } catch let error as PSQLError where error.isUniqueViolation {
                try await connection.run("ROLLBACK TO SAVEPOINT confirm_address", logger: logger)
                return .addressTaken
            }
            return .confirmed(userId: userId)
        }
    }

    /// `/password/forgot`: finds the open account whose username key or confirmed address key is
    /// given, and, if it has a confirmed address and `allow` lets it have another mail, writes the
    /// reset link and its mail in one transaction. The member's id when a mail was written.
    public func requestPasswordReset(usernameKey: String, addressKey: String, token: String, language: Language, at date: Date,
                                     allow: @Sendable @escaping (Int64) async throws -> Bool) async throws -> Int64? {
        try await write(changes: .nothing) { connection -> Int64? in
            // Two lookups, each by its own unique index (an OR across both tables would scan).
            var owner = try await connection.one("""
                SELECT u.id FROM users u JOIN member_email m ON m.user_id = u.id
                WHERE u.username_key = \(usernameKey) AND u.closed_at IS NULL AND m.address IS NOT NULL
                """, logger: logger) { try $0.int64("id") }
            if owner == nil {
                owner = try await connection.one("""
                    SELECT u.id FROM member_email m JOIN users u ON u.id = m.user_id
                    WHERE m.address_key = \(addressKey) AND u.closed_at IS NULL
                    """, logger: logger) { try $0.int64("id") }
            }
            guard let found = owner, try await lockOpenMember(connection, userId: found),
                  // Under the lock the address cannot be forgotten before the mail to it is written.
                  let chosen = try await connection.one("""
                      SELECT u.language FROM users u JOIN member_email m ON m.user_id = u.id
                      WHERE u.id = \(found) AND m.address IS NOT NULL
                      """, logger: logger, { try $0.optionalString("language").flatMap(Language.init(rawValue:)) }),
                  try await allow(found)
            else { return nil }
            try await connection.run("""
                INSERT INTO email_tokens (token_hash, user_id, purpose, created_at)
                VALUES (\(Tokens.sha256(token)), \(found), 'reset', \(date.unixSeconds))
                """, logger: logger)
            try await enqueueMail(connection, NewMail(kind: .passwordReset, userId: found, recipient: .confirmedAddress,
                                                      language: chosen ?? language, payload: token, due: date), at: date)
            return found
        }
    }

    /// Whether a link of `kind` (confirmation or reset) still works: issued, unused, not run out, its account open.
    public func mailLinkWorks(tokenHash: Data, kind: MailKind, at date: Date) async throws -> Bool {
        let (purpose, lifetime) = kind == .passwordReset ? ("reset", MailLinks.resetLifetime) : ("confirm", MailLinks.confirmationLifetime)
        return try await read { connection in
            try await linkOwner(connection, tokenHash: tokenHash, purpose: purpose, issuedAfter: date.unixSeconds - Int64(lifetime)) != nil
        }
    }

    /// The open account a working link of `purpose` belongs to.
    private func linkOwner(_ connection: PostgresConnection, tokenHash: Data, purpose: String, issuedAfter: Int64) async throws -> Int64? {
        try await connection.one("""
            SELECT t.user_id FROM email_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(tokenHash) AND t.purpose = \(purpose) AND t.created_at > \(issuedAfter) AND u.closed_at IS NULL
            """, logger: logger) { try $0.int64("user_id") }
    }

    /// Sets the new password through a reset link, in one transaction: every reset link of the
    /// member stops working, and every session and half-finished sign-in ends. The member's id;
    /// nil when the link no longer works, as for the second of two servers following it at once.
    public func resetPassword(tokenHash: Data, passwordHash: String, at date: Date) async throws -> Int64? {
        let issuedAfter = date.unixSeconds - Int64(MailLinks.resetLifetime)
        return try await write(changes: .memberState) { connection -> Int64? in
            guard let userId = try await linkOwner(connection, tokenHash: tokenHash, purpose: "reset", issuedAfter: issuedAfter),
                  try await lockOpenMember(connection, userId: userId),
                  // Used up under the lock: a second use of the link finds it gone.
                  try await connection.count("""
                      DELETE FROM email_tokens WHERE token_hash = \(tokenHash) AND purpose = 'reset' RETURNING user_id
                      """, logger: logger) == 1
            else { return nil }
            try await connection.run("DELETE FROM email_tokens WHERE user_id = \(userId) AND purpose = 'reset'", logger: logger)
            try await connection.run("UPDATE users SET password_hash = \(passwordHash) WHERE id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM sessions WHERE user_id = \(userId)", logger: logger)
            try await connection.run("DELETE FROM sign_in_challenges WHERE user_id = \(userId)", logger: logger)
            return userId
        }
    }

    /// One-click unsubscribe: no more notification mail for the member. False for no open account.
    public func unsubscribe(userId: Int64) async throws -> Bool {
        try await write(changes: .memberState) { connection in
            guard try await lockOpenMember(connection, userId: userId) else { return false }
            try await setMailNotifications(connection, userId: userId, .none)
            return true
        }
    }
}
