import CabildoStore
import Foundation
import Testing

/// The stores the contract tests (and the web tests that run on both) run on. PostgreSQL needs a server: `Deploy/run-tests.sh`
/// starts a throwaway one and sets `CABILDO_TEST_POSTGRES_URL`. Without it the PostgreSQL cases
/// are left out locally (said once, on standard error) but kept under CI, where they fail: a CI
/// that lost its cluster must not pass by testing SQLite alone.
public enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    public static let serverURL = ProcessInfo.processInfo.environment["CABILDO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let underCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    /// The kinds to test here and now.
    public static let available: [StoreKind] = {
        guard serverURL == nil, !underCI else { return allCases }
        FileHandle.standardError.write(Data(
            "StoreContractTests: PostgreSQL skipped, CABILDO_TEST_POSTGRES_URL is not set (Deploy/run-tests.sh sets it)\n".utf8))
        return [.sqlite]
    }()

    public var testDescription: String { rawValue }

    /// Runs `body` on a fresh, empty store of this kind, and deletes it afterwards.
    public func withStore(searchLimits: SearchLimits = SearchLimits(), _ body: (any ForumStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let store = try AppDatabase.temporary(searchLimits: searchLimits)
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) } }
            try await body(store)
        case .postgres:
            try await Self.withPostgres { url in
                let store = try await PostgresStore.open(url: url, searchLimits: searchLimits, maximumConnections: 4)
                do {
                    try await body(store)
                } catch {
                    await store.close()
                    throw Unexpected(error)
                }
                await store.close()
            }
        }
    }

    /// An error a test did not expect, told in full: PostgreSQL's errors describe themselves as
    /// "Generic description" unless reflected, which leaves a failing test unexplained.
    public struct Unexpected: Error, CustomStringConvertible {
        public let error: any Error
        init(_ error: any Error) { self.error = (error as? Unexpected)?.error ?? error }
        public var description: String { String(reflecting: error) }
    }

    /// An empty database of its own on the test server, dropped afterwards.
    public static func withPostgres(_ body: (String) async throws -> Void) async throws {
        guard let serverURL else {
            Issue.record("CI is set but CABILDO_TEST_POSTGRES_URL is not: the PostgreSQL test cluster did not start")
            return
        }
        let database = try await PostgresScratchDatabase.create(on: serverURL)
        do {
            try await body(database.url)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
