import CabildoCore
import Foundation
import GRDB

/// A member's e-mail address, the single-use links sent to it (confirmation, password reset: only
/// their SHA-256 is kept), and the choice of notification mail. Each action that sends a mail
/// writes it to the outbox in its own transaction (`enqueueMail`).
extension AppDatabase {
    public func emailSettings(userId: Int64, at date: Date) async throws -> EmailSettings {
        try await read { db in
            let row = try Row.fetchOne(db.cached("SELECT address, mail_notifications FROM member_email WHERE user_id = ?"),
                                       arguments: [userId])
            let pending = try String.fetchOne(db.cached("""
                SELECT address FROM email_tokens WHERE user_id = ? AND purpose = 'confirm' AND created_at > ?
                ORDER BY created_at DESC LIMIT 1
                """), arguments: [userId, date.unixSeconds - Int64(MailLinks.confirmationLifetime)])
            return EmailSettings(confirmedAddress: row?["address"], pendingAddress: pending,
                                 mailNotifications: (row?["mail_notifications"] as String?).flatMap(MailNotifications.init) ?? .each)
        }
    }

    public func saveMailNotifications(userId: Int64, _ choice: MailNotifications) async throws {
        try await write(changes: .memberState) { db in
            try Self.setMailNotifications(db, userId: userId, choice)
        }
    }

    private static func setMailNotifications(_ db: Database, userId: Int64, _ choice: MailNotifications) throws {
        try db.cached("""
            INSERT INTO member_email (user_id, mail_notifications) VALUES (?, ?)
            ON CONFLICT (user_id) DO UPDATE SET mail_notifications = excluded.mail_notifications
            """).execute(arguments: [userId, choice.rawValue])
    }

    /// A new address waits for its link: earlier pending ones are forgotten, and the mail carrying
    /// the link is written in the same transaction. The confirmed address, if any, stays in use.
    public func requestEmailConfirmation(userId: Int64, address: String, token: String, language: Language, at date: Date) async throws {
        try await write(changes: .memberState) { db in
            guard try Bool.fetchOne(db.cached("SELECT closed_at IS NULL FROM users WHERE id = ?"), arguments: [userId]) == true else {
                throw StoreError.notFound
            }
            try db.cached("DELETE FROM email_tokens WHERE user_id = ? AND purpose = 'confirm'").execute(arguments: [userId])
            try db.cached("INSERT INTO email_tokens (token_hash, user_id, purpose, address, created_at) VALUES (?, ?, 'confirm', ?, ?)")
                .execute(arguments: [Tokens.sha256(token), userId, address, date.unixSeconds])
            try Self.enqueueMail(db, NewMail(kind: .confirmEmail, userId: userId, recipient: .address(address), language: language,
                                             payload: token, due: date), at: date)
        }
    }

