import Foundation

/// The forum's database as `--database` / `CABILDO_DATABASE` names it: a `postgres://` URL, or
/// else a SQLite file (the embedded default).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ setting: String) {
        self = PostgresURL.isPostgres(setting) ? .postgres(url: setting) : .sqlite(path: setting)
    }

    /// For logs: a URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): (try? PostgresURL(url)).map { "postgres://\($0.username)@\($0.host):\($0.port)/\($0.database)" }
            ?? "postgres://…"
        }
    }
}

/// An open store and how to let it go: PostgreSQL's connections are closed, SQLite's file needs nothing.
public struct OpenedStore: Sendable {
    public let store: any ForumStore
    public let close: @Sendable () async -> Void
}

extension StoreLocation {
    /// Opens the store, running its migrations. `connections` bounds this process's PostgreSQL
    /// connections (the listener for other servers' writes takes one more).
    public func open(searchLimits: SearchLimits = SearchLimits(), connections: Int = 16) async throws -> OpenedStore {
        switch self {
        case .sqlite(let path):
            return OpenedStore(store: try AppDatabase.open(path: path, searchLimits: searchLimits), close: {})
        case .postgres(let url):
            let store = try await PostgresStore.open(url: url, searchLimits: searchLimits, maximumConnections: connections)
            return OpenedStore(store: store, close: { await store.close() })
        }
    }
}
