import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoStore

/// The outbox as the delivery worker uses it: a mail is claimed by one worker at a time, comes
/// back when its worker died, keeps nothing of its address or link once finished, and goes a week later.
@Suite final class OutboxTests {
    let store: AppDatabase
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws { store = try AppDatabase.temporary() }

    deinit { removeDatabase(at: store.path) }

    func member(_ name: String) async throws -> User {
        try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: .member,
                                           stakeholder: .academia, createdAt: now))
    }

    @Test func oneWorkerHoldsAMailAndAnotherTakesItOnlyWhenTheHoldRunsOut() async throws {
        // given one mail due
        let user = try await member("ana")
        try await store.requestEmailConfirmation(userId: user.id, address: "ana@example.org", token: "t0ken", language: .es, at: now)

        // when two workers claim at once
        let (store, now) = (store, now)
        async let first = store.claimMail(at: now, lease: 600)
        async let second = store.claimMail(at: now, lease: 600)
        let claims = try await [first, second].compactMap { $0 }

        // then one gets it, with what it needs to write it
        #expect(claims.count == 1)
        #expect(claims.first.map { ($0.kind, $0.recipient, $0.payload, $0.username, $0.attempts) } ?? (.passwordReset, "", "", "", 0)
                == (.confirmEmail, "ana@example.org", "t0ken", "ana", 1))
        // and nobody else while it is held; after the hold (its worker died), another worker takes it
        #expect(try await store.claimMail(at: now.addingTimeInterval(599), lease: 600) == nil)
        let again = try #require(try await store.claimMail(at: now.addingTimeInterval(600), lease: 600))
        #expect(again.attempts == 2)

        // when it is put back after a failure, it waits until its time
        try await store.retryMail(id: again.id, due: now.addingTimeInterval(900), error: "RCPT refused: 451")
        #expect(try await store.nextMailDue() == now.addingTimeInterval(900))
        #expect(try await store.claimMail(at: now.addingTimeInterval(899), lease: 600) == nil)
        let third = try #require(try await store.claimMail(at: now.addingTimeInterval(900), lease: 600))

        // when it is sent, its address and link are erased, and the row goes after a week
        try await store.finishMail(id: third.id, outcome: .sent, error: nil, at: now.addingTimeInterval(901))
        let row = try await store.read { db -> [String?] in
            try Row.fetchOne(db, sql: "SELECT recipient, payload, outcome, last_error, attempts FROM mail_outbox WHERE id = ?",
                             arguments: [third.id]).map { row in (0..<5).map { row[$0] as DatabaseValue }.map { $0.isNull ? nil : "\($0)" } } ?? []
        }
        #expect(row == [nil, "\"\"", "\"sent\"", "\"RCPT refused: 451\"", "3"])
        #expect(try await store.nextMailDue() == nil)
        #expect(try await store.deleteExpiredMailRecords(at: now.addingTimeInterval(6 * 86400)) == 1, "only the link, run out")
        #expect(try await store.deleteExpiredMailRecords(at: now.addingTimeInterval(8 * 86400)) == 1, "the mail's row, a week on")
    }

    @Test func aMailToTheConfirmedAddressNeedsOne() async throws {
        let user = try await member("sinmail")
        let mail = NewMail(kind: .passwordReset, userId: user.id, recipient: .confirmedAddress, language: .en, payload: "x", due: now)
        let now = now
        #expect(try await store.write { db in try AppDatabase.enqueueMail(db, mail, at: now) } == false)
        #expect(try await store.nextMailDue() == nil)
    }

    @Test func theSchemaKeepsNothingOfAFinishedMail() async throws {
        let user = try await member("esquema")
        try await store.requestEmailConfirmation(userId: user.id, address: "e@example.org", token: "t", language: .es, at: now)
        let writer = store.writer
        #expect(throws: DatabaseError.self, "a finished mail without its address erased") {
            try writer.write { db in try db.execute(sql: "UPDATE mail_outbox SET outcome = 'sent', finished_at = 1") }
        }
        #expect(throws: DatabaseError.self, "a kind nobody composes") {
            try writer.write { db in try db.execute(sql: "UPDATE mail_outbox SET kind = 'spam'") }
        }
    }
}
