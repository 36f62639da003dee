import CabildoCore
import Foundation
import CabildoTestSupport
import Testing
@testable import CabildoStore

/// Several servers on one PostgreSQL database (issue 19): what one server's memory held on
/// SQLite — rate-limit buckets, and knowing when kept pages went stale — holds across servers.
/// Each test opens two stores on one database, as two servers would.
@Suite(.enabled(if: StoreKind.available.contains(.postgres))) struct SharedStateTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two stores on one fresh database. `recheck` is how often each listener rereads the shared
    /// generation: tests that count the generations exactly pass a long one, so that only
    /// notices move them (on a loaded machine a recheck may, rightly, make everything stale).
    static func twoServers(recheck: Duration = .seconds(1), _ body: (PostgresStore, PostgresStore) async throws -> Void) async throws {
        try await StoreKind.withPostgres { url in
            let first = try await PostgresStore.open(url: url, maximumConnections: 4, listenerRecheck: recheck)
            let second = try await PostgresStore.open(url: url, maximumConnections: 4, listenerRecheck: recheck)
            do {
                try await body(first, second)
            } catch {
                await first.close()
                await second.close()
                throw error
            }
            await first.close()
            await second.close()
        }
    }

    /// Waits (up to 30 s: the whole suite may be running) until `condition` holds; false if it
    /// never did. It looks once more after the time is up: in a busy suite, a sleeping task can
    /// be woken long after its time.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func tokensTakenOnEitherServerComeFromOneBucket() async throws {
        try await Self.twoServers { first, second in
            // given: a username's sign-in bucket of 5 tries per 10 minutes
            let guess: [(key: RateKey, limit: RateLimit)] = [(RateKey(.username, "ana"), RateLimit(5, per: 600))]
            // when: 20 tries alternate between the servers
            var allowed = 0
            for attempt in 0..<20 {
                let server = attempt.isMultiple(of: 2) ? first : second
                if try await server.takeRateTokens(guess, at: Self.start).allowed { allowed += 1 }
            }
            // then: 5 pass, as on one server, and the refusal says when to come back
            #expect(allowed == 5)
            let refused = try await first.takeRateTokens(guess, at: Self.start)
            #expect(!refused.allowed && refused.retryAfter == 120)
            // and the bucket refills with time, wherever it is asked
            #expect(try await second.takeRateTokens(guess, at: Self.start.addingTimeInterval(120)).allowed)
        }
    }

    @Test func concurrentTakesOnBothServersNeverPassMoreThanTheLimit() async throws {
        try await Self.twoServers { first, second in
            let checks: [(key: RateKey, limit: RateLimit)] = [(RateKey(.address, "login:203.0.113.7"), RateLimit(6, per: 60)),
                                                              (RateKey(.username, "bea"), RateLimit(4, per: 600))]
            // when: 16 tries at once, half on each server, on a bucket nobody has used yet
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<16 {
                    let server = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await server.takeRateTokens(checks, at: Self.start).allowed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // then: the smaller limit decided, exactly
            #expect(allowed == 4)
        }
    }

    @Test func theSharedBucketsDecideAsTheInMemoryOnes() async throws {
        try await Self.twoServers { first, second in
            // given: the same sequence of takes, with time passing, against memory and the database
            let memory = RateLimiter()
            let checks: [(key: RateKey, limit: RateLimit)] = [("req10:x", RateLimit(3, per: 10)), ("req60:x", RateLimit(5, per: 60))]
            for elapsed in [0.0, 0, 1, 2, 2, 5, 9, 13, 14, 14, 40, 41] {
                let at = Self.start.addingTimeInterval(elapsed)
                let server = Int(elapsed).isMultiple(of: 2) ? first : second
                // then: every decision is the same
                let shared = try await server.takeRateTokens(checks, at: at)
                #expect(shared == memory.take(checks, at: at), "at \(elapsed) s")
            }
        }
    }

    @Test func bucketsThatFilledUpAgainAreSwept() async throws {
        try await Self.twoServers { first, _ in
            _ = try await first.takeRateTokens([(RateKey(.account, "reply:1"), RateLimit(2, per: 60))], at: Self.start)
            _ = try await first.takeRateTokens([(RateKey(.account, "reply:2"), RateLimit(2, per: 600))], at: Self.start)
            // when: after one minute, the first is full again and the second is not
            #expect(try await first.deleteFullRateBuckets(at: Self.start.addingTimeInterval(31)) == 1)
            // then: the second still counts its take
            let decision = try await first.takeRateTokens([(RateKey(.account, "reply:2"), RateLimit(2, per: 600))],
                                                          at: Self.start.addingTimeInterval(31))
            #expect(decision.allowed && decision.remaining == 0)
        }
    }

    @Test func aWriteOnOneServerMakesTheOtherForgetItsPages() async throws {
        try await Self.twoServers { first, second in
            try await first.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let author = try await first.createUser(NewUser(username: "ana", passwordHash: "$argon2id$v=19$x", role: .member, stakeholder: .academia,
                                                            createdAt: Self.start))
            let board = try #require(try await first.boards().first)
            #expect(try await Self.eventually { second.writeGeneration != 0 }, "the listener starts by reading the generation")
            try await Task.sleep(for: .milliseconds(100))
            let before = second.writeGeneration
            // when: a thread is opened through the first server
            _ = try await first.createThread(NewThread(boardId: board.id, authorId: author.id, title: "Una conversación", markdown: "a",
                                                       html: "<p>a</p>", createdAt: Self.start))
            // then: the second is told, and its kept pages are stale
            #expect(try await Self.eventually { second.writeGeneration != before })
        }
    }

    @Test func aMemberWriteOnOneServerMakesTheOtherForgetOnlyMembersPages() async throws {
        try await Self.twoServers(recheck: .seconds(600)) { first, second in
            try await first.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let author = try await first.createUser(NewUser(username: "ines", passwordHash: "$argon2id$v=19$x", role: .member,
                                                            stakeholder: .academia, createdAt: Self.start))
            let board = try #require(try await first.boards().first)
            let thread = try await first.createThread(NewThread(boardId: board.id, authorId: author.id, title: "Una conversación",
                                                                markdown: "a", html: "<p>a</p>", createdAt: Self.start))
            #expect(try await Self.eventually { try await second.toldOfEveryWrite() }, "the second hears of the writes so far")
            let content = second.writeGeneration, members = second.memberGeneration
            // when: the member follows the thread through the first server
            try await first.setWatch(userId: author.id, threadId: thread.threadId, level: .watching, at: Self.start)
            // then: the second forgets members' pages and sessions, and keeps visitors' pages
            #expect(try await Self.eventually { second.memberGeneration != members })
            #expect(second.writeGeneration == content)
        }
    }

    @Test func aLostNoticeIsMadeUpForByTheRecheck() async throws {
        try await Self.twoServers { first, second in
            #expect(try await Self.eventually { second.writeGeneration != 0 })
            try await Task.sleep(for: .seconds(1.5))
            let before = second.writeGeneration
            // when: the shared generation moves on with no notice (as if the notice were lost)
            try await first.write(changes: .nothing) { connection in
                try await connection.run("UPDATE write_generation SET value = value + 1", logger: first.logger)
            }
            // then: the second server's recheck sees it
            #expect(try await Self.eventually { second.writeGeneration != before })
        }
    }

    @Test func aListenerWhoseConnectionIsCutListensAgain() async throws {
        try await Self.twoServers { first, second in
            try await first.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let author = try await first.createUser(NewUser(username: "bea", passwordHash: "$argon2id$v=19$x", role: .member, stakeholder: .academia,
                                                            createdAt: Self.start))
            #expect(try await Self.eventually { second.writeGeneration != 0 })
            // when: both listeners' connections are cut
            let cut = try await first.write(changes: .nothing) { connection in
                try await connection.count("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name = 'cabildo-listener' AND datname = current_database()
                    """, logger: first.logger)
            }
            #expect(cut == 2)
            // then: the second listens again, and a later write is seen
            try await Task.sleep(for: .seconds(2.5))
            let settled = second.writeGeneration
            let board = try #require(try await first.boards().first)
            _ = try await first.createThread(NewThread(boardId: board.id, authorId: author.id, title: "Otra conversación", markdown: "b",
                                                       html: "<p>b</p>", createdAt: Self.start))
            #expect(try await Self.eventually { second.writeGeneration != settled })
        }
    }
}

extension SharedStateTests {
    @Test func aReplyOnOneServerMakesTheOtherForgetOnlyThatThreadsPages() async throws {
        try await Self.twoServers(recheck: .seconds(600)) { first, second in
            try await first.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let boards = try await first.boards()
            let author = try await first.createUser(NewUser(username: "lia", passwordHash: "$argon2id$v=19$x", role: .member,
                                                            stakeholder: .academia, createdAt: Self.start))
            let talk = try await first.createThread(NewThread(boardId: boards[0].id, authorId: author.id, title: "Una conversación",
                                                              markdown: "a", html: "<p>a</p>", createdAt: Self.start)).threadId
            let other = try await first.createThread(NewThread(boardId: boards[1].id, authorId: author.id, title: "Otra conversación",
                                                               markdown: "b", html: "<p>b</p>", createdAt: Self.start)).threadId
            #expect(try await Self.eventually { try await second.toldOfEveryWrite() }, "the second hears of the writes so far")
            let seen = second.writeGeneration
            // when: a reply is written through the first server
            _ = try await first.createReply(NewReply(threadId: talk, parentId: nil, authorId: author.id, markdown: "c", html: "<p>c</p>",
                                                     createdAt: Self.start))
            // then: the second forgets that thread's pages, its board's and the home page, and keeps the other thread's
            #expect(try await Self.eventually { second.lastChange(of: .thread(talk)) > seen })
            #expect(second.lastChange(of: .board(boards[0].id)) > seen && second.lastChange(of: .home) > seen)
            #expect(second.lastChange(of: .thread(other)) <= seen)
            #expect(second.lastChange(of: .board(boards[1].id)) <= seen)
        }
    }

    @Test func everyNoticeReadsBackAsWhatItSaid() {
        let all: [WriteChanges] = [.memberState, .content(.everything), .content(.newThread(board: 3)), .content(.thread(12, board: 3)),
                                   .content(.moved(thread: 12, from: 3, to: 4))]
        for changes in all {
            let notice = PostgresWriteListener.Notice(changes)
            #expect(notice.flatMap { PostgresWriteListener.Notice(text: $0.text) }?.changes == changes)
        }
        #expect(PostgresWriteListener.Notice(.nothing) == nil)
        for unknown in ["x", "t:1", "t:a:b", "", "n:1:2"] { #expect(PostgresWriteListener.Notice(text: unknown) == nil) }
    }
}