    /// Forgets a pending address (its link stops working); with `confirmedToo`, the confirmed one as well.
    public func forgetEmail(userId: Int64, confirmedToo: Bool) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("DELETE FROM email_tokens WHERE user_id = ? AND purpose = 'confirm'").execute(arguments: [userId])
            if confirmedToo {
                try db.cached("UPDATE member_email SET address = NULL, address_key = NULL, confirmed_at = NULL WHERE user_id = ?")
                    .execute(arguments: [userId])
            }
        }
    }

    /// Follows a confirmation link: the address becomes the member's, and every confirmation link
    /// of theirs stops working. One account per address: if another confirmed it first, no.
    public func confirmEmail(tokenHash: Data, at date: Date) async throws -> EmailConfirmation {
        try await write(changes: .memberState) { db in
            guard let row = try Row.fetchOne(db.cached("""
                SELECT t.user_id, t.address FROM email_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.purpose = 'confirm' AND t.created_at > ? AND u.closed_at IS NULL
                """), arguments: [tokenHash, date.unixSeconds - Int64(MailLinks.confirmationLifetime)]) else { return .invalid }
            let userId: Int64 = row["user_id"], address: String = row["address"]
            try db.cached("DELETE FROM email_tokens WHERE user_id = ? AND purpose = 'confirm'").execute(arguments: [userId])
            let key = address.lowercased()
            if try Int64.fetchOne(db.cached("SELECT user_id FROM member_email WHERE address_key = ? AND user_id != ?"),
                                  arguments: [key, userId]) != nil {
                return .addressTaken
            }
            try db.cached("""
                INSERT INTO member_email (user_id, address, address_key, confirmed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, address_key = excluded.address_key,
                    confirmed_at = excluded.confirmed_at
                """).execute(arguments: [userId, address, key, date.unixSeconds])
            return .confirmed(userId: userId)
        }
    }

    /// `/password/forgot`: finds the open account whose username key or confirmed address key is
    /// given, and, if it has a confirmed address and `allow` lets it have another mail, writes the
    /// reset link and its mail in one transaction. The member's id when a mail was written.
    /// `language` is used when the member chose none.
    public func requestPasswordReset(usernameKey: String, addressKey: String, token: String, language: Language, at date: Date,
                                     allow: @Sendable @escaping (Int64) async throws -> Bool) async throws -> Int64? {
        // Two lookups, each by its own unique index (an OR across both tables would scan).
        let lookup = """
            SELECT u.id, u.language FROM users u JOIN member_email m ON m.user_id = u.id
            WHERE u.closed_at IS NULL AND m.address IS NOT NULL AND
            """
        guard let found = try await read({ db -> (id: Int64, language: String?)? in
            let row = try Row.fetchOne(db.cached(lookup + " u.username_key = ?"), arguments: [usernameKey])
                ?? Row.fetchOne(db.cached(lookup + " m.address_key = ?"), arguments: [addressKey])
            return row.map { ($0["id"], $0["language"]) }
        }), try await allow(found.id) else { return nil }
        return try await write(changes: .nothing) { db -> Int64? in
            // Read again in the write: the account may have closed, or the address gone, meanwhile.
            guard try Row.fetchOne(db.cached(lookup + " u.id = ?"), arguments: [found.id]) != nil else { return nil }
            try db.cached("INSERT INTO email_tokens (token_hash, user_id, purpose, created_at) VALUES (?, ?, 'reset', ?)")
                .execute(arguments: [Tokens.sha256(token), found.id, date.unixSeconds])
            let chosen = found.language.flatMap(Language.init(rawValue:))
            try Self.enqueueMail(db, NewMail(kind: .passwordReset, userId: found.id, recipient: .confirmedAddress,
                                             language: chosen ?? language, payload: token, due: date), at: date)
            return found.id
        }
    }

    /// Whether a link of `kind` (confirmation or reset) still works: issued, unused, not run out,
    /// its account open.
    public func mailLinkWorks(tokenHash: Data, kind: MailKind, at date: Date) async throws -> Bool {
        let (purpose, lifetime) = kind == .passwordReset ? ("reset", MailLinks.resetLifetime) : ("confirm", MailLinks.confirmationLifetime)
        return try await read { db in
            try Bool.fetchOne(db.cached("""
                SELECT EXISTS (SELECT 1 FROM email_tokens t JOIN users u ON u.id = t.user_id
                    WHERE t.token_hash = ? AND t.purpose = ? AND t.created_at > ? AND u.closed_at IS NULL)
                """), arguments: [tokenHash, purpose, date.unixSeconds - Int64(lifetime)]) ?? false
        }
    }

    /// Sets the new password through a reset link, in one transaction: every reset link of the
    /// member stops working, and every session and half-finished sign-in ends (whoever asked for
    /// the reset may not be the only one who knew the old password). Two-factor sign-in stays as
    /// it was. The member's id; nil when the link no longer works.
    public func resetPassword(tokenHash: Data, passwordHash: String, at date: Date) async throws -> Int64? {
        try await write(changes: .memberState) { db -> Int64? in
            guard let userId = try Int64.fetchOne(db.cached("""
                SELECT t.user_id FROM email_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.purpose = 'reset' AND t.created_at > ? AND u.closed_at IS NULL
                """), arguments: [tokenHash, date.unixSeconds - Int64(MailLinks.resetLifetime)]) else { return nil }
            try db.cached("UPDATE users SET password_hash = ? WHERE id = ?").execute(arguments: [passwordHash, userId])
            try db.cached("DELETE FROM email_tokens WHERE user_id = ? AND purpose = 'reset'").execute(arguments: [userId])
            try Self.endOtherSessions(db, userId: userId, keeping: nil)
            try db.cached("DELETE FROM sign_in_challenges WHERE user_id = ?").execute(arguments: [userId])
            return userId
        }
    }

    /// One-click unsubscribe: no more notification mail for the member. False for no open account.
    public func unsubscribe(userId: Int64) async throws -> Bool {
        try await write(changes: .memberState) { db in
            guard try Bool.fetchOne(db.cached("SELECT closed_at IS NULL FROM users WHERE id = ?"), arguments: [userId]) == true else {
                return false
            }
            try Self.setMailNotifications(db, userId: userId, .none)
            return true
        }
    }
}
