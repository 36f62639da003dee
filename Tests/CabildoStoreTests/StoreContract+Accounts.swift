import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// `AccountStore` on both stores: settings and profiles, the member's export, closing an
/// account, two-factor sign-in and long-window quotas; and where two servers could race on
/// PostgreSQL (the last admin, a time step, a recovery code, a challenge, a quota), one outcome.
extension StoreContractTests {
    static func member(_ store: any ForumStoreCore, _ name: String, _ group: Stakeholder, department: Department? = nil,
                       role: Role = .member) async throws -> User {
        try await store.createUser(NewUser(username: name, passwordHash: "$argon2id$v=19$x", role: role, stakeholder: group,
                                           department: department, createdAt: start))
    }

    /// How many of `count` copies of `body`, run at once, returned true.
    static func trueCount(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Bool) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<count { group.addTask { (try? await body(index)) ?? false } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    static func unread(_ store: any ForumStoreCore, _ user: User) async throws -> Int? {
        let token = Tokens.sha256(Tokens.random())
        try await store.createSession(tokenHash: token, userId: user.id, userAgent: "", at: start)
        return try await store.sessionUser(tokenHash: token, now: start, idleLimit: 3600, absoluteLimit: 3600,
                                           twoFactorRule: .off)?.unreadNotifications
    }

    // MARK: Settings and profiles

    @Test(arguments: StoreKind.available) func settingsChangeOpenAccountsOnly(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "Ana")
            // when
            try await store.setPasswordHash(userId: ana.id, hash: "$argon2id$v=19$new")
            try await store.updateSettings(userId: ana.id, language: .en, stakeholder: .government)
            try await store.setDepartment(userId: ana.id, .peten, shown: true)
            try await store.setWatchesParticipation(userId: ana.id, false)
            // then
            #expect(try await store.credentials(userId: ana.id) == "$argon2id$v=19$new")
            let changed = try #require(try await store.user(id: ana.id))
            #expect(changed.language == .en && changed.stakeholder == .government && !changed.watchesParticipation)
            #expect(changed.department == .peten && changed.showsDepartment)
            try await store.updateSettings(userId: ana.id, language: nil, stakeholder: .academia)
            try await store.setDepartment(userId: ana.id, nil, shown: false)
            let back = try #require(try await store.user(id: ana.id))
            #expect(back.language == nil && back.stakeholder == .academia && back.department == nil && !back.showsDepartment)
            await #expect(throws: StoreError.notFound) { try await store.setPasswordHash(userId: ana.id + 100, hash: "$argon2id$v=19$x") }

            // when: the account is closed, its password and department cannot be set again
            try await store.closeAccount(userId: ana.id, removingText: false, at: Self.start)
            await #expect(throws: StoreError.notFound) { try await store.setPasswordHash(userId: ana.id, hash: "$argon2id$v=19$again") }
            try await store.setDepartment(userId: ana.id, .guatemala, shown: true)
            let closed = try #require(try await store.user(id: ana.id))
            #expect(closed.department == nil && !closed.showsDepartment && closed.watchesParticipation)
        }
    }

    @Test(arguments: StoreKind.available) func profilesListVisiblePostsAndOpenAccountsAreFoundByKey(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's posts, one held thread and one held reply of hers, and bea's thread she answers
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "Ana"), bea = try await Self.member(store, "bea")
            let (own, opening) = try await Self.thread(store, board: board, by: ana, "El hilo de Ana", "Abro", at: Self.start)
            let answer = try await Self.reply(store, to: own, by: ana, "Y sigo", at: Self.start.addingTimeInterval(60))
            _ = try await Self.thread(store, board: board, by: ana, "Un hilo retenido", held: true)
            let (beas, _) = try await Self.thread(store, board: board, by: bea, "El hilo de Bea")
            let there = try await Self.reply(store, to: beas, by: ana, "Respondo a Bea", at: Self.start.addingTimeInterval(120))
            _ = try await store.createReply(NewReply(threadId: beas, parentId: nil, authorId: ana.id, markdown: "Retenida",
                                                     html: "<p>Retenida</p>", createdAt: Self.start.addingTimeInterval(180), held: true))

            // when
            let profile = try #require(try await store.profile(usernameKey: "ana", recentLimit: 2))

            // then: the published posts are counted, the newest listed, each named by the account
            #expect(profile.user == ana && profile.postCount == 3)
            #expect(profile.recentPosts.map(\.postId) == [there, answer] && profile.recentPosts.map(\.threadId) == [beas, own])
            #expect(profile.recentPosts.map(\.threadTitle) == ["El hilo de Bea", "El hilo de Ana"])
            #expect(profile.recentPosts.map(\.html) == ["<p>Respondo a Bea</p>", "<p>Y sigo</p>"])
            #expect(profile.recentPosts.map(\.createdAt) == [Self.start.addingTimeInterval(120), Self.start.addingTimeInterval(60)])
            #expect(profile.recentPosts.allSatisfy { $0.authorName == "Ana" })
            #expect(try await store.profile(usernameKey: "ana", recentLimit: 10)?.recentPosts.map(\.postId) == [there, answer, opening])
            #expect(try await store.profile(usernameKey: "nadie", recentLimit: 10) == nil)
            #expect(try await store.openAccounts(usernameKeys: ["ana", "bea", "nadie"]) == ["ana": "Ana", "bea": "bea"])
            #expect(try await store.openAccounts(usernameKeys: []).isEmpty)

            // when: bea closes her account, her name is found nowhere and her profile lists nothing
            try await store.closeAccount(userId: bea.id, removingText: false, at: Self.start)
            #expect(try await store.openAccounts(usernameKeys: ["ana", "bea"]) == ["ana": "Ana"])
            let closed = try #require(try await store.profile(usernameKey: "bea", recentLimit: 10))
            #expect(closed.user.isClosed && closed.postCount == 0 && closed.recentPosts.isEmpty)
        }
    }

    // MARK: The member's export

    @Test(arguments: StoreKind.available) func theExportHoldsEverythingKeptAboutTheMember(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana opens a proposal, answers bea's, endorses it, and turns two-factor sign-in on
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana", .academia, department: .peten)
            try await store.setDepartment(userId: ana.id, .peten, shown: true)
            let bea = try await Self.member(store, "bea", .government)
            let own = try await store.createThread(NewThread(boardId: board.id, authorId: ana.id, title: "Una propuesta de Ana",
                                                             markdown: "Propongo", html: "<p>Propongo</p>", createdAt: Self.start,
                                                             isProposal: true))
            let beas = try await store.createThread(NewThread(boardId: board.id, authorId: bea.id, title: "Una propuesta de Bea",
                                                              markdown: "Yo también", html: "<p>Yo también</p>",
                                                              createdAt: Self.start.addingTimeInterval(10), isProposal: true))
            let answer = try await Self.reply(store, to: beas.threadId, by: ana, "De acuerdo", at: Self.start.addingTimeInterval(20))
            #expect(try await store.toggleEndorsement(threadId: beas.threadId, by: ana, at: Self.start.addingTimeInterval(30)))
            _ = try await store.beginTwoFactor(userId: ana.id, secret: "JBSWY3DPEHPK3PXPJBSW", at: Self.start)
            #expect(try await store.enableTwoFactor(userId: ana.id, step: 1, recoveryCodeDigests: [Tokens.sha256("code")],
                                                    keepingSession: nil, at: Self.start.addingTimeInterval(40)))

            // when
            let export = try #require(try await store.memberExport(userId: ana.id))

            // then
            #expect(export.profile == MemberExport.Profile(
                username: "ana", role: "member", stakeholder: "academia", language: nil, joined: Self.start, suspendedUntil: nil,
                suspensionReason: nil, twoFactorSince: Self.start.addingTimeInterval(40), closedAt: nil, watchesParticipation: true,
                emailConfirmed: false, mailNotifications: "each", department: "peten", showDepartment: true))
            #expect(export.posts == [
                MemberExport.Post(id: own.postId, threadId: own.threadId, threadTitle: "Una propuesta de Ana", parentId: nil,
                                  markdown: "Propongo", createdAt: Self.start, editedAt: nil, deletedAt: nil, held: false, hiddenAt: nil,
                                  revisions: []),
                MemberExport.Post(id: answer, threadId: beas.threadId, threadTitle: "Una propuesta de Bea", parentId: beas.postId,
                                  markdown: "De acuerdo", createdAt: Self.start.addingTimeInterval(20), editedAt: nil, deletedAt: nil,
                                  held: false, hiddenAt: nil, revisions: []),
            ])
            #expect(export.threads == [MemberExport.Thread(id: own.threadId, board: board.slug, title: "Una propuesta de Ana",
                                                           createdAt: Self.start, proposal: true)])
            #expect(export.endorsements == [MemberExport.Endorsement(threadId: beas.threadId, threadTitle: "Una propuesta de Bea",
                                                                     stakeholder: "academia", createdAt: Self.start.addingTimeInterval(30))])
            // what she opened and answered she watches, by the participation setting
            #expect(export.watches == [
                MemberExport.Watch(threadId: own.threadId, threadTitle: "Una propuesta de Ana", board: nil, level: "watching",
                                   since: Self.start),
                MemberExport.Watch(threadId: beas.threadId, threadTitle: "Una propuesta de Bea", board: nil, level: "watching",
                                   since: Self.start.addingTimeInterval(20)),
            ])
            #expect(export.flags.isEmpty && export.appeals.isEmpty)
            #expect(try await store.memberExport(userId: ana.id + 100) == nil)

            // when: she closes her account with its text, what is left can still be printed
            try await store.closeAccount(userId: ana.id, removingText: true, at: Self.start.addingTimeInterval(50))
            let left = try #require(try await store.memberExport(userId: ana.id))
            #expect(left.profile.closedAt == Self.start.addingTimeInterval(50) && left.profile.twoFactorSince == nil)
            #expect(left.profile.department == nil && left.watches.isEmpty && left.endorsements.count == 1)
            #expect(left.posts.allSatisfy { $0.markdown.isEmpty && $0.deletedAt == Self.start.addingTimeInterval(50) })
        }
    }

    // MARK: Closing an account

    @Test(arguments: StoreKind.available) func closingSignsOutEverywhereAndNamesTheMemberNowhere(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana, signed in twice, with two-factor sign-in, a challenge, a quota used, a thread and a reply
            let board = try await Self.seeded(store)
            let jefa = try await Self.member(store, "jefa", role: .admin)
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            let phone = Tokens.sha256("phone"), laptop = Tokens.sha256("laptop"), challenge = Tokens.sha256("challenge")
            try await store.createSession(tokenHash: phone, userId: ana.id, userAgent: "", at: Self.start)
            try await store.createSession(tokenHash: laptop, userId: ana.id, userAgent: "", at: Self.start)
            _ = try await store.beginTwoFactor(userId: ana.id, secret: "JBSWY3DPEHPK3PXPJBSW", at: Self.start)
            _ = try await store.enableTwoFactor(userId: ana.id, step: 1, recoveryCodeDigests: [Tokens.sha256("code")],
                                                keepingSession: phone, at: Self.start)
            try await store.createSignInChallenge(tokenHash: challenge, userId: ana.id, at: Self.start, lifetime: 300)
            _ = try await store.takeQuota(.threads, userId: ana.id, limit: RateLimit(1, per: 86400), at: Self.start)
            try await store.setDepartment(userId: ana.id, .peten, shown: true)
            let (threadId, openingId) = try await Self.thread(store, board: board, by: ana, "El hilo de Ana", "Mis palabras")
            let replyId = try await Self.reply(store, to: threadId, by: bea, "Las de Bea")

            // when
            let closedAt = Self.start.addingTimeInterval(60)
            try await store.closeAccount(userId: ana.id, removingText: false, at: closedAt)

            // then: signed out, nothing signs her in, and her name stays taken
            #expect(try await store.sessionUser(tokenHash: phone, now: closedAt, idleLimit: 3600, absoluteLimit: 3600,
                                                twoFactorRule: .off) == nil)
            #expect(try await store.sessions(userId: ana.id, current: nil).isEmpty)
            #expect(try await store.credentials(usernameKey: "ana") == nil)
            #expect(try await store.credentials(userId: ana.id) == nil)
            #expect(try await store.twoFactor(userId: ana.id) == nil)
            #expect(try await store.signInChallengeUser(tokenHash: challenge, at: Self.start, lifetime: 300) == nil)
            await #expect(throws: StoreError.usernameTaken) { _ = try await Self.member(store, "ANA") }
            let closed = try #require(try await store.user(id: ana.id))
            #expect(closed.closedAt == closedAt && closed.role == .member && closed.department == nil && closed.language == nil)
            // then: her words stay, under no name; the quota counter is gone with her
            let posts = try await store.posts(threadId: threadId)
            #expect(posts.map(\.id) == [openingId, replyId] && posts.map(\.authorName) == [nil, "bea"])
            #expect(posts[0].bodyMarkdown == "Mis palabras")
            #expect(try await store.thread(id: threadId)?.authorName == nil)
            #expect(try await store.search("palabras", limit: 10, offset: 0).map(\.authorName) == [nil])
            #expect(try await store.takeQuota(.threads, userId: ana.id, limit: RateLimit(1, per: 86400), at: Self.start).allowed)
            await #expect(throws: StoreError.notFound) { try await store.closeAccount(userId: ana.id, removingText: false, at: closedAt) }
            await #expect(throws: StoreError.notFound) { try await store.closeAccount(userId: 999, removingText: false, at: closedAt) }
            // and the only admin cannot leave
            await #expect(throws: StoreError.lastAdmin) { try await store.closeAccount(userId: jefa.id, removingText: true, at: closedAt) }
            #expect(try await store.user(id: jefa.id)?.isClosed == false)
        }
    }

    @Test(arguments: StoreKind.available) func closingWithTheTextDeletesEveryPostAsItsAuthorWould(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: bea's thread with ana's answer, and bea's answer in ana's thread
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            let (beas, beasOpening) = try await Self.thread(store, board: board, by: bea, "Conectividad rural", "Antenas comunitarias")
            let anasAnswer = try await Self.reply(store, to: beas, by: ana, "Me parece bien")
            let (anas, _) = try await Self.thread(store, board: board, by: ana, "Otro hilo distinto")
            let beasAnswer = try await Self.reply(store, to: anas, by: bea, "Respuesta comunitaria")
            #expect(try await Self.unread(store, ana) == 1)
            #expect(try await store.board(id: board.id)?.threadCount == 2)

            // when
            try await store.closeAccount(userId: bea.id, removingText: true, at: Self.start.addingTimeInterval(60))

            // then: her posts are deleted where they stand, her thread is unlisted and uncounted, and nothing finds them
            for id in [beasOpening, beasAnswer] {
                let post = try #require(try await store.post(id: id))
                #expect(post.isDeleted && post.bodyMarkdown.isEmpty && post.bodyHTML.isEmpty)
            }
            #expect(try await store.post(id: anasAnswer)?.bodyMarkdown == "Me parece bien")
            #expect(try await store.thread(id: beas)?.listed == false)
            #expect(try await store.board(id: board.id)?.threadCount == 1)
            #expect(try await store.threads(boardId: board.id, before: nil, limit: 10).map(\.id) == [anas])
            #expect(try await store.search("comunitaria", limit: 10, offset: 0).isEmpty)
            // and what her answer told ana went with it
            #expect(try await Self.unread(store, ana) == 0)
        }
    }

    @Test(arguments: StoreKind.available) func adminsClosingTogetherLeaveOneAdmin(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: eight admins
            var admins: [User] = []
            for number in 1...8 { admins.append(try await Self.member(store, "admin\(number)", role: .admin)) }
            let ids = admins.map(\.id)
            // when: each closes their account at once (two servers can take two of them at the same moment)
            let closed = await Self.trueCount(8) { index in
                try await store.closeAccount(userId: ids[index], removingText: false, at: Self.start)
                return true
            }
            // then: one admin is left
            #expect(closed == 7)
            var open = 0
            for id in ids {
                if try await store.user(id: id)?.isClosed == false { open += 1 }
            }
            #expect(open == 1)

            // when: one member's account is closed eight times at once, it is closed once
            let ana = try await Self.member(store, "ana")
            #expect(await Self.trueCount(8) { _ in
                try await store.closeAccount(userId: ana.id, removingText: true, at: Self.start)
                return true
            } == 1)
        }
    }

    // MARK: Two-factor sign-in

    @Test(arguments: StoreKind.available) func twoFactorEnrolsOnceAcceptsEachCodeOnceAndTurnsOff(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana signed in on a phone and a laptop
            let ana = try await Self.member(store, "ana")
            let phone = Tokens.sha256("phone"), laptop = Tokens.sha256("laptop")
            try await store.createSession(tokenHash: phone, userId: ana.id, userAgent: "phone", at: Self.start)
            try await store.createSession(tokenHash: laptop, userId: ana.id, userAgent: "laptop", at: Self.start)
            #expect(try await store.twoFactor(userId: ana.id) == nil)

            // when: the enrolment page is opened twice, it shows one secret
            let secret = "JBSWY3DPEHPK3PXPJBSW"
            #expect(try await store.beginTwoFactor(userId: ana.id, secret: secret, at: Self.start) == secret)
            #expect(try await store.beginTwoFactor(userId: ana.id, secret: "KRSXG5CTMVRXEZLUKN2X", at: Self.start) == secret)
            let pending = try #require(try await store.twoFactor(userId: ana.id))
            #expect(pending.secret == secret && !pending.isOn && pending.lastStep == 0 && pending.recoveryCodesLeft == 0)

            // when: a code confirms it on the phone
            let codes = (1...3).map { Tokens.sha256("recovery \($0)") }
            #expect(try await store.enableTwoFactor(userId: ana.id, step: 100, recoveryCodeDigests: codes, keepingSession: phone,
                                                    at: Self.start.addingTimeInterval(30)))

            // then: it is on, the laptop is signed out, and it cannot be begun or enabled again
            let on = try #require(try await store.twoFactor(userId: ana.id))
            #expect(on.secret == secret && on.enabledAt == Self.start.addingTimeInterval(30) && on.lastStep == 100 && on.recoveryCodesLeft == 3)
            #expect(try await store.sessions(userId: ana.id, current: phone).map(\.userAgent) == ["phone"])
            #expect(try await store.enableTwoFactor(userId: ana.id, step: 101, recoveryCodeDigests: codes, keepingSession: phone,
                                                    at: Self.start) == false)
            await #expect(throws: StoreError.notPermitted) {
                _ = try await store.beginTwoFactor(userId: ana.id, secret: secret, at: Self.start)
            }

            // then: a time step is accepted once, and never one before it
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 100) == false)
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 99) == false)
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 101) == true)
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 101) == false)
            // and a recovery code once
            #expect(try await store.useRecoveryCode(userId: ana.id, digest: codes[0], at: Self.start))
            #expect(try await store.useRecoveryCode(userId: ana.id, digest: codes[0], at: Self.start) == false)
            #expect(try await store.useRecoveryCode(userId: ana.id, digest: Tokens.sha256("not one"), at: Self.start) == false)
            #expect(try await store.twoFactor(userId: ana.id)?.recoveryCodesLeft == 2)

            // when: she turns it off from the phone
            try await store.createSession(tokenHash: laptop, userId: ana.id, userAgent: "laptop", at: Self.start)
            try await store.disableTwoFactor(userId: ana.id, keepingSession: phone)

            // then: secret and codes are gone, and so is the laptop
            #expect(try await store.twoFactor(userId: ana.id) == nil)
            #expect(try await store.useRecoveryCode(userId: ana.id, digest: codes[1], at: Self.start) == false)
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 200) == false)
            #expect(try await store.sessions(userId: ana.id, current: phone).map(\.userAgent) == ["phone"])
            // and a new enrolment keeps the new secret
            #expect(try await store.beginTwoFactor(userId: ana.id, secret: "KRSXG5CTMVRXEZLUKN2X", at: Self.start) == "KRSXG5CTMVRXEZLUKN2X")
        }
    }

    @Test(arguments: StoreKind.available) func guessesAreCountedInAWindowAndACorrectCodeClearsThem(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            _ = try await store.beginTwoFactor(userId: ana.id, secret: "JBSWY3DPEHPK3PXPJBSW", at: Self.start)
            _ = try await store.enableTwoFactor(userId: ana.id, step: 1, recoveryCodeDigests: [Tokens.sha256("code")], keepingSession: nil,
                                                at: Self.start)
            func guess(at seconds: TimeInterval) async throws -> Date? {
                try await store.takeTwoFactorAttempt(userId: ana.id, at: Self.start.addingTimeInterval(seconds), limit: 3, window: 300)
            }
            // then: three guesses pass, the fourth waits for the window that began with the first
            for second in 1...3 { #expect(try await guess(at: TimeInterval(second)) == nil) }
            #expect(try await guess(at: 4) == Self.start.addingTimeInterval(301))
            #expect(try await guess(at: 5) == Self.start.addingTimeInterval(301), "a refused guess counts too")
            // when: a correct code is accepted, the count starts again
            #expect(try await store.acceptTwoFactorStep(userId: ana.id, step: 2))
            for second in 10...12 { #expect(try await guess(at: TimeInterval(second)) == nil) }
            #expect(try await guess(at: 13) == Self.start.addingTimeInterval(310))
            // when: a recovery code is used, it starts again too
            #expect(try await store.useRecoveryCode(userId: ana.id, digest: Tokens.sha256("code"), at: Self.start))
            #expect(try await guess(at: 14) == nil)
            // when: the window passes, the count starts again
            for second in 15...16 { #expect(try await guess(at: TimeInterval(second)) == nil) }
            #expect(try await guess(at: 17) == Self.start.addingTimeInterval(314))
            #expect(try await guess(at: 314) == nil)
            // and a member without two-factor sign-in has nothing to count
            #expect(try await store.takeTwoFactorAttempt(userId: bea.id, at: Self.start, limit: 3, window: 300) == nil)
        }
    }

    @Test(arguments: StoreKind.available) func oneCodeSentToSeveralServersAtOnceIsAcceptedOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "ana")
            _ = try await store.beginTwoFactor(userId: ana.id, secret: "JBSWY3DPEHPK3PXPJBSW", at: Self.start)
            let code = Tokens.sha256("recovery")
            _ = try await store.enableTwoFactor(userId: ana.id, step: 10, recoveryCodeDigests: [code], keepingSession: nil, at: Self.start)
            // when, then: eight copies of one time step, of one recovery code, at once: each works once
            #expect(await Self.trueCount(8) { _ in try await store.acceptTwoFactorStep(userId: ana.id, step: 11) } == 1)
            #expect(await Self.trueCount(8) { _ in try await store.useRecoveryCode(userId: ana.id, digest: code, at: Self.start) } == 1)
            // and eight guesses at once against a limit of three: three pass
            #expect(await Self.trueCount(8) { _ in
                try await store.takeTwoFactorAttempt(userId: ana.id, at: Self.start, limit: 3, window: 300) == nil
            } == 3)
        }
    }

    @Test(arguments: StoreKind.available) func aSignInChallengeIsUsedOnceAndExpires(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: ana's password was right
            let ana = try await Self.member(store, "ana")
            let challenge = Tokens.sha256("challenge")
            try await store.createSignInChallenge(tokenHash: challenge, userId: ana.id, at: Self.start, lifetime: 300)
            // then: it names her while it lasts, and nobody after
            #expect(try await store.signInChallengeUser(tokenHash: challenge, at: Self.start.addingTimeInterval(299), lifetime: 300) == ana)
            #expect(try await store.signInChallengeUser(tokenHash: challenge, at: Self.start.addingTimeInterval(300), lifetime: 300) == nil)
            #expect(try await store.signInChallengeUser(tokenHash: Tokens.sha256("other"), at: Self.start, lifetime: 300) == nil)

            // when: her code is sent to eight servers at once
            let completed = await Self.trueCount(8) { index in
                try await store.completeSignIn(challenge: challenge, session: Tokens.sha256("session \(index)"), userAgent: "browser",
                                               at: Self.start.addingTimeInterval(10))
            }
            // then: one signs her in
            #expect(completed == 1)
            let sessions = try await store.sessions(userId: ana.id, current: nil)
            #expect(sessions.count == 1 && sessions.first?.userAgent == "browser")
            #expect(try await store.completeSignIn(challenge: challenge, session: Tokens.sha256("late"), userAgent: "", at: Self.start) == false)

            // when: an operator resets her second factor, her challenges and sessions end
            try await store.createSignInChallenge(tokenHash: challenge, userId: ana.id, at: Self.start, lifetime: 300)
            try await store.resetTwoFactor(userId: ana.id)
            #expect(try await store.signInChallengeUser(tokenHash: challenge, at: Self.start, lifetime: 300) == nil)
            #expect(try await store.sessions(userId: ana.id, current: nil).isEmpty)
        }
    }

    /// The hourly sweep (`SessionSweeper`): sessions past either limit and stale sign-in
    /// challenges go, whether or not their browser ever comes back; live ones stay.
    @Test(arguments: StoreKind.available) func theSweepDeletesExpiredSessionsAndChallengesOnly(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: one session idle for an hour, one used a minute ago but two hours old, one live
            let user = try await Self.member(store, "ana")
            let now = Self.start.addingTimeInterval(7200)
            let idle = Tokens.sha256("idle"), old = Tokens.sha256("old"), live = Tokens.sha256("live")
            try await store.createSession(tokenHash: idle, userId: user.id, userAgent: "", at: now.addingTimeInterval(-3600))
            try await store.createSession(tokenHash: old, userId: user.id, userAgent: "", at: now.addingTimeInterval(-7200))
            for minutesAgo in [90.0, 60, 30, 1] {
                #expect(try await store.sessionUser(tokenHash: old, now: now.addingTimeInterval(-60 * minutesAgo), idleLimit: 3600,
                                                    absoluteLimit: 7200, twoFactorRule: .off) != nil)
            }
            try await store.createSession(tokenHash: live, userId: user.id, userAgent: "", at: now.addingTimeInterval(-60))
            // Fresh first: making a challenge also clears those already stale at its own time.
            try await store.createSignInChallenge(tokenHash: Tokens.sha256("fresh"), userId: user.id, at: now, lifetime: 300)
            try await store.createSignInChallenge(tokenHash: Tokens.sha256("stale"), userId: user.id, at: now.addingTimeInterval(-301),
                                                  lifetime: 300)

            // when
            let swept = try await store.deleteExpiredSessions(now: now, idleLimit: 3600, absoluteLimit: 7200, challengeLifetime: 300)

            // then
            #expect(swept == 3)
            #expect(try await store.sessions(userId: user.id, current: nil).count == 1)
            #expect(try await store.sessionUser(tokenHash: live, now: now, idleLimit: 3600, absoluteLimit: 7200, twoFactorRule: .off) != nil)
            #expect(try await store.signInChallengeUser(tokenHash: Tokens.sha256("fresh"), at: now, lifetime: 300) != nil)
        }
    }

    // MARK: Quotas

    @Test(arguments: StoreKind.available) func aQuotaCountsUsesInItsWindowAndRefusalsCountNothing(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: three threads a day; the day began `elapsed` seconds ago
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            let daily = RateLimit(3, per: 86400)
            let elapsed = Int(Self.start.timeIntervalSince1970) % 86400, reset = 86400 - elapsed
            func take(_ quota: AccountQuota = .threads, _ user: User = ana, limit: RateLimit = daily,
                      after seconds: TimeInterval = 0) async throws -> RateLimiter.Decision {
                try await store.takeQuota(quota, userId: user.id, limit: limit, at: Self.start.addingTimeInterval(seconds))
            }
            // then: three pass, counting down, and then it is refused until the next day
            for remaining in [2, 1, 0] {
                #expect(try await take() == RateLimiter.Decision(allowed: true, limit: daily, remaining: remaining, resetSeconds: reset,
                                                                 retryAfter: 0))
            }
            #expect(try await take(after: 10) == RateLimiter.Decision(allowed: false, limit: daily, remaining: 0, resetSeconds: reset - 10,
                                                                      retryAfter: reset - 10))
            // and another quota, or another member, counts apart
            #expect(try await take(.flags).remaining == 2)
            #expect(try await take(.threads, bea).remaining == 2)
            // when: the next day begins, ana has three again
            #expect(try await take(after: TimeInterval(reset)).remaining == 2)
            // and a limit of nothing refuses, counting nothing
            #expect(try await take(.edits, limit: RateLimit(0, per: 60)).allowed == false)
            #expect(try await take(.edits).remaining == 2)
        }
    }

    @Test(arguments: StoreKind.available) func aQuotaTakenFromSeveralServersAtOnceHolds(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let ana = try await Self.member(store, "ana")
            let limit = RateLimit(3, per: 86400)
            // when: eight takes at once, the first of the window among them
            let allowed = await Self.trueCount(8) { _ in
                try await store.takeQuota(.threads, userId: ana.id, limit: limit, at: Self.start).allowed
            }
            // then
            #expect(allowed == 3)
            #expect(try await store.takeQuota(.threads, userId: ana.id, limit: limit, at: Self.start).allowed == false)
        }
    }
}
