import CabildoCore
import Foundation
import GRDB

/// The outbox: every mail is a row written in the same transaction as its cause, so a mail exists
/// exactly when what it tells of happened, and a crash or a mail server that is down loses none.
/// One delivery worker claims a row, sends it and marks it; the claim is a conditional UPDATE, so
/// two workers sharing the database (several servers, later) never send the same mail.
extension AppDatabase {
    /// How long a finished mail's row (no address, no payload left) stays, for operators who look.
    public static let finishedMailKept: TimeInterval = 7 * 86400

    /// Puts one mail in the outbox inside the caller's transaction: adding a kind of mail is a call
    /// to this where its cause is written. False when the mail goes to the member's confirmed
    /// address and they have none.
    @discardableResult
    static func enqueueMail(_ db: Database, _ mail: NewMail, at date: Date) throws -> Bool {
        let recipient: String
        switch mail.recipient {
        case .address(let address):
            recipient = address
        case .confirmedAddress:
            guard let address = try String.fetchOne(db.cached("SELECT address FROM member_email WHERE user_id = ? AND address IS NOT NULL"),
                                                    arguments: [mail.userId]) else { return false }
            recipient = address
        }
        try db.cached("""
            INSERT INTO mail_outbox (user_id, kind, recipient, language, payload, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [mail.userId, mail.kind.rawValue, recipient, mail.language.rawValue, mail.payload,
                                     date.unixSeconds, mail.due.unixSeconds])
        return true
    }

    /// The oldest mail that is due and nobody holds, now held by the caller for `lease` seconds and
    /// counted as one more try; nil when none is due.
    public func claimMail(at date: Date, lease: TimeInterval) async throws -> OutboxMail? {
        let now = date.unixSeconds
        return try await write(changes: .nothing) { db -> OutboxMail? in
            guard let id = try Int64.fetchOne(db.cached("""
                SELECT id FROM mail_outbox WHERE outcome IS NULL AND due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
                ORDER BY due_at, id LIMIT 1
                """), arguments: [now, now]) else { return nil }
            // The same conditions again: on PostgreSQL another worker may have taken it in between.
            try db.cached("""
                UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1
                WHERE id = ? AND outcome IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)
                """).execute(arguments: [now + Int64(lease), id, now])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db.cached("""
                SELECT m.id, m.kind, m.user_id, u.username, u.closed_at IS NULL AS open, m.recipient, m.language, m.payload,
                       m.created_at, m.attempts
                FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE m.id = ?
                """), arguments: [id]).flatMap { row in
                guard let kind = MailKind(rawValue: row["kind"]) else { return nil }
                return OutboxMail(id: row["id"], kind: kind, userId: row["user_id"], username: row["username"], accountOpen: row["open"],
                                  recipient: row["recipient"], language: Language(rawValue: row["language"]) ?? .es,
                                  payload: row["payload"], createdAt: row.date("created_at"), attempts: row["attempts"])
            }
        }
    }

    /// When the next waiting mail falls due (it may be held by a worker now); nil when none waits.
    public func nextMailDue() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db.cached("SELECT MIN(max(due_at, coalesce(claimed_until, 0))) FROM mail_outbox WHERE outcome IS NULL"))
                .map(Date.init(unixSeconds:))
        }
    }

    /// Sent, given up or skipped: its address and payload (a link's token) are erased at once.
    /// `error` names the last failure (an SMTP code, never the server's words).
    public func finishMail(id: Int64, outcome: MailOutcome, error: String?, at date: Date) async throws {
        try await write(changes: .nothing) { db in
            try db.cached("""
                UPDATE mail_outbox SET outcome = ?, finished_at = ?, recipient = NULL, payload = '', claimed_until = NULL,
                    last_error = coalesce(?, last_error)
                WHERE id = ? AND outcome IS NULL
                """).execute(arguments: [outcome.rawValue, date.unixSeconds, error.map { String($0.prefix(300)) }, id])
        }
    }

    /// Back in line until `due`, after a failure that may pass.
    public func retryMail(id: Int64, due: Date, error: String) async throws {
        try await write(changes: .nothing) { db in
            try db.cached("UPDATE mail_outbox SET due_at = ?, claimed_until = NULL, last_error = ? WHERE id = ? AND outcome IS NULL")
                .execute(arguments: [due.unixSeconds, String(error.prefix(300)), id])
        }
    }

    /// Links past their lifetime, and finished mails older than `finishedMailKept`; how many rows went.
    public func deleteExpiredMailRecords(at date: Date) async throws -> Int {
        let now = date.unixSeconds
        return try await write(changes: .nothing) { db in
            try db.cached("""
                DELETE FROM email_tokens WHERE (purpose = 'confirm' AND created_at <= ?) OR (purpose = 'reset' AND created_at <= ?)
                """).execute(arguments: [now - Int64(MailLinks.confirmationLifetime), now - Int64(MailLinks.resetLifetime)])
            let tokens = db.changesCount
            try db.cached("DELETE FROM mail_outbox WHERE outcome IS NOT NULL AND finished_at <= ?")
                .execute(arguments: [now - Int64(Self.finishedMailKept)])
            return tokens + db.changesCount
        }
    }
}
