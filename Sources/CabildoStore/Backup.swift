import Foundation
import GRDB

/// Online backups and restores of the forum's SQLite file.
public enum Backup {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notADatabase(String)
        case corrupt(String, details: String)
        case newerSchema(String, unknown: [String])
        case foreignSchema(String, differences: [String])
        case serverRunning(String)
        case exists(String)

        public var description: String {
            switch self {
            case .notADatabase(let path): "\(path) is not a Cabildo database"
            case .corrupt(let path, let details): "\(path) failed its integrity check: \(details)"
            case .newerSchema(let path, let unknown):
                "\(path) comes from a newer Cabildo (migrations this version does not know: \(unknown.joined(separator: ", "))); upgrade cabildo first"
            case .foreignSchema(let path, let differences):
                "\(path) was refused: its schema is not the one Cabildo makes (\(differences.joined(separator: "; ")))"
            case .serverRunning(let path): "a server is running on \(path): stop it first (systemctl stop cabildo)"
            case .exists(let path): "\(path) already exists: choose a new file name"
            }
        }
    }

    /// Copies the live database into a new file while the server keeps serving and writing:
    /// SQLite's backup API reading one consistent snapshot (WAL lets writers go on meanwhile).
    /// The copy is then checked with `PRAGMA integrity_check`. Returns its size in bytes.
    @discardableResult
    public static func copy(database source: String, to destination: String) throws -> Int64 {
        try createOwnerOnly(destination)
        var configuration = Configuration.hardened()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let live = try DatabasePool(path: source, configuration: configuration)
            let copy = try DatabaseQueue(path: destination, configuration: .hardened())
            try live.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try live.close()
            try verify(destination)
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: destination)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// A file this version can restore: a SQLite database that passes its integrity check,
    /// whose applied migrations are all known to this version, and whose schema holds exactly
    /// what those migrations make: no trigger, view, table or index from anywhere else.
    public static func verify(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.notADatabase(path) }
        var configuration = Configuration.hardened()
        configuration.readonly = true
        let queue: DatabaseQueue
        let applied: [String]
        let unknown: [String]
        let differences: [String]
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let check = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard check == ["ok"] else { throw Failure.corrupt(path, details: check.prefix(3).joined(separator: "; ")) }
            applied = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { throw Failure.notADatabase(path) }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            unknown = applied.filter { !Migrations.migrator.migrations.contains($0) }
            // A newer version's schema differs by design: that file is refused as newer instead.
            differences = unknown.isEmpty ? try queue.read { db in try SchemaCheck.differences(in: db, applied: applied) } : []
        } catch let failure as Failure {
            throw failure
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw Failure.notADatabase(path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            throw Failure.corrupt(path, details: error.message ?? "\(error)")
        }
        try queue.close()
        guard unknown.isEmpty else { throw Failure.newerSchema(path, unknown: unknown) }
        guard differences.isEmpty else { throw Failure.foreignSchema(path, differences: differences) }
    }

    /// Replaces the database of a stopped server with a verified backup. The current file
    /// (and its -wal and -shm) is kept beside it as `NAME.before-restore-TIMESTAMP`.
    /// Returns where the old database was put, if there was one.
    @discardableResult
    public static func restore(_ backup: String, into database: String, at date: Date = Date()) throws -> String? {
        try verify(backup)
        let lock = try ServerLock(database: database)
        guard lock.tryAcquire() else { throw Failure.serverRunning(database) }
        defer { lock.release() }
        let files = FileManager.default
        var keptAside: String?
        if files.fileExists(atPath: database) {
            let aside = database + ".before-restore-" + String(Int64(date.timeIntervalSince1970))
            try files.moveItem(atPath: database, toPath: aside)
            try ownerOnly(aside)
            for suffix in ["-wal", "-shm"] where files.fileExists(atPath: database + suffix) {
                try files.moveItem(atPath: database + suffix, toPath: aside + suffix)
                try ownerOnly(aside + suffix)
            }
            keptAside = aside
        }
        // Copy beside the target, then rename: the database path never holds a half-written file.
        let partial = database + ".restoring"
        try? files.removeItem(atPath: partial)
        try files.copyItem(atPath: backup, toPath: partial)
        try ownerOnly(partial)
        try files.moveItem(atPath: partial, toPath: database)
        return keptAside
    }

    /// A new, empty file only its owner can read, whatever the umask: a backup holds the password
    /// hashes and the CSRF key. SQLite takes an empty file as a new database.
    private static func createOwnerOnly(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw Failure.exists(path) }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        close(descriptor)
    }

    /// Files moved or copied keep the mode they had, which may be an older version's 0644.
    private static func ownerOnly(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
