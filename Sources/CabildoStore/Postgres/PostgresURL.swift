import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL (`--database`,
/// `CABILDO_DATABASE`) as a client configuration. Parsed with Foundation's `URLComponents`, so
/// a user name or password holding `@`, `:` or `/` is written percent-encoded, as libpq wants it.
///
/// `sslmode` takes libpq's values, with libpq's meaning: `disable`; `allow` and `prefer` (the
/// default) use TLS when the server offers it, unverified; `require` insists on TLS without
/// verifying the certificate; `verify-ca` checks the chain; `verify-full` the chain and the host
/// name. `sslrootcert=PATH` names the CA file for the two `verify-` modes (else the system's).
/// Anything else in the query (a Unix socket as `host=`, client certificates) is refused by
/// name rather than silently ignored.
public struct PostgresURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCert: String?

    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Whether `string` asks for PostgreSQL rather than a SQLite file.
    public static func isPostgres(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    public init(_ string: String) throws {
        guard Self.isPostgres(string), let components = URLComponents(string: string) else {
            throw Invalid(description: "not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw Invalid(description: "the URL names no user") }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 5432
        username = user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        sslMode = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw Invalid(description: "sslmode must be one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "sslrootcert":
                sslRootCert = item.value
            default:
                throw Invalid(description: "the URL parameter \(item.name) is not supported (only sslmode and sslrootcert)")
            }
        }
    }

    /// The client configuration; `maximumConnections` bounds the pool of each server process.
    func configuration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer(let settings): .prefer(settings)
        case .require(let settings): .require(settings)
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", "cabildo")]
        return configuration
    }

    /// A single connection outside the pool, for the one that listens (`PostgresWriteListener`);
    /// named so that `pg_stat_activity` tells it apart.
    func connectionConfiguration(applicationName: String) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer(let settings): .prefer(try NIOSSLContext(configuration: settings))
        case .require(let settings): .require(try NIOSSLContext(configuration: settings))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                             database: database, tls: tls)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    private enum TLSMode {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    /// libpq's `sslmode`: which connections may go without TLS, and what is verified.
    private var tlsMode: TLSMode {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        var verified = TLSConfiguration.makeClientConfiguration()
        if let sslRootCert { verified.trustRoots = .file(sslRootCert) }
        switch sslMode {
        case .disable: return .disable
        case .allow, .prefer: return .prefer(unverified)
        case .require: return .require(unverified)
        case .verifyCA:
            verified.certificateVerification = .noHostnameVerification
            return .require(verified)
        case .verifyFull: return .require(verified)
        }
    }
}
