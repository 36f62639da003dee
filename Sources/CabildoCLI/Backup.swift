import ArgumentParser
import CabildoStore
import Foundation

/// `cabildo backup FILE`: a consistent copy of the live database, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database into FILE while the server keeps running, then verify the copy."
    )
    @Argument(help: "The new backup file.") var file: String
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let source = try database.sqlitePath(for: "backup")
        guard FileManager.default.fileExists(atPath: source) else { throw ValidationError("no database at \(source)") }
        do {
            let bytes = try Backup.copy(database: source, to: file)
            CLIIO.write("backup of \(source) written to \(file): \(bytes) bytes, integrity ok")
        } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
    }
}

/// `cabildo restore FILE`: put a verified backup in place of a stopped server's database.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the (stopped) server's database with a backup; the old file is kept beside it."
    )
    @Argument(help: "The backup file.") var file: String
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let target = try database.sqlitePath(for: "restore")
        do {
            let aside = try Backup.restore(file, into: target)
            CLIIO.write("restored \(file) into \(target)" + (aside.map { "; the previous database is kept as \($0)" } ?? ""))
        } catch let failure as Backup.Failure {
            throw ValidationError(failure.description)
        }
    }
}
