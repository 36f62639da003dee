import ArgumentParser
import CabildoWeb
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate if needed, seed the six boards into an empty database, and serve HTTP."
    )

    @Option(help: "Address to listen on (env CABILDO_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env CABILDO_PORT, default 8080).") var port: Int?
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        var config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            throw ValidationError("\(error)")
        }
        if let host { config.host = host }
        if let port { config.port = port }
        config.databasePath = database.path()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "cabildo")
        logger.logLevel = Logger.Level(rawValue: AppConfigSource().environment["CABILDO_LOG_LEVEL"] ?? "info") ?? .info
        logger.info("starting", metadata: ["database": "\(config.databasePath)", "address": "\(config.host):\(config.port)"])
        let app = try await buildApplication(config: config, logger: logger)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        _ = try openStore(database.path())
        CLIIO.write("database ready: \(database.path())")
    }
}
