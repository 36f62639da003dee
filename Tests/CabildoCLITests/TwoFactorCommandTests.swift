import CabildoCore
import CabildoStore
import Foundation
import HummingbirdTesting
import Logging
import Testing
@testable import CabildoCLI
@testable import CabildoWeb

/// The first admin, made by `cabildo admin create`, waits for two-factor enrolment like any staff
/// member; `cabildo admin reset-2fa` is the way back for one who lost the phone.
@Suite(.serialized) struct TwoFactorCommandTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-cli-\(UUID().uuidString).sqlite").path

    private func cleanUp() { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }

    @Test func theFirstAdminIsSentToEnrolBeforeUsingAnyPower() async throws {
        defer { cleanUp() }
        _ = try await cabildo(["admin", "create", "presidencia", "--role", "admin", "--database", path], stdin: ["clave-larga-1"])
        let store = try AppDatabase.open(path: path)
        let admin = try #require(try await store.user(usernameKey: "presidencia"))
        let token = Tokens.random()
        try await store.createSession(tokenHash: Tokens.sha256(token), userId: admin.id, userAgent: "", at: Date())

        var config = AppConfig()  // CABILDO_REQUIRE_2FA's default: staff
        config.databasePath = path
        config.templatesDirectory = repositoryTemplates
        let app = try await buildApplication(config: config, logger: Logger(label: "cabildo-test"))
        try await app.test(.router) { client in
            for path in ["/mod", "/mod/boards", "/harvest"] {
                let response = try await client.executeRequest(uri: path, method: .get, headers: [.cookie: "cabildo_session=\(token)"], body: nil)
                #expect(response.status == .seeOther && response.headers[.location] == "/settings/2fa", "\(path)")
            }
        }
    }

    @Test func resetTwoFactorTurnsItOffAndSignsOutEverywhere() async throws {
        defer { cleanUp() }
        _ = try await cabildo(["admin", "create", "moderadora", "--role", "moderator", "--database", path], stdin: ["clave-larga-1"])
        let store = try AppDatabase.open(path: path)
        let user = try #require(try await store.user(usernameKey: "moderadora"))
        let secret = try await store.beginTwoFactor(userId: user.id, secret: TOTPSecret.random().text, at: Date())
        #expect(try await store.enableTwoFactor(userId: user.id, step: 1, recoveryCodeDigests: RecoveryCodes.generate().compactMap(RecoveryCodes.digest),
                                                keepingSession: nil, at: Date()))
        let session = Tokens.sha256(Tokens.random())
        try await store.createSession(tokenHash: session, userId: user.id, userAgent: "", at: Date())

        let output = try await cabildo(["admin", "reset-2fa", "Moderadora", "--database", path])

        #expect(output.first?.contains("two-factor sign-in turned off for 'moderadora'") == true)
        #expect(try await store.twoFactor(userId: user.id) == nil, "the secret \(secret.prefix(2))… and the recovery codes are gone")
        #expect(try await store.sessionUser(tokenHash: session, now: Date(), idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off) == nil)
        // Nothing to reset, or nobody: a clear refusal.
        await #expect(throws: (any Error).self) { _ = try await cabildo(["admin", "reset-2fa", "moderadora", "--database", path]) }
        await #expect(throws: (any Error).self) { _ = try await cabildo(["admin", "reset-2fa", "nadie", "--database", path]) }
    }
}
