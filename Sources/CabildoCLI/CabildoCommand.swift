import ArgumentParser
import CabildoStore
import CabildoWeb
import Foundation

/// `cabildo serve|admin …`: thin commands over the library, so tests drive the same code.
public struct CabildoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cabildo",
        abstract: "Cabildo: a self-hosted forum for public consultations.",
        subcommands: [Serve.self, Migrate.self, Admin.self, Harvest.self, BackupCommand.self, RestoreCommand.self, Seed.self,
                      CopyCommand.self],
        defaultSubcommand: Serve.self
    )

    public init() {}
}

/// The settings a command runs with: the `CABILDO_*` variables, read by `AppConfig.fromEnvironment`
/// alone, then `--database` over them.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env CABILDO_DATABASE).")
    var database: String?

    /// Every setting, for commands that use more than the database; a bad value is refused by name.
    func config(environment: [String: String] = CLIIO.environment()) throws -> AppConfig {
        var config: AppConfig
        do { config = try AppConfig.fromEnvironment(environment) } catch { throw ValidationError("\(error)") }
        if let database { config.databasePath = database }
        return config
    }

    /// The SQLite file alone, for the commands that work on one (backup, restore, seed): a
    /// mistake in another setting does not stop a backup; a PostgreSQL URL is refused by name.
    func sqlitePath(for command: String, environment: [String: String] = CLIIO.environment()) throws -> String {
        let path = database ?? AppConfig.databasePath(in: environment)
        if case .postgres = StoreLocation(path) {
            throw ValidationError("cabildo \(command) works on a SQLite file; on PostgreSQL "
                                  + (command == "seed" ? "seed a SQLite file and move it with `cabildo copy --to`"
                                                       : "use pg_dump and pg_restore (Deploy/scale-out/README.md)"))
        }
        return path
    }

    /// The database alone, SQLite or PostgreSQL (migrate).
    func location(environment: [String: String] = CLIIO.environment()) -> StoreLocation {
        StoreLocation(database ?? AppConfig.databasePath(in: environment))
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
