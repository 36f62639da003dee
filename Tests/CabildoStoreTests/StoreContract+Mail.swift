import CabildoCore
import Foundation
import GRDB
import CabildoTestSupport
import Testing
@testable import CabildoStore

/// E-mail addresses, the links mailed to them and the outbox (`MailAndNotificationStore`), on both
/// stores. On PostgreSQL several servers share one outbox and follow links at once: the
/// concurrent tests below run the same call from eight tasks, each on a connection of its own.
extension StoreContractTests {
    typealias MailStore = any MailAndNotificationStore

    /// A member with `address` confirmed (its confirmation mail finished, so the outbox is empty).
    static func confirmed(_ store: MailStore, _ name: String, _ address: String, at date: Date = start) async throws -> User {
        let user = try await member(store, name, at: date)
        let token = "confirm-\(name)"
        try await store.requestEmailConfirmation(userId: user.id, address: address, token: token, language: .es, at: date)
        #expect(try await store.confirmEmail(tokenHash: Tokens.sha256(token), at: date) == .confirmed(userId: user.id))
        let mail = try #require(try await store.claimMail(at: date, lease: 600))
        try await store.finishMail(id: mail.id, outcome: .sent, error: nil, at: date)
        return user
    }

    // MARK: The outbox

    @Test(arguments: StoreKind.available) func oneWorkerHoldsAMailAndAnotherTakesItOnlyWhenTheHoldRunsOut(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given one mail due
            let now = Self.start
            let user = try await Self.member(store, "ana")
            try await store.requestEmailConfirmation(userId: user.id, address: "ana@example.org", token: "t0ken", language: .es, at: now)

            // when two workers claim at once
            async let first = store.claimMail(at: now, lease: 600)
            async let second = store.claimMail(at: now, lease: 600)
            let claims = try await [first, second].compactMap { $0 }

            // then one gets it, with what it needs to write it
            #expect(claims.count == 1)
            let claim = try #require(claims.first)
            #expect(claim.kind == .confirmEmail && claim.recipient == "ana@example.org" && claim.payload == "t0ken")
            #expect(claim.username == "ana" && claim.userId == user.id && claim.accountOpen && claim.attempts == 1)
            #expect(claim.language == .es && claim.createdAt == now)
            // and nobody else while it is held; after the hold (its worker died), another worker takes it
            #expect(try await store.nextMailDue() == now.addingTimeInterval(600))
            #expect(try await store.claimMail(at: now.addingTimeInterval(599), lease: 600) == nil)
            let again = try #require(try await store.claimMail(at: now.addingTimeInterval(600), lease: 600))
            #expect(again.id == claim.id && again.attempts == 2)

            // when it is put back after a failure, it waits until its time
            try await store.retryMail(id: again.id, due: now.addingTimeInterval(900), error: "RCPT refused: 451")
            #expect(try await store.nextMailDue() == now.addingTimeInterval(900))
            #expect(try await store.claimMail(at: now.addingTimeInterval(899), lease: 600) == nil)
            let third = try #require(try await store.claimMail(at: now.addingTimeInterval(900), lease: 600))

            // when it is sent, its address and link are erased, and the row goes after a week
            try await store.finishMail(id: third.id, outcome: .sent, error: nil, at: now.addingTimeInterval(901))
            #expect(try await Self.outboxRow(store, id: third.id) == [nil, "", "sent", "RCPT refused: 451", "3"])
            // a finished mail is finished: neither put back nor finished again
            try await store.retryMail(id: third.id, due: now, error: "late")
            try await store.finishMail(id: third.id, outcome: .failed, error: "late", at: now.addingTimeInterval(902))
            #expect(try await Self.outboxRow(store, id: third.id) == [nil, "", "sent", "RCPT refused: 451", "3"])
            #expect(try await store.nextMailDue() == nil)
            #expect(try await store.claimMail(at: now.addingTimeInterval(86400), lease: 600) == nil)
            #expect(try await store.deleteExpiredMailRecords(at: now.addingTimeInterval(6 * 86400)) == 1, "only the link, run out")
            #expect(try await store.deleteExpiredMailRecords(at: now.addingTimeInterval(8 * 86400)) == 1, "the mail's row, a week on")
            #expect(try await Self.outboxRow(store, id: third.id) == [])
        }
    }

    @Test(arguments: StoreKind.available) func eightWorkersClaimTwentyMailsEachExactlyOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given twenty mails due, one a second, each member's own
            var expected: [Int64] = []
            for number in 0..<20 {
                let user = try await Self.member(store, "persona\(number)")
                try await store.requestEmailConfirmation(userId: user.id, address: "p\(number)@example.org", token: "t\(number)",
                                                         language: .en, at: Self.start.addingTimeInterval(Double(number)))
                expected.append(user.id)
            }
            let now = Self.start.addingTimeInterval(60)

            // when eight workers claim until none is left for them
            let claims = try await withThrowingTaskGroup(of: [OutboxMail].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [OutboxMail] = []
                        while let mail = try await store.claimMail(at: now, lease: 600) { mine.append(mail) }
                        return mine
                    }
                }
                return try await group.reduce(into: [OutboxMail]()) { $0 += $1 }
            }

            // then every mail was claimed, once, on its first try
            #expect(claims.count == 20)
            #expect(Set(claims.map(\.id)).count == 20)
            #expect(claims.map(\.userId).sorted() == expected)
            #expect(Set(claims.map(\.payload)) == Set((0..<20).map { "t\($0)" }) && claims.allSatisfy { $0.attempts == 1 })
            #expect(try await store.claimMail(at: now, lease: 600) == nil)
            #expect(try await store.nextMailDue() == now.addingTimeInterval(600), "all held")
        }
    }

    @Test(arguments: StoreKind.available) func aMailToTheConfirmedAddressNeedsOne(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given a member with an address waiting for its link, none confirmed
            let user = try await Self.member(store, "sinmail")
            try await store.requestEmailConfirmation(userId: user.id, address: "sin@example.org", token: "t", language: .es, at: Self.start)
            let confirmation = try #require(try await store.claimMail(at: Self.start, lease: 600))
            try await store.finishMail(id: confirmation.id, outcome: .sent, error: nil, at: Self.start)

            // when a reset is asked for, by name or by the unconfirmed address
            let byName = try await store.requestPasswordReset(usernameKey: "sinmail", addressKey: "", token: "r1", language: .es,
                                                              at: Self.start, allow: { _ in true })
            let byAddress = try await store.requestPasswordReset(usernameKey: "", addressKey: "sin@example.org", token: "r2",
                                                                 language: .es, at: Self.start, allow: { _ in true })

            // then no link, no mail; nor for any mail to the confirmed address, written where its cause is
            #expect(byName == nil && byAddress == nil)
            #expect(try await Self.enqueue(store, NewMail(kind: .passwordReset, userId: user.id, recipient: .confirmedAddress, language: .en,
                                                          payload: "x", due: Self.start)) == false)
            #expect(try await store.nextMailDue() == nil)
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("r1"), kind: .passwordReset, at: Self.start) == false)
        }
    }

    @Test(arguments: StoreKind.available) func theSchemaKeepsNothingOfAFinishedMail(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let user = try await Self.member(store, "esquema")
            try await store.requestEmailConfirmation(userId: user.id, address: "e@example.org", token: "t", language: .es, at: Self.start)
            #expect(try await Self.refuses(store, "UPDATE mail_outbox SET attempts = 1") == false, "a row the schema takes")
            #expect(try await Self.refuses(store, "UPDATE mail_outbox SET outcome = 'sent', finished_at = 1"),
                    "a finished mail without its address erased")
            #expect(try await Self.refuses(store, "UPDATE mail_outbox SET kind = 'spam'"), "a kind nobody composes")
            #expect(try await Self.refuses(store, "UPDATE mail_outbox SET language = 'fr'"), "a language nobody writes")
            #expect(try await Self.refuses(store, "UPDATE mail_outbox SET attempts = -1"))
        }
    }

    // MARK: Addresses and their links

    @Test(arguments: StoreKind.available) func anAddressIsConfirmedByItsLinkOnceAndForgottenOnRequest(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given a member with no address
            let ana = try await Self.member(store, "ana")
            #expect(try await store.emailSettings(userId: ana.id, at: Self.start)
                    == EmailSettings(confirmedAddress: nil, pendingAddress: nil, mailNotifications: .each))

            // when she gives one, then another: only the newest link works, and its mail goes to the new address
            try await store.requestEmailConfirmation(userId: ana.id, address: "vieja@example.org", token: "uno", language: .es, at: Self.start)
            let later = Self.start.addingTimeInterval(60)
            try await store.requestEmailConfirmation(userId: ana.id, address: "Ana@Example.org", token: "dos", language: .en, at: later)
            #expect(try await store.emailSettings(userId: ana.id, at: later).pendingAddress == "Ana@Example.org")
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("uno"), kind: .confirmEmail, at: later) == false)
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("dos"), kind: .confirmEmail, at: later))
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("dos"), kind: .passwordReset, at: later) == false)
            let mails = [try await store.claimMail(at: later, lease: 600), try await store.claimMail(at: later, lease: 600)]
            #expect(mails.compactMap { $0?.recipient } == ["vieja@example.org", "Ana@Example.org"])
            #expect(mails[1]?.language == .en && mails[1]?.payload == "dos")

            // when she follows it: confirmed, as written; the link is used up
            #expect(try await store.confirmEmail(tokenHash: Tokens.sha256("dos"), at: later) == .confirmed(userId: ana.id))
            #expect(try await store.confirmEmail(tokenHash: Tokens.sha256("dos"), at: later) == .invalid)
            #expect(try await store.confirmEmail(tokenHash: Tokens.sha256("uno"), at: later) == .invalid)
            #expect(try await store.emailSettings(userId: ana.id, at: later)
                    == EmailSettings(confirmedAddress: "Ana@Example.org", pendingAddress: nil, mailNotifications: .each))

            // when she asks to change it, the confirmed one stays until the new one is confirmed
            try await store.requestEmailConfirmation(userId: ana.id, address: "nueva@example.org", token: "tres", language: .es, at: later)
            #expect(try await store.emailSettings(userId: ana.id, at: later)
                    == EmailSettings(confirmedAddress: "Ana@Example.org", pendingAddress: "nueva@example.org", mailNotifications: .each))
            // and a link run out is neither pending nor working
            let dayLater = later.addingTimeInterval(MailLinks.confirmationLifetime)
            #expect(try await store.emailSettings(userId: ana.id, at: dayLater).pendingAddress == nil)
            #expect(try await store.confirmEmail(tokenHash: Tokens.sha256("tres"), at: dayLater) == .invalid)

            // when she drops the pending address, then the confirmed one too
            try await store.requestEmailConfirmation(userId: ana.id, address: "otra@example.org", token: "cuatro", language: .es, at: later)
            try await store.forgetEmail(userId: ana.id, confirmedToo: false)
            #expect(try await store.emailSettings(userId: ana.id, at: later)
                    == EmailSettings(confirmedAddress: "Ana@Example.org", pendingAddress: nil, mailNotifications: .each))
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("cuatro"), kind: .confirmEmail, at: later) == false)
            try await store.forgetEmail(userId: ana.id, confirmedToo: true)
            #expect(try await store.emailSettings(userId: ana.id, at: later)
                    == EmailSettings(confirmedAddress: nil, pendingAddress: nil, mailNotifications: .each))

            // then nobody's address is asked for an account that does not exist
            await #expect(throws: StoreError.notFound) {
                try await store.requestEmailConfirmation(userId: ana.id + 100, address: "x@example.org", token: "x", language: .es,
                                                         at: later)
            }
        }
    }

    @Test(arguments: StoreKind.available) func oneAddressBelongsToOneAccount(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given ana's confirmed address
            _ = try await Self.confirmed(store, "ana", "ana@example.org")
            // when bea asks for it in other letters and follows her link
            let bea = try await Self.member(store, "bea")
            try await store.requestEmailConfirmation(userId: bea.id, address: "ANA@example.org", token: "de-bea", language: .es,
                                                     at: Self.start)
            // then it stays ana's, and bea's link is used up
            #expect(try await store.confirmEmail(tokenHash: Tokens.sha256("de-bea"), at: Self.start) == .addressTaken)
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("de-bea"), kind: .confirmEmail, at: Self.start) == false)
            #expect(try await store.emailSettings(userId: bea.id, at: Self.start).confirmedAddress == nil)
        }
    }

    @Test(arguments: StoreKind.available) func aLinkFollowedFromEightServersAtOnceWorksOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given a confirmation link, and eight accounts each with a link for one same address
            let ana = try await Self.member(store, "ana")
            try await store.requestEmailConfirmation(userId: ana.id, address: "ana@example.org", token: "una-vez", language: .es,
                                                     at: Self.start)
            for number in 0..<8 {
                let user = try await Self.member(store, "rival\(number)")
                try await store.requestEmailConfirmation(userId: user.id, address: "Disputada@example.org", token: "rival\(number)",
                                                         language: .es, at: Self.start)
            }

            // when the one link is followed eight times at once
            let confirmations = try await withThrowingTaskGroup(of: EmailConfirmation.self) { group in
                for _ in 0..<8 { group.addTask { try await store.confirmEmail(tokenHash: Tokens.sha256("una-vez"), at: Self.start) } }
                return try await group.reduce(into: [EmailConfirmation]()) { $0.append($1) }
            }
            // then it confirms once
            #expect(confirmations.filter { $0 == .confirmed(userId: ana.id) }.count == 1)
            #expect(confirmations.filter { $0 == .invalid }.count == 7)

            // when the eight rivals follow theirs at once
            let rivals = try await withThrowingTaskGroup(of: EmailConfirmation.self) { group in
                for number in 0..<8 {
                    group.addTask { try await store.confirmEmail(tokenHash: Tokens.sha256("rival\(number)"), at: Self.start) }
                }
                return try await group.reduce(into: [EmailConfirmation]()) { $0.append($1) }
            }
            // then one account has the address; the others are told it is taken
            #expect(rivals.filter { if case .confirmed = $0 { true } else { false } }.count == 1)
            #expect(rivals.filter { $0 == .addressTaken }.count == 7)
        }
    }

    @Test(arguments: StoreKind.available) func aResetLinkWorksOnceForAnHourAndEndsEverySession(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given ana, with a confirmed address and two sessions
            let ana = try await Self.confirmed(store, "ana", "Ana@Example.org")
            for byte: UInt8 in [1, 2] {
                try await store.createSession(tokenHash: Data(repeating: byte, count: 32), userId: ana.id, userAgent: "", at: Self.start)
            }

            // when a reset is refused by the caller's rule, nothing is written
            let refused = try await store.requestPasswordReset(usernameKey: "ana", addressKey: "", token: "no", language: .es,
                                                               at: Self.start, allow: { _ in false })
            #expect(refused == nil)
            #expect(try await store.nextMailDue() == nil)

            // when it is asked for by name, then by address (its key: lower case)
            let byName = try await store.requestPasswordReset(usernameKey: "ana", addressKey: "nadie@example.org", token: "r1",
                                                              language: .en, at: Self.start, allow: { $0 == ana.id })
            let byAddress = try await store.requestPasswordReset(usernameKey: "nadie", addressKey: "ana@example.org", token: "r2",
                                                                 language: .en, at: Self.start, allow: { _ in true })
            #expect(byName == ana.id && byAddress == ana.id)
            #expect(try await store.requestPasswordReset(usernameKey: "nadie", addressKey: "nadie@example.org", token: "r3",
                                                         language: .en, at: Self.start, allow: { _ in true }) == nil)

            // then each mail goes to the confirmed address, in the language asked in (she chose none)
            let mail = try #require(try await store.claimMail(at: Self.start, lease: 600))
            #expect(mail.kind == .passwordReset && mail.recipient == "Ana@Example.org" && mail.payload == "r1" && mail.language == .en)

            // and a link works for an hour only
            let hour = Self.start.addingTimeInterval(MailLinks.resetLifetime)
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("r1"), kind: .passwordReset, at: hour.addingTimeInterval(-1)))
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("r1"), kind: .passwordReset, at: hour) == false)
            #expect(try await store.resetPassword(tokenHash: Tokens.sha256("r1"), passwordHash: "$argon2id$late", at: hour) == nil)

            // when she follows one in time, eight times at once
            let resets = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for number in 0..<8 {
                    group.addTask {
                        try await store.resetPassword(tokenHash: Tokens.sha256("r2"), passwordHash: "$argon2id$new\(number)",
                                                      at: Self.start.addingTimeInterval(60))
                    }
                }
                return try await group.reduce(into: [Int64?]()) { $0.append($1) }
            }

            // then it works once: the password is the one that won, every session ended, the other link too
            #expect(resets.compactMap { $0 } == [ana.id])
            #expect(try await store.credentials(userId: ana.id)?.hasPrefix("$argon2id$new") == true)
            #expect(try await store.sessions(userId: ana.id, current: nil).isEmpty)
            #expect(try await store.mailLinkWorks(tokenHash: Tokens.sha256("r1"), kind: .passwordReset, at: Self.start) == false)
        }
    }

    @Test(arguments: StoreKind.available) func theChoiceOfMailIsKeptAndOneClickUnsubscribes(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let ana = try await Self.member(store, "ana")
            try await store.saveMailNotifications(userId: ana.id, .daily)
            #expect(try await store.emailSettings(userId: ana.id, at: Self.start).mailNotifications == .daily)
            #expect(try await store.unsubscribe(userId: ana.id))
            #expect(try await store.emailSettings(userId: ana.id, at: Self.start).mailNotifications == MailNotifications.none)
            #expect(try await store.unsubscribe(userId: ana.id + 100) == false)
        }
    }

    // MARK: Notification mail

    @Test(arguments: StoreKind.available) func notificationMailTellsWhatIsStillUnreadWhenItLeaves(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given ana, who gets each notification by mail, and cara, who chose a daily digest
            let schedule = NotificationMailSchedule(delay: 600, timeZone: try #require(TimeZone(identifier: "UTC")), digestHour: 7)
            store.useNotificationMail(schedule)
            let board = try await Self.seeded(store)
            let ana = try await Self.confirmed(store, "ana", "ana@example.org")
            let cara = try await Self.confirmed(store, "cara", "cara@example.org")
            try await store.saveMailNotifications(userId: cara.id, .daily)
            let bea = try await Self.member(store, "bea")
            let (anas, _) = try await Self.thread(store, board: board, by: ana, "Cobertura rural")
            let (caras, _) = try await Self.thread(store, board: board, by: cara, "Espectro")
            let (carasOther, _) = try await Self.thread(store, board: board, by: cara, "Satélites")

            // when bea answers each thread, ana's twice
            let first = try await Self.reply(store, to: anas, by: bea, "Una", at: Self.start.addingTimeInterval(10))
            _ = try await Self.reply(store, to: anas, by: bea, "Dos", at: Self.start.addingTimeInterval(20))
            _ = try await Self.reply(store, to: caras, by: bea, "Tres", at: Self.start.addingTimeInterval(30))
            _ = try await Self.reply(store, to: carasOther, by: bea, "Cuatro", at: Self.start.addingTimeInterval(40))

            // then ana's one mail is due after the delay and tells of the batch, its first post linked
            #expect(try await store.nextMailDue() == Self.start.addingTimeInterval(610))
            #expect(try await store.claimMail(at: Self.start.addingTimeInterval(609), lease: 600) == nil)
            let mail = try #require(try await store.claimMail(at: Self.start.addingTimeInterval(610), lease: 600))
            #expect(mail.kind == .notification && mail.userId == ana.id && mail.recipient == "ana@example.org")
            let told = try await store.notificationsToMail(mailId: mail.id, userId: ana.id, kind: .notification, limit: 10)
            #expect(told.choice == .each && told.more == 0)
            #expect(told.items.map(\.kind) == [.threadReply] && told.items.first?.count == 2 && told.items.first?.post?.id == first)
            #expect(told.items.first?.actor == .member(name: "bea") && told.items.first?.threadTitle == "Cobertura rural")
            // and once she read the thread on the site, the mail has nothing to tell
            #expect(try await store.markThreadNotificationsRead(userId: ana.id, threadId: anas, at: Self.start.addingTimeInterval(611)) == 1)
            #expect(try await store.notificationsToMail(mailId: mail.id, userId: ana.id, kind: .notification, limit: 10).items.isEmpty)
            try await store.finishMail(id: mail.id, outcome: .skipped, error: nil, at: Self.start.addingTimeInterval(612))

            // then cara's digest leaves at seven the next morning with both, oldest first
            let due = schedule.digestDue(after: Self.start.addingTimeInterval(30))
            #expect(due > Self.start.addingTimeInterval(12 * 3600), "the forum starts at 08:00 UTC")
            #expect(try await store.nextMailDue() == due)
            let digest = try #require(try await store.claimMail(at: due, lease: 600))
            #expect(digest.kind == .digest && digest.userId == cara.id)
            let listed = try await store.notificationsToMail(mailId: digest.id, userId: cara.id, kind: .digest, limit: 1)
            #expect(listed.choice == .daily && listed.items.map(\.threadId) == [caras] && listed.more == 1)
            #expect(try await store.notificationsToMail(mailId: digest.id, userId: cara.id, kind: .digest, limit: 5).items.map(\.threadId)
                    == [caras, carasOther])
            // and once she chose otherwise, the digest says so
            try await store.saveMailNotifications(userId: cara.id, .none)
            #expect(try await store.notificationsToMail(mailId: digest.id, userId: cara.id, kind: .digest, limit: 5).choice == .none)
        }
    }

    // MARK: What the contract does not show, read in SQL

    /// What the outbox keeps of a mail: recipient, payload, outcome, last error, tries (empty when the row is gone).
    static func outboxRow(_ store: MailStore, id: Int64) async throws -> [String?] {
        switch store {
        case let sqlite as AppDatabase:
            return try await sqlite.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT recipient, payload, outcome, last_error, CAST(attempts AS TEXT) FROM mail_outbox WHERE id = ?
                    """, arguments: [id]).map { row in (0..<5).map { row[$0] as String? } } ?? []
            }
        case let postgres as PostgresStore:
            return try await postgres.read { connection in
                try await connection.one("""
                    SELECT recipient, payload, outcome, last_error, attempts::text AS attempts FROM mail_outbox WHERE id = \(id)
                    """, logger: postgres.logger) { row in
                    try ["recipient", "payload", "outcome", "last_error", "attempts"].map { try row.optionalString($0) }
                } ?? []
            }
        default:
            Issue.record("no SQL for \(type(of: store))")
            return []
        }
    }

    /// Writes `mail` as a cause's transaction does (`enqueueMail`): false when it has nobody to go to.
    static func enqueue(_ store: MailStore, _ mail: NewMail) async throws -> Bool {
        switch store {
        case let sqlite as AppDatabase:
            return try await sqlite.write { db in try AppDatabase.enqueueMail(db, mail, at: start) }
        case let postgres as PostgresStore:
            return try await postgres.write { connection in try await postgres.enqueueMail(connection, mail, at: start) }
        default:
            Issue.record("no outbox for \(type(of: store))")
            return false
        }
    }

    /// Whether the store refuses `statement` (a constant of the test, written for both dialects);
    /// `theSchemaKeepsNothingOfAFinishedMail` checks that a statement the schema takes is not refused.
    static func refuses(_ store: MailStore, _ statement: String) async throws -> Bool {
        switch store {
        case let sqlite as AppDatabase:
            do {
                try await sqlite.writer.write { db in try db.execute(sql: statement) }
                return false
            } catch is DatabaseError {
                return true
            }
        case let postgres as PostgresStore:
            do {
                try await postgres.write(changes: .nothing) { connection in
                    try await connection.run(.init(unsafeSQL: statement), logger: postgres.logger)
                }
                return false
            } catch is StoreError {
                return false // the server went away: not a refusal
            } catch {
                return true
            }
        default:
            Issue.record("no SQL for \(type(of: store))")
            return false
        }
    }
}
