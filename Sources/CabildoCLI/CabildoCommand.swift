import ArgumentParser
import Foundation

/// `cabildo serve|admin …`: thin commands over the library, so tests drive the same code.
public struct CabildoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cabildo",
        abstract: "Cabildo: a self-hosted forum for public consultations.",
        subcommands: [Serve.self, Migrate.self, Admin.self, Harvest.self, BackupCommand.self, RestoreCommand.self, Seed.self],
        defaultSubcommand: Serve.self
    )

    public init() {}
}

/// Where a database path comes from: the flag, then `CABILDO_DATABASE`, then `cabildo.sqlite`.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env CABILDO_DATABASE).")
    var database: String?

    func path(_ config: AppConfigSource = .init()) -> String {
        database ?? config.environment["CABILDO_DATABASE"] ?? "cabildo.sqlite"
    }
}

extension CabildoCommand {
    /// Parses and runs a command, exiting with ArgumentParser's message and code on failure.
    /// (Spelled out because `main()` on a root command can pick the synchronous overload.)
    public static func runMain(_ arguments: [String]? = nil) async {
        do {
            try await run(arguments)
        } catch {
            exit(withError: error)
        }
    }

    /// Parses and runs a command, throwing instead of exiting: what tests call.
    public static func run(_ arguments: [String]?) async throws {
        restrictNewFiles()
        var command = try parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    /// Every file a command makes (the database, its -wal and -shm, backups) is the service
    /// account's alone: they hold password hashes and the CSRF key, and the usual umask 022
    /// would leave them world-readable. (SQLite gives -wal and -shm the database file's mode.)
    static func restrictNewFiles() {
        umask(0o077)
    }
}
