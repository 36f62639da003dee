import CabildoCore
import Foundation
import GRDB
import Testing
@testable import CabildoCLI
@testable import CabildoStore

/// `cabildo backup` and `cabildo restore`, and what happens when a migration fails.
@Suite(.serialized) struct BackupCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-backup-\(UUID().uuidString)").path

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Each test deletes its folder when it ends, pass or fail.
    func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }

    func file(_ name: String) -> String { folder + "/" + name }

    /// A forum with one member and one thread, as the server would leave it.
    func forum(at path: String) async throws -> (AppDatabase, thread: Int64, author: Int64) {
        let store = try AppDatabase.open(path: path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let author = try await store.createUser(NewUser(username: "autora", passwordHash: "$argon2id$v=19$x", role: .member,
                                                        stakeholder: .academia, createdAt: Date()))
        let board = try #require(try await store.board(slug: "banda-ancha"))
        let thread = try await store.createThread(NewThread(boardId: board.id, authorId: author.id, title: "Hilo de respaldo",
                                                            markdown: "Apertura", html: "<p>Apertura</p>", createdAt: Date()))
        return (store, thread.threadId, author.id)
    }

    @Test func aBackupTakenUnderWritesHoldsEveryPostCommittedBeforeItAndRestores() async throws {
        defer { cleanUp() }
        let live = file("live.sqlite")
        let (store, thread, author) = try await forum(at: live)
        // A writer that keeps replying while the backup runs, as members would.
        let writer = Task {
            var written = 0
            while !Task.isCancelled {
                _ = try await store.createReply(NewReply(threadId: thread, parentId: nil, authorId: author,
                                                         markdown: "respuesta \(written)", html: "<p>r</p>", createdAt: Date()))
                written += 1
            }
        }
        while try await store.posts(threadId: thread).count < 50 { try await Task.sleep(for: .milliseconds(5)) }
        let committedBefore = try await store.posts(threadId: thread).map(\.id)
        let output = try await cabildo(["backup", file("copia.sqlite"), "--database", live])
        writer.cancel()
        _ = await writer.result
        #expect(output.last?.contains("integrity ok") == true)
        #expect(output.last?.contains("bytes") == true)
        let writtenInAll = try await store.posts(threadId: thread).count

        let restored = file("restored.sqlite")
        let restoreOutput = try await cabildo(["restore", file("copia.sqlite"), "--database", restored])
        #expect(restoreOutput.last?.contains("restored") == true)
        let copy = try AppDatabase.open(path: restored)
        let ids = Set(try await copy.posts(threadId: thread).map(\.id))
        #expect(ids.isSuperset(of: committedBefore), "every post committed before the backup began is in it")
        #expect(ids.count <= writtenInAll)
        #expect(try await copy.board(slug: "banda-ancha")?.postCount == ids.count, "counters travel with their posts")
    }

    @Test func restoreKeepsTheOldDatabaseAsideAndRefusesWhileAServerRuns() async throws {
        defer { cleanUp() }
        let live = file("live.sqlite")
        _ = try await forum(at: live)
        try await cabildo(["backup", file("copia.sqlite"), "--database", live])
        await #expect(throws: (any Error).self) { try await cabildo(["backup", file("copia.sqlite"), "--database", live]) }

        let lock = try ServerLock(database: live)
        #expect(lock.tryAcquire())
        let refused = await #expect(throws: (any Error).self) { try await cabildo(["restore", file("copia.sqlite"), "--database", live]) }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("server is running"))
        lock.release()

        let output = try await cabildo(["restore", file("copia.sqlite"), "--database", live])
        #expect(output.last?.contains("before-restore-") == true)
        let aside = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("live.sqlite.before-restore-") }
        #expect(!aside.isEmpty)
    }

    /// The database holds argon2 hashes and the CSRF key: under the usual umask 022 its files, its
    /// backups and the database a restore keeps aside must still be the owner's alone.
    @Test func theDatabaseItsWALBackupsAndKeptFilesAreOwnerOnly() async throws {
        defer { cleanUp() }
        let previous = umask(0o022)
        defer { umask(previous) }
        func mode(_ name: String) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: file(name))[.posixPermissions] as? Int)
        }
        // given a database made by the command
        _ = try await cabildo(["migrate", "--database", file("live.sqlite")])
        #expect(try mode("live.sqlite") == 0o600)
        // when the server writes with the process umask back at 022, SQLite's -wal follows the database
        umask(0o022)
        let store = try AppDatabase.open(path: file("live.sqlite"))
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        if FileManager.default.fileExists(atPath: file("live.sqlite-wal")) {
            #expect(try mode("live.sqlite-wal") == 0o600)
        }
        umask(0o022)
        _ = try await cabildo(["backup", file("copia.sqlite"), "--database", file("live.sqlite")])
        #expect(try mode("copia.sqlite") == 0o600)

        // A database an older version left world-readable is kept aside owner-only by a restore.
        let older = file("older.sqlite")
        _ = try AppDatabase.open(path: older)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: older)
        umask(0o022)
        let output = try await cabildo(["restore", file("copia.sqlite"), "--database", older])
        let aside = try #require(output.last?.split(separator: " ").last.map { String($0).replacingOccurrences(of: folder + "/", with: "") })
        #expect(try mode(aside) == 0o600)
        #expect(try mode("older.sqlite") == 0o600)
    }

    @Test func restoreRefusesCorruptForeignAndNewerFiles() async throws {
        defer { cleanUp() }
        let live = file("live.sqlite")
        _ = try await forum(at: live)
        try await cabildo(["backup", file("copia.sqlite"), "--database", live])

        try Data("esto no es una base de datos".utf8).write(to: URL(fileURLWithPath: file("texto.sqlite")))
        let notDatabase = await #expect(throws: (any Error).self) { try await cabildo(["restore", file("texto.sqlite"), "--database", live]) }
        #expect("\(notDatabase.map { "\($0)" } ?? "")".contains("not a Cabildo database"))

        // Damage the middle of a copy: its integrity check fails.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file("copia.sqlite")))
        for i in stride(from: 4096 * 2 + 100, to: min(bytes.count, 4096 * 6), by: 7) { bytes[i] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: file("rota.sqlite")))
        let corrupt = await #expect(throws: (any Error).self) { try await cabildo(["restore", file("rota.sqlite"), "--database", live]) }
        #expect("\(corrupt.map { "\($0)" } ?? "")".contains("integrity") || "\(corrupt.map { "\($0)" } ?? "")".contains("not a Cabildo"))

        // A backup from a future version has a migration this one does not know.
        let future = try DatabaseQueue(path: file("copia.sqlite"))
        try await future.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
        }
        try future.close()
        let newer = await #expect(throws: (any Error).self) { try await cabildo(["restore", file("copia.sqlite"), "--database", live]) }
        #expect("\(newer.map { "\($0)" } ?? "")".contains("v99-future"))
        #expect(try await AppDatabase.open(path: live).board(slug: "banda-ancha")?.threadCount == 1, "the live database is untouched")
    }

    /// A copy of `backup` named `name` with `sql` run on it, as someone who hands over a doctored
    /// backup would make it.
    func crafted(_ name: String, from backup: String, _ sql: String) throws -> String {
        try FileManager.default.copyItem(atPath: backup, toPath: file(name))
        let queue = try DatabaseQueue(path: file(name))
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try queue.close()
        return file(name)
    }

    /// SQLite runs what a database's schema holds: a trigger in a restored backup ran at every
    /// sign-in. Only the schema Cabildo's migrations make is restored, and the refusal names
    /// what is not.
    @Test func restoreRefusesTriggersViewsTablesAndChangedDefinitionsCabildoDidNotMake() async throws {
        defer { cleanUp() }
        let live = file("live.sqlite")
        _ = try await forum(at: live)
        try await cabildo(["backup", file("copia.sqlite"), "--database", live])
        let backup = file("copia.sqlite")
        let doctored: [(file: String, named: String)] = [
            (try crafted("trigger.sqlite", from: backup, """
                CREATE TRIGGER promote_on_login AFTER INSERT ON sessions
                BEGIN UPDATE users SET role = 'admin' WHERE id = NEW.user_id; END
                """), "trigger promote_on_login on sessions was not made by Cabildo"),
            (try crafted("view.sqlite", from: backup, "CREATE VIEW hashes AS SELECT username, password_hash FROM users"),
             "view hashes was not made by Cabildo"),
            (try crafted("table.sqlite", from: backup, "CREATE TABLE stash (secret TEXT)"), "table stash was not made by Cabildo"),
            (try crafted("index.sqlite", from: backup, "CREATE INDEX users_by_hash ON users(password_hash)"),
             "index users_by_hash on users was not made by Cabildo"),
            // The public log without its CHECK on reasons: same name, another definition.
            (try crafted("altered.sqlite", from: backup, """
                DROP TABLE moderation_log;
                CREATE TABLE moderation_log (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, actor_id INTEGER,
                    action TEXT NOT NULL, target_kind TEXT NOT NULL, target_id INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT '',
                    reason TEXT NOT NULL);
                """), "table moderation_log differs from the table moderation_log Cabildo makes"),
            (try crafted("missing.sqlite", from: backup, "DROP INDEX sessions_by_user"),
             "index sessions_by_user on sessions that Cabildo makes is missing"),
        ]
        let target = file("stopped.sqlite")
        for (path, named) in doctored {
            let refused = await #expect(throws: (any Error).self) { try await cabildo(["restore", path, "--database", target]) }
            let message = "\(refused.map { "\($0)" } ?? "")"
            #expect(message.contains(named), "\(message)")
            #expect(message.contains("refused"), "\(message)")
            #expect(!FileManager.default.fileExists(atPath: target), "nothing was put in place")
        }

        // The genuine backup still restores, and so does an older version's (fewer migrations).
        #expect(try await cabildo(["restore", backup, "--database", target]).last?.contains("restored") == true)
        let older = file("older.sqlite")
        let queue = try DatabaseQueue(path: older)
        try Migrations.migrator.migrate(queue, upTo: "v4-username-skeleton")
        try queue.close()
        #expect(try await cabildo(["restore", older, "--database", target]).last?.contains("restored") == true)
    }

    @Test func aFailingMigrationLeavesTheDatabaseAsItWasAndSaysWhy() async throws {
        defer { cleanUp() }
        let path = file("old.sqlite")
        // A database at v1 whose schema already has a `flags` table: v2's CREATE TABLE flags fails.
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, suspended TEXT); CREATE TABLE flags (x)")
        }
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue)
        try queue.close()
        let failure = await #expect(throws: (any Error).self) { try await cabildo(["migrate", "--database", path]) }
        #expect("\(failure.map { "\($0)" } ?? "")".contains("rolled back"))
        let after = try DatabaseQueue(path: path)
        let (applied, columns) = try await after.read { db in
            (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), try db.columns(in: "users").map(\.name))
        }
        #expect(applied == ["v1-core"])
        #expect(columns == ["id", "suspended"], "no half-applied ALTER")
    }
}
