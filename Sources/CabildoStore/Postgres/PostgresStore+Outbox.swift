import CabildoCore
import Foundation
import PostgresNIO

/// The outbox, as `AppDatabase+Outbox`: each mail is a row written in its cause's transaction.
/// Here several servers share it, each with its delivery worker; `claimMail` makes sure one
/// mail is in one worker's hands at a time.
extension PostgresStore {
    /// Puts one mail in the outbox inside the caller's transaction, as `AppDatabase.enqueueMail`.
    /// False when the mail goes to the member's confirmed address and they have none.
    @discardableResult
    func enqueueMail(_ connection: PostgresConnection, _ mail: NewMail, at date: Date) async throws -> Bool {
        let recipient: String
        switch mail.recipient {
        case .address(let address):
            recipient = address
        case .confirmedAddress:
            guard let address = try await connection.one("""
                SELECT address FROM member_email WHERE user_id = \(mail.userId) AND address IS NOT NULL
                """, logger: logger, { try $0.string("address") }) else { return false }
            recipient = address
        }
        try await connection.run("""
            INSERT INTO mail_outbox (user_id, kind, recipient, language, payload, created_at, due_at)
            VALUES (\(mail.userId), \(mail.kind.rawValue), \(recipient), \(mail.language.rawValue), \(mail.payload),
                    \(date.unixSeconds), \(mail.due.unixSeconds))
            """, logger: logger)
        return true
    }

    /// The oldest mail that is due and nobody holds, now held by the caller for `lease` seconds and
    /// counted as one more try; nil when none is due. Workers on several servers claim at once:
    /// `FOR UPDATE SKIP LOCKED` passes over the row another worker is claiming (instead of waiting
    /// for it, then finding it taken), and a row claimed and committed meanwhile is checked again
    /// by the lock and skipped, so each mail goes to one worker and no worker waits for another.
    public func claimMail(at date: Date, lease: TimeInterval) async throws -> OutboxMail? {
        let now = date.unixSeconds
        return try await write(changes: .nothing) { connection -> OutboxMail? in
            try await connection.one("""
                WITH next AS (
                    SELECT id FROM mail_outbox
                    WHERE outcome IS NULL AND due_at <= \(now) AND (claimed_until IS NULL OR claimed_until <= \(now))
                    ORDER BY due_at, id LIMIT 1
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE mail_outbox m SET claimed_until = \(now + Int64(lease)), attempts = m.attempts + 1
                FROM next, users u WHERE m.id = next.id AND u.id = m.user_id
                RETURNING m.id, m.kind, m.user_id, u.username, u.closed_at IS NULL AS open, m.recipient, m.language, m.payload,
                          m.created_at, m.attempts
                """, logger: logger) { row -> OutboxMail? in
                guard let kind = MailKind(rawValue: try row.string("kind")) else { return nil }
                return OutboxMail(id: try row.int64("id"), kind: kind, userId: try row.int64("user_id"),
                                  username: try row.string("username"), accountOpen: try row.bool("open"),
                                  recipient: try row.string("recipient"),
                                  language: Language(rawValue: try row.string("language")) ?? .es, payload: try row.string("payload"),
                                  createdAt: try row.date("created_at"), attempts: try row.int("attempts"))
            } ?? nil
        }
    }

    /// When the next waiting mail falls due (it may be held by a worker now); nil when none waits.
    public func nextMailDue() async throws -> Date? {
        try await read { connection in
            try await connection.one("""
                SELECT MIN(GREATEST(due_at, coalesce(claimed_until, 0))) AS due FROM mail_outbox WHERE outcome IS NULL
                """, logger: logger) { try $0.optionalDate("due") } ?? nil
        }
    }

    /// Sent, given up or skipped: its address and payload (a link's token) are erased at once.
    public func finishMail(id: Int64, outcome: MailOutcome, error: String?, at date: Date) async throws {
        try await write(changes: .nothing) { connection in
            try await connection.run("""
                UPDATE mail_outbox SET outcome = \(outcome.rawValue), finished_at = \(date.unixSeconds), recipient = NULL, payload = '',
                    claimed_until = NULL, last_error = coalesce(\(error.map { String($0.prefix(300)) }), last_error)
                WHERE id = \(id) AND outcome IS NULL
                """, logger: logger)
        }
    }

    /// Back in line until `due`, after a failure that may pass.
    public func retryMail(id: Int64, due: Date, error: String) async throws {
        try await write(changes: .nothing) { connection in
            try await connection.run("""
                UPDATE mail_outbox SET due_at = \(due.unixSeconds), claimed_until = NULL, last_error = \(String(error.prefix(300)))
                WHERE id = \(id) AND outcome IS NULL
                """, logger: logger)
        }
    }

    /// Links past their lifetime, and finished mails older than `AppDatabase.finishedMailKept`; how many rows went.
    public func deleteExpiredMailRecords(at date: Date) async throws -> Int {
        let now = date.unixSeconds
        return try await write(changes: .nothing) { connection in
            let tokens = try await connection.count("""
                DELETE FROM email_tokens
                WHERE (purpose = 'confirm' AND created_at <= \(now - Int64(MailLinks.confirmationLifetime)))
                   OR (purpose = 'reset' AND created_at <= \(now - Int64(MailLinks.resetLifetime)))
                RETURNING user_id
                """, logger: logger)
            let mails = try await connection.count("""
                DELETE FROM mail_outbox WHERE outcome IS NOT NULL AND finished_at <= \(now - Int64(AppDatabase.finishedMailKept))
                RETURNING id
                """, logger: logger)
            return tokens + mails
        }
    }
}
