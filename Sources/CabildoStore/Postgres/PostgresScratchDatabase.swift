import Foundation
import PostgresNIO

/// An empty database of its own on a PostgreSQL server, made through a role that may create
/// databases (the test cluster's, `Deploy/postgres-test-cluster.sh`), and dropped afterwards:
/// each store test starts from nothing, as `AppDatabase.temporary()` does for SQLite.
public struct PostgresScratchDatabase: Sendable {
    /// The new database's URL: the server's, naming the new database.
    public let url: String
    let name: String
    let serverURL: String

    /// Creates `cabildo_t_<random>` on the server of `serverURL`.
    public static func create(on serverURL: String) async throws -> PostgresScratchDatabase {
        let name = "cabildo_t_" + UUID().uuidString.lowercased().filter { $0 != "-" }
        try await administer(serverURL, "CREATE DATABASE \(name)")
        guard var components = URLComponents(string: serverURL) else { throw PostgresURL.Invalid(description: "not a URL") }
        components.path = "/" + name
        return PostgresScratchDatabase(url: components.string ?? serverURL, name: name, serverURL: serverURL)
    }

    /// Drops the database, closing whatever connections are still in it.
    public func drop() async throws {
        try await Self.administer(serverURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on a connection of its own. CREATE and DROP DATABASE take no bound
    /// parameters: the name is made above from a UUID, lower-case letters, digits and `_` only.
    private static func administer(_ serverURL: String, _ statement: String) async throws {
        let target = try PostgresURL(serverURL)
        let client = PostgresClient(configuration: target.configuration(maximumConnections: 1),
                                    backgroundLogger: Logger(label: "cabildo.postgres.scratch"))
        let lifetime = await ClientLifetime.start(client)
        do {
            _ = try await client.query(PostgresQuery(unsafeSQL: statement)).collect()
            await lifetime.end()
        } catch {
            await lifetime.end()
            throw error
        }
    }
}

extension PostgresStore {
    /// The migrations recorded in `cabildo_migrations`, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await PostgresMigrations.applied(self)
    }
}
