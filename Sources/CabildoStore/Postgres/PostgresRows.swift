import Foundation
import PostgresNIO

/// Running statements and reading rows by column name, for `PostgresStore`'s queries.
extension PostgresConnection {
    /// Runs a statement whose rows, if any, are not needed.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// Every row, each decoded by `decode`.
    func all<T>(_ query: PostgresQuery, logger: Logger, _ decode: (Columns) throws -> T) async throws -> [T] {
        try await self.query(query, logger: logger).collect().map { try decode(Columns($0.makeRandomAccess())) }
    }

    /// The first row, decoded; nil when there is none.
    func one<T>(_ query: PostgresQuery, logger: Logger, _ decode: (Columns) throws -> T) async throws -> T? {
        try await all(query, logger: logger, decode).first
    }

    /// How many rows a statement returned: with `RETURNING`, how many it changed.
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}

/// One row's columns by name, typed as the schema declares them (`bigint` as `Int64`, dates as
/// Unix seconds, `boolean` as `Bool`).
struct Columns {
    let row: PostgresRandomAccessRow
    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func value<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T { try row[name].decode(T.self) }
    func int64(_ name: String) throws -> Int64 { try value(name) }
    func optionalInt64(_ name: String) throws -> Int64? { try value(name) }
    func int(_ name: String) throws -> Int { try value(name) }
    func string(_ name: String) throws -> String { try value(name) }
    func optionalString(_ name: String) throws -> String? { try value(name) }
    func bool(_ name: String) throws -> Bool { try value(name) }
    func data(_ name: String) throws -> Data { try value(name) }
    func date(_ name: String) throws -> Date { Date(unixSeconds: try int64(name)) }
    func optionalDate(_ name: String) throws -> Date? { try optionalInt64(name).map(Date.init(unixSeconds:)) }
}
