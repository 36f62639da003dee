// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "cabildo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cabildo", targets: ["cabildo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // TOTP (RFC 6238) for two-factor sign-in, and the base32 its secrets are shown in.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
        // Already resolved under Hummingbird; named because our targets import them directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // TLS for the SMTP client (STARTTLS and smtps://): README's "E-mail" says why not sendmail.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // PostgreSQL, the second store (issue 19): PostgresStore, in CabildoStore only.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CCmark", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // sqlite3_db_config for SQLite's defensive mode, which Swift cannot call (it is variadic).
        .systemLibrary(name: "CSQLiteDefensive", providers: [.apt(["libsqlite3-dev"])]),
        // The reference QR encoder, for the two-factor enrolment page's code (drawn as inline SVG).
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // zlib, to compress the static files once at start (`Gzip`).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CabildoCore",
            dependencies: [
                "CArgon2",
                "CCmark",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Compiled into the binary rather than a resource bundle beside it (Stopwords.swift says why).
            resources: [
                .embedInCode("Harvest/Stopwords/stopwords-es.txt"),
                .embedInCode("Harvest/Stopwords/stopwords-en.txt"),
                .embedInCode("Harvest/Stopwords/stopwords-web.txt"),
            ]
        ),
        .target(
            name: "CabildoStore",
            dependencies: [
                "CabildoCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API itself, for the progress handler that bounds a search's time.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteDefensive",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // A small SMTP client and the RFC 5322 messages it sends; knows nothing of the forum.
        .target(
            name: "CabildoMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "CabildoWeb",
            dependencies: [
                "CabildoCore",
                "CabildoMail",
                "CabildoStore",
                "CQRencode",
                "CZlib",
                // SHA-256 fingerprints of the static files' contents (`StaticAssets`).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CabildoCLI",
            dependencies: [
                "CabildoCore",
                "CabildoStore",
                "CabildoWeb",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "cabildo", dependencies: ["CabildoCLI"]),
        .executableTarget(name: "limiter-benchmark", dependencies: ["CabildoCore"], path: "bench/LimiterBenchmark"),
        .testTarget(name: "CabildoCoreTests", dependencies: ["CabildoCore"]),
        // What the store and web tests share: the stores a test runs on (`StoreKind`).
        .target(name: "CabildoTestSupport", dependencies: ["CabildoStore"], path: "Tests/Support"),
        // Each test target names every module it imports, as the library targets do.
        .testTarget(name: "CabildoStoreTests", dependencies: ["CabildoCore", "CabildoStore", "CabildoTestSupport",
                                                           .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "CabildoCLITests",
            dependencies: [
                "CabildoCLI", "CabildoCore", "CabildoStore", "CabildoTestSupport", "CabildoWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // `cabildo harvest` is checked against what the server serves.
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CabildoWebTests",
            dependencies: [
                "CabildoCore", "CabildoMail", "CabildoStore", "CabildoTestSupport", "CabildoWeb",
                // The static files' gzip is checked by decompressing it, apart from the server's code.
                "CZlib",
                // Two-factor tests compute codes as an authenticator app does (RFC 6238), not through HummingbirdOTP.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
