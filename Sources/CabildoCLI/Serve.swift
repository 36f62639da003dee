import ArgumentParser
import CabildoStore
#if canImport(Glibc)
import CMalloc
#endif
import CabildoWeb
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate if needed, seed the six boards into an empty database, and serve HTTP."
    )

    @Option(help: "Address to listen on (env CABILDO_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env CABILDO_PORT, default 8080).") var port: Int?
    @OptionGroup var database: DatabaseOption

    /// The settings this server runs with: the environment's, then the flags over them.
    func config(environment: [String: String] = CLIIO.environment()) throws -> AppConfig {
        var config = try database.config(environment: environment)
        if let host { config.host = host }
        if let port { config.port = port }
        return config
    }

    func run() async throws {
        #if canImport(Glibc)
        // glibc gives each thread that allocates its own heap arena (up to 8 per core), and
        // Swift's concurrency pool and NIO's event loops touch many: two arenas hold the
        // server's peak memory at a million posts to 83 MB instead of 99 MB, at no cost in
        // requests per second that wrk could see (bench/RESULTS.md).
        mallopt(M_ARENA_MAX, 2)
        #endif
        let config = try self.config()
        CabildoLogging.bootstrap(format: config.logFormat, level: config.logLevel)
        let logger = Logger(label: "cabildo")
        let location = StoreLocation(config.databasePath)
        // One server per SQLite file: a second one, or a restore, must not swap the file underneath.
        // On PostgreSQL any number of servers share the database (issue 19).
        var lock: ServerLock?
        if case .sqlite(let path) = location {
            let held = try ServerLock(database: path)
            guard held.tryAcquire() else {
                throw ValidationError("another cabildo server is using \(path) (lock \(path).lock)")
            }
            lock = held
        }
        defer { lock?.release() }
        logger.info("starting", metadata: ["database": "\(location)", "address": "\(config.host):\(config.port)"])
        do {
            let app = try await buildApplication(config: config, logger: logger)
            // SIGTERM and SIGINT stop accepting connections, let requests in flight finish, then return here.
            try await app.runService()
        } catch let error as AppDatabase.OpenFailure {
            // A failed migration rolled back: the database is as it was. Say why and exit non-zero.
            throw ValidationError("cannot start: \(error)")
        }
        logger.info("stopped")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let location = database.location()
        try await withStore(location) { _ in }
        CLIIO.write("database ready: \(location)")
    }
}
