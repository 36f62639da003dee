import CabildoCore
import Foundation
import GRDB
import PostgresNIO
import CabildoTestSupport
import Testing
@testable import CabildoStore

/// `cabildo copy`'s work (`PostgresCopy`): a SQLite forum with a row in every table, copied into
/// PostgreSQL, reads the same through `PostgresStore`; a full target is refused; a failed copy
/// leaves nothing behind. The PostgreSQL cases follow `StoreKind`'s rule: skipped locally
/// without a test server, failing under CI.
@Suite struct PostgresCopyTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let postgres = StoreKind.available.contains(.postgres)

    // MARK: The lists

    @Test func everyTableOfAFreshDatabaseIsCopiedOrSkippedWithItsColumns() async throws {
        // given a database the migrator just made
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }
        // then the copy accounts for all of it
        #expect(try await PostgresCopySource(database: store).unaccounted() == [])
        let tables = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        let copied = Set(PostgresCopyTables.copied.map(\.name))
        #expect(copied.count == PostgresCopyTables.copied.count, "a table is listed once")
        #expect(copied.isDisjoint(with: PostgresCopyTables.skipped.keys), "no table is both copied and skipped")
        for table in tables {
            #expect(copied.contains(table) != (PostgresCopyTables.skipped[table] != nil), "\(table) is in exactly one list")
        }
        for table in PostgresCopyTables.copied {
            #expect(table.keyIndices.count == table.key.count, "\(table.name)'s key columns are among its columns")
        }
        #expect(PostgresCopyTables.skipped.values.allSatisfy { !$0.isEmpty })
    }

    @Test func aTableOrColumnNoListNamesIsRefused() async throws {
        let store = try AppDatabase.temporary()
        defer { removeDatabase(at: store.path) }
        // given a later migration the copy was not told about
        try await store.write { db in
            try db.execute(sql: "CREATE TABLE polls (id INTEGER PRIMARY KEY, question TEXT NOT NULL)")
            try db.execute(sql: "ALTER TABLE posts ADD COLUMN mood TEXT")
        }
        // then both are named
        let problems = try await PostgresCopySource(database: store).unaccounted()
        #expect(problems == ["table polls is neither copied nor skipped", "posts has columns the copy does not know: mood"])
    }

    @Test(.enabled(if: postgres)) func theListsMatchPostgreSQLsSchema() async throws {
        try await Self.withTarget { target in
            let found = try await target.read { connection in
                try await connection.all("""
                    SELECT table_name, column_name, is_identity FROM information_schema.columns WHERE table_schema = current_schema()
                    """, logger: target.logger) {
                    (table: try $0.string("table_name"), column: try $0.string("column_name"), identity: try $0.string("is_identity") == "YES")
                }
            }
            for table in PostgresCopyTables.copied {
                let columns = found.filter { $0.table == table.name }
                #expect(Set(columns.map(\.column)) == Set(table.columns.map(\.name)), "\(table.name)'s columns")
                #expect(columns.contains { $0.column == "id" && $0.identity } == table.identity, "\(table.name)'s identity")
            }
        }
    }

    // MARK: A whole forum

    @Test(.enabled(if: postgres)) func aForumCopiedReadsTheSameThroughPostgresStore() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        let forum = try await CopyFixture.build(source)
        try await Self.withTarget { target in
            // when it is copied, a few rows at a time so every table takes several batches
            var steps: [PostgresCopy.Progress] = []
            let report = try await PostgresCopy.copy(from: source, to: target, batchSize: 2) { steps.append($0) }

            // then every table had rows, and has them all on both sides
            for count in report.tables {
                #expect(count.sqlite > 0, "the fixture leaves a row in \(count.table)")
                #expect(count.sqlite == count.postgres, "\(count.table)")
            }
            #expect(report.tables.map(\.table) == PostgresCopyTables.copied.map(\.name))
            #expect(report.search.sqlite == report.search.postgres && report.search.sqlite == report.sqliteSearchIndex)
            #expect(steps.contains(PostgresCopy.Progress(table: "posts", done: 2, total: report.tables.first { $0.table == "posts" }?.sqlite ?? 0)))
            for table in PostgresCopyTables.copied {
                #expect(try await Self.rows(target, table) == Set(try await PostgresCopySource(database: source).rows(table, after: nil, limit: .max)),
                        "every row of \(table.name), value for value")
            }
            try await Self.expectSameForum(source, target, forum)
            // and the harvest's counts, counted again on the target, are what SQLite kept and what a recount gives
            let harvest = try await target.harvest(at: CopyFixture.start)
            #expect(!harvest.threads.isEmpty)
            #expect(harvest == (try await source.harvest(at: CopyFixture.start)))
            #expect(harvest == (try await target.recomputedHarvest(at: CopyFixture.start)))
            // and the copy, a content write, told every server on the target that its kept pages are stale
            let generation = try await target.read { connection in
                try await connection.one("SELECT value FROM write_generation WHERE id = 1", logger: target.logger) { try $0.int64("value") }
            }
            #expect(generation == 1)
        }
    }

    @Test(.enabled(if: postgres)) func newRowsAfterTheCopyGetFreshIds() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        let forum = try await CopyFixture.build(source)
        try await Self.withTarget { target in
            _ = try await PostgresCopy.copy(from: source, to: target)
            // when members write on PostgreSQL
            let newcomer = try await target.createUser(NewUser(username: "recien-llegada", passwordHash: "$argon2id$v=19$x", role: .member,
                                                               stakeholder: .individual, createdAt: Self.start))
            let thread = try await target.createThread(NewThread(boardId: forum.board.id, authorId: newcomer.id, title: "Después de mudarnos",
                                                                 markdown: "Hola", html: "<p>Hola</p>", createdAt: Self.start))
            let reply = try await target.createReply(NewReply(threadId: forum.opening.threadId, parentId: nil, authorId: forum.ana.id,
                                                              markdown: "Sigo aquí", html: "<p>Sigo aquí</p>", createdAt: Self.start))
            try await target.createSession(tokenHash: Tokens.sha256("nueva"), userId: newcomer.id, userAgent: "curl", at: Self.start)
            // then each id is past every id copied
            let largest = try await source.read { db in
                (users: try Int64.fetchOne(db, sql: "SELECT max(id) FROM users") ?? 0,
                 threads: try Int64.fetchOne(db, sql: "SELECT max(id) FROM threads") ?? 0,
                 posts: try Int64.fetchOne(db, sql: "SELECT max(id) FROM posts") ?? 0,
                 sessions: try Int64.fetchOne(db, sql: "SELECT max(id) FROM sessions") ?? 0)
            }
            #expect(newcomer.id == largest.users + 1)
            #expect(thread.threadId == largest.threads + 1)
            #expect(thread.postId == largest.posts + 1 && reply == largest.posts + 2)
            let sessions = try await target.sessions(userId: newcomer.id, current: nil)
            #expect(sessions.map(\.id) == [largest.sessions + 1])
            #expect(try await target.search("mudarnos", limit: 10, offset: 0).map(\.postId) == [thread.postId])
        }
    }

    // MARK: Refusals and failures

    @Test(.enabled(if: postgres)) func aSecondCopyIsRefusedAndChangesNothing() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        _ = try await CopyFixture.build(source)
        try await Self.withTarget { target in
            let first = try await PostgresCopy.copy(from: source, to: target)
            // when the copy runs again into the same database
            let refused = await #expect(throws: PostgresCopy.Failure.self) { _ = try await PostgresCopy.copy(from: source, to: target) }
            guard case .targetNotEmpty(let tables)? = refused else {
                Issue.record("refused as \(String(describing: refused))")
                return
            }
            // then it names the tables holding rows, and every count is as the first copy left it
            #expect(tables == PostgresCopyTables.copied.map(\.name) + ["post_search"])
            #expect("\(refused.map { "\($0)" } ?? "")".contains("not empty"))
            let after = try await target.read { connection in
                let writer = PostgresCopyTarget(connection: connection, logger: target.logger)
                var counts: [Int] = []
                for table in PostgresCopyTables.copied { counts.append(try await writer.count(table)) }
                return (tables: counts, search: try await writer.searchRows())
            }
            #expect(after.tables == first.tables.map(\.postgres))
            #expect(after.search == first.search.postgres)
        }
    }

    @Test(.enabled(if: postgres)) func aTargetWithASingleRowIsRefused() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        _ = try await CopyFixture.build(source)
        try await Self.withTarget { target in
            // given a server that started on the target once, and made its key
            _ = try await target.serverKey()
            await #expect(throws: PostgresCopy.Failure.targetNotEmpty(["server_key"])) {
                _ = try await PostgresCopy.copy(from: source, to: target)
            }
        }
    }

    @Test(.enabled(if: postgres)) func aCopyThatFailsHalfwayLeavesTheTargetEmptyAndCanBeRunAgain() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        _ = try await CopyFixture.build(source)
        try await Self.withTarget { target in
            // given, in the last table copied, a date SQLite took as text (no CHECK guards that column)
            try await source.write { db in try db.execute(sql: "UPDATE board_conclusions SET created_at = 'ayer'") }
            // when the copy reaches it, every table before it already written
            var reached: [String] = []
            let bad = await #expect(throws: PostgresCopy.Failure.self) {
                _ = try await PostgresCopy.copy(from: source, to: target) { reached.append($0.table) }
            }
            #expect(reached.contains("mail_outbox"))
            guard case .badValue(let table, let column, let row, let why)? = bad else {
                Issue.record("failed as \(String(describing: bad))")
                return
            }
            #expect(table == "board_conclusions" && column == "created_at" && row.hasPrefix("id "))
            #expect(why == "expected integer, found the text 'ayer'")
            // then the target holds nothing
            try await Self.expectEmpty(target)

            // given a row PostgreSQL's own CHECK refuses (SQLite's was switched off to write it)
            try await source.write { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: "UPDATE board_conclusions SET created_at = 1800000000, status = 'final'")
                try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            }
            let rejected = await #expect(throws: PostgresCopy.Failure.self) { _ = try await PostgresCopy.copy(from: source, to: target) }
            guard case .rejected(let refusedTable, let refusal)? = rejected else {
                Issue.record("failed as \(String(describing: rejected))")
                return
            }
            #expect(refusedTable == "board_conclusions" && refusal.contains("check constraint"))
            try await Self.expectEmpty(target)

            // and when interrupted (here by its progress callback), nothing either
            try await source.write { db in try db.execute(sql: "UPDATE board_conclusions SET status = 'published'") }
            struct Interrupted: Error {}
            await #expect(throws: Interrupted.self) {
                _ = try await PostgresCopy.copy(from: source, to: target) { step in
                    if step.table == "notifications" { throw Interrupted() }
                }
            }
            try await Self.expectEmpty(target)

            // and run again, it copies everything
            let report = try await PostgresCopy.copy(from: source, to: target)
            #expect(report.tables.allSatisfy { $0.sqlite == $0.postgres && $0.postgres > 0 })
        }
    }

    @Test(.enabled(if: postgres)) func theWholeCommandRefusesWhileAServerHoldsTheDatabase() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        _ = try await CopyFixture.build(source)
        try await StoreKind.withPostgres { url in
            let lock = try ServerLock(database: source.path)
            #expect(lock.tryAcquire())
            await #expect(throws: PostgresCopy.Failure.serverRunning(source.path)) {
                _ = try await PostgresCopy.copy(sqlitePath: source.path, to: url)
            }
            lock.release()
            let report = try await PostgresCopy.copy(sqlitePath: source.path, to: url)
            #expect(report.tables.allSatisfy { $0.sqlite == $0.postgres })
            // the copy let the lock go: a server can start on the file again
            #expect(lock.tryAcquire())
            lock.release()
        }
    }

    @Test func aTargetThatDoesNotAnswerIsGivenUpOn() async throws {
        let source = try AppDatabase.temporary()
        defer { removeDatabase(at: source.path) }
        // given nothing listening where the URL points
        await #expect(throws: PostgresCopy.Failure.unreachable(server: "127.0.0.1:1", seconds: 1)) {
            _ = try await PostgresCopy.copy(sqlitePath: source.path, to: "postgres://cabildo@127.0.0.1:1/cabildo",
                                            connectTimeout: .seconds(1))
        }
        // then the copy gave up, and let the file's lock go
        let lock = try ServerLock(database: source.path)
        #expect(lock.tryAcquire())
        lock.release()
    }

    // MARK: Helpers

    /// A fresh PostgreSQL database, migrated, closed and dropped afterwards.
    static func withTarget(_ body: (PostgresStore) async throws -> Void) async throws {
        try await StoreKind.withPostgres { url in
            let target = try await PostgresStore.open(url: url, maximumConnections: 2)
            do {
                try await body(target)
            } catch {
                await target.close()
                throw error
            }
            await target.close()
        }
    }

    static func expectEmpty(_ target: PostgresStore) async throws {
        let full = try await target.read { connection in
            try await PostgresCopyTarget(connection: connection, logger: target.logger).tablesWithRows()
        }
        #expect(full == [], "the target holds no forum row")
    }

    /// Every row of `table` in PostgreSQL, as the copy's values (a set: the stores order text differently).
    static func rows(_ target: PostgresStore, _ table: PostgresCopyTables.Table) async throws -> Set<[PostgresCopyValue]> {
        let sql = "SELECT \(table.columns.map(\.name).joined(separator: ", ")) FROM \(table.name)"
        return Set(try await target.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: sql), logger: target.logger) { row in
                try table.columns.map { column -> PostgresCopyValue in
                    switch column.kind {
                    case .integer: return try row.value(column.name, Int64?.self).map { .integer($0) } ?? .null
                    case .text: return try row.value(column.name, String?.self).map { .text($0) } ?? .null
                    case .blob: return try row.value(column.name, Data?.self).map { .blob($0) } ?? .null
                    case .flag: return try row.value(column.name, Bool?.self).map { .flag($0) } ?? .null
                    }
                }
            }
        })
    }

    /// What members see, asked of both stores through `ForumStoreCore`.
    static func expectSameForum(_ source: AppDatabase, _ target: PostgresStore, _ forum: CopyFixture) async throws {
        let now = start.addingTimeInterval(600)
        #expect(try await target.serverKey() == (try await source.serverKey()), "CSRF tokens and mail links stay valid")
        #expect(try await target.boards() == (try await source.boards()))
        for user in forum.everyone {
            #expect(try await target.user(id: user.id) == (try await source.user(id: user.id)))
            let key = Rules.usernameKey(user.username)
            #expect(try await target.credentials(usernameKey: key)?.passwordHash == (try await source.credentials(usernameKey: key)?.passwordHash))
            #expect(try await target.sessions(userId: user.id, current: nil) == (try await source.sessions(userId: user.id, current: nil)))
        }
        // Signed-in members stay signed in, the admin with two-factor on keeps her staff powers.
        for (token, user) in [(forum.anaToken, forum.ana), (forum.adminToken, forum.admin)] {
            let onPostgres = try await target.sessionUser(tokenHash: token, now: now, idleLimit: 3600, absoluteLimit: 86400,
                                                          twoFactorRule: .staff)
            let onSQLite = try await source.sessionUser(tokenHash: token, now: now, idleLimit: 3600, absoluteLimit: 86400,
                                                        twoFactorRule: .staff)
            #expect(onPostgres?.id == user.id)
            #expect(onPostgres == onSQLite)
        }
        for board in try await source.boards() {
            for viewer in [nil, forum.ana.id] {
                let mine = try #require(try await source.boardPage(slug: board.slug, before: nil, limit: 20, viewerId: viewer))
                let theirs = try #require(try await target.boardPage(slug: board.slug, before: nil, limit: 20, viewerId: viewer))
                #expect(theirs.board == mine.board && theirs.threads == mine.threads)
                #expect(theirs.watchLevel == mine.watchLevel && theirs.conclusions == mine.conclusions)
            }
            #expect(try await target.conclusionVersions(boardId: board.id) == (try await source.conclusionVersions(boardId: board.id)))
            #expect(try await target.publishedConclusions(boardId: board.id) == (try await source.publishedConclusions(boardId: board.id)))
        }
        #expect(try await target.publishedConclusions(boardId: forum.board.id) != nil)
        for threadId in forum.threads {
            for viewer in [nil, forum.ana.id, forum.beto.id] {
                let mine = try #require(try await source.threadPage(id: threadId, viewerId: viewer))
                let theirs = try #require(try await target.threadPage(id: threadId, viewerId: viewer))
                #expect(theirs.thread == mine.thread && theirs.board == mine.board && theirs.posts == mine.posts)
                #expect(theirs.summary == mine.summary && theirs.endorsements == mine.endorsements)
                #expect(theirs.viewerEndorsed == mine.viewerEndorsed && theirs.watchLevel == mine.watchLevel)
                #expect(theirs.appeals == mine.appeals && theirs.unreadHere == mine.unreadHere)
            }
        }
        // Two-factor, e-mail, notifications, moderation: the rest of `ForumStore`, as members and staff read it.
        for user in forum.everyone {
            #expect(try await target.twoFactor(userId: user.id) == (try await source.twoFactor(userId: user.id)))
            #expect(try await target.emailSettings(userId: user.id, at: now) == (try await source.emailSettings(userId: user.id, at: now)))
            #expect(try await target.notifications(userId: user.id, before: nil, limit: 50)
                    == (try await source.notifications(userId: user.id, before: nil, limit: 50)))
        }
        #expect(try await target.twoFactor(userId: forum.admin.id)?.recoveryCodesLeft == 2)
        #expect(try await target.moderationLog(before: nil, limit: 50) == (try await source.moderationLog(before: nil, limit: 50)))
        #expect(try await target.moderationQueue(limit: 50) == (try await source.moderationQueue(limit: 50)))
        #expect(try await target.watchedWords() == (try await source.watchedWords()))
        for post in try await source.posts(threadId: forum.opening.threadId) {
            #expect(try await target.revisions(postId: post.id) == (try await source.revisions(postId: post.id)))
            #expect(try await target.openAppeal(postId: post.id) == (try await source.openAppeal(postId: post.id)))
        }
        // Search finds the same posts: not the hidden, held or deleted ones; accents folded.
        for query in ["privacidad", "proteccion", "consentimiento", "oculto", "retenido", "borrado"] {
            let found = Set(try await target.search(query, limit: 50, offset: 0).map(\.postId))
            #expect(found == Set(try await source.search(query, limit: 50, offset: 0).map(\.postId)), "\(query)")
        }
        #expect(try await target.search("privacidad", limit: 50, offset: 0).count == 2)
        #expect(try await target.search("oculto", limit: 50, offset: 0).isEmpty)
    }
}
