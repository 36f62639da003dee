import ArgumentParser
import CabildoCore
import Foundation
import CabildoTestSupport
import Testing
@testable import CabildoCLI
@testable import CabildoStore

/// `cabildo copy --to postgres://…` through the command line: a forum moved up, and each refusal
/// with its message and a failing exit. The cases that need PostgreSQL follow the store tests'
/// rule (`StoreKind`): skipped here without `CABILDO_TEST_POSTGRES_URL`, failing under CI.
@Suite(.serialized) struct CopyCommandTests {
    static let serverURL = ProcessInfo.processInfo.environment["CABILDO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let underCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
    static let postgres = serverURL != nil || underCI
    /// Nothing listens there: the refusals below come before any connection.
    static let unreachable = "postgres://cabildo:secreto@127.0.0.1:1/cabildo"

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-copy-\(UUID().uuidString)").path

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }

    /// A forum as the server leaves it: the boards, a member signed in, a thread with a reply.
    func forum(at path: String) async throws -> (member: User, thread: Int64, session: Data) {
        let store = try AppDatabase.open(path: path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let member = try await store.createUser(NewUser(username: "mudanza", passwordHash: "$argon2id$v=19$x", role: .member,
                                                        stakeholder: .academia, createdAt: Date()))
        let board = try #require(try await store.board(slug: "banda-ancha"))
        let thread = try await store.createThread(NewThread(boardId: board.id, authorId: member.id, title: "Hilo que se muda",
                                                            markdown: "Conectividad rural", html: "<p>Conectividad rural</p>",
                                                            createdAt: Date()))
        _ = try await store.createReply(NewReply(threadId: thread.threadId, parentId: nil, authorId: member.id, markdown: "Respuesta",
                                                 html: "<p>Respuesta</p>", createdAt: Date()))
        let session = Tokens.sha256(Tokens.random())
        try await store.createSession(tokenHash: session, userId: member.id, userAgent: "Firefox", at: Date())
        return (member, thread.threadId, session)
    }

    /// What the command prints on failure, and that it exits with a failure.
    func refusal(_ arguments: [String]) async -> String {
        do {
            _ = try await cabildo(arguments)
            Issue.record("cabildo \(arguments.joined(separator: " ")) succeeded")
            return ""
        } catch {
            #expect(CabildoCommand.exitCode(for: error) != .success)
            return CabildoCommand.message(for: error)
        }
    }

    @Test(.enabled(if: postgres)) func copiesAForumPrintsItsCountsAndRefusesToCopyTwice() async throws {
        defer { cleanUp() }
        let path = folder + "/forum.sqlite"
        let (member, thread, session) = try await forum(at: path)
        try await StoreKind.withPostgres { url in
            let target = try PostgresURL(url)
            // when
            let output = try await cabildo(["copy", "--to", url, "--database", path])
            // then it says where it copies without the password, shows progress, the counts, and that they match
            #expect(output.first == "copying \(path) into the PostgreSQL database \(target.database) at \(target.host):\(target.port)")
            #expect(!output.contains { line in target.password.map { line.contains($0) } ?? false })
            #expect(output.contains { $0.hasPrefix("  posts 2/2") })
            #expect(output.contains { $0.hasPrefix("table ") && $0.hasSuffix("sqlite  postgresql") })
            #expect(output.contains { $0.hasPrefix("posts ") && $0.hasSuffix("         2           2") })
            #expect(output.contains { $0.hasPrefix("post_search (rebuilt) ") && $0.hasSuffix("         2           2") })
            #expect(output.last?.hasPrefix("copied \(PostgresCopyTables.copied.count) tables, ") == true)
            #expect(output.last?.hasSuffix("every count matches") == true)

            // and the forum reads the same on PostgreSQL, its member still signed in
            let store = try await PostgresStore.open(url: url, maximumConnections: 1)
            let page = try await store.threadPage(id: thread, viewerId: member.id)
            #expect(page?.posts.map(\.bodyMarkdown) == ["Conectividad rural", "Respuesta"])
            #expect(try await store.sessionUser(tokenHash: session, now: Date(), idleLimit: 3600, absoluteLimit: 86_400,
                                                twoFactorRule: .off)?.id == member.id)
            #expect(try await store.search("rural", limit: 10, offset: 0).count == 1)
            await store.close()

            // and a second copy into the same database is refused
            let message = await refusal(["copy", "--to", url, "--database", path])
            #expect(message.contains("the PostgreSQL database is not empty (rows in users, boards, threads, posts"))
            #expect(message.contains("nothing was copied"))
        }
    }

    @Test func refusesWhileAServerHoldsTheDatabase() async throws {
        defer { cleanUp() }
        let path = folder + "/forum.sqlite"
        _ = try await forum(at: path)
        let lock = try ServerLock(database: path)
        #expect(lock.tryAcquire())
        defer { lock.release() }
        let message = await refusal(["copy", "--to", Self.unreachable, "--database", path])
        #expect(message.contains("a cabildo server is using \(path)"))
        #expect(message.contains("stop it before copying"))
    }

    @Test func refusesATargetThatIsNotAPostgresURL() async throws {
        for target in ["copia.sqlite", "mysql://cabildo@127.0.0.1/cabildo", ""] {
            let message = await refusal(["copy", "--to", target, "--database", folder + "/forum.sqlite"])
            #expect(message.contains("--to must be a postgres:// (or postgresql://) URL"), "\(target)")
        }
    }

    @Test func refusesABadPostgresURLByWhatIsWrong() async throws {
        let cases = [
            ("postgres://127.0.0.1/cabildo", "the URL names no user"),
            ("postgres://cabildo@/cabildo", "the URL names no host"),
            ("postgres://cabildo@127.0.0.1/cabildo?sslmode=sometimes", "sslmode must be one of"),
            ("postgres://cabildo@127.0.0.1/cabildo?host=/run/postgresql", "the URL parameter host is not supported"),
        ]
        for (url, expected) in cases {
            let message = await refusal(["copy", "--to", url, "--database", folder + "/forum.sqlite"])
            #expect(message.contains("cannot use the --to URL: \(expected)"), "\(url): \(message)")
        }
    }

    @Test func refusesAMissingOrPostgresSource() async throws {
        defer { cleanUp() }
        let missing = folder + "/nada.sqlite"
        #expect(await refusal(["copy", "--to", Self.unreachable, "--database", missing]).contains("no SQLite database at \(missing)"))
        #expect(!FileManager.default.fileExists(atPath: missing), "a missing source is not created")
        let message = await refusal(["copy", "--to", Self.unreachable, "--database", Self.unreachable])
        #expect(message.contains("cabildo copy reads a SQLite file"))
    }

    @Test func refusesADatabaseWithATableItDoesNotKnow() async throws {
        defer { cleanUp() }
        let path = folder + "/forum.sqlite"
        _ = try await forum(at: path)
        // given a table some later version (or someone) added
        let store = try AppDatabase.open(path: path)
        try await store.write { db in try db.execute(sql: "CREATE TABLE encuestas (id INTEGER PRIMARY KEY)") }
        // then the copy stops before it touches the target
        let message = await refusal(["copy", "--to", Self.unreachable, "--database", path])
        #expect(message.contains("table encuestas is neither copied nor skipped"))
    }
}
