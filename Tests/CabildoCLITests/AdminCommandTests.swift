import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing
@testable import CabildoCLI

/// Runs `cabildo …` as the shell would, with standard input and output captured, and the
/// environment's settings plus `testSettings` (never `setenv`: see `CLIIO.environment`).
func cabildo(_ arguments: [String], stdin: [String] = []) async throws -> [String] {
    let input = LinesBox(stdin)
    let output = LinesBox([])
    let environment = ProcessInfo.processInfo.environment.merging(testSettings) { $1 }
    try await CLIIO.$readLine.withValue({ input.pop() }) {
        try await CLIIO.$write.withValue({ output.push($0) }) {
            try await CLIIO.$environment.withValue({ environment }) {
                try await CabildoCommand.run(arguments)
            }
        }
    }
    return output.lines
}

/// Argon2 at its cheapest, so the commands' tests spend their time on behaviour, and the
/// repository's templates.
let testSettings = ["CABILDO_ARGON2_MEMORY_KIB": "64", "CABILDO_ARGON2_ITERATIONS": "1", "CABILDO_TEMPLATES": repositoryTemplates]

/// The repository's templates: the CLI reads its Spanish catalog from them, as the server does.
let repositoryTemplates = repositoryRoot.appendingPathComponent("Templates").path

final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String]
    init(_ lines: [String]) { storage = lines }
    var lines: [String] { lock.withLock { storage } }
    func pop() -> String? { lock.withLock { storage.isEmpty ? nil : storage.removeFirst() } }
    func push(_ line: String) { lock.withLock { storage.append(line) } }
}

@Suite(.serialized) struct AdminCommandTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-cli-\(UUID().uuidString).sqlite").path

    @Test func createsAnAdminWithThePasswordFromStandardInput() async throws {
        let output = try await cabildo(["admin", "create", "Presidencia", "--role", "admin",
                                        "--stakeholder", "government", "--database", path], stdin: ["clave-del-comite"])
        #expect(output.last?.contains("created admin 'Presidencia'") == true)
        let store = try AppDatabase.open(path: path)
        let found = try #require(try await store.credentials(usernameKey: "presidencia"))
        #expect(found.user.role == .admin && found.user.stakeholder == .government)
        #expect(PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1).verify("clave-del-comite", against: found.passwordHash))
    }

    @Test func withoutARoleTheAccountIsAMember() async throws {
        let output = try await cabildo(["admin", "create", "sinrol", "--database", path], stdin: ["clave-larga-1"])
        #expect(output.last?.contains("created member 'sinrol'") == true)
        let store = try AppDatabase.open(path: path)
        #expect(try await store.user(usernameKey: "sinrol")?.role == .member)
    }

    @Test func refusesLookalikesOfTakenNames() async throws {
        _ = try await cabildo(["admin", "create", "adminx", "--database", path], stdin: ["clave-larga-1"])
        for lookalike in ["\u{430}dminx", "adminx\u{345}", "adrninx"] {
            await #expect(throws: (any Error).self) {
                _ = try await cabildo(["admin", "create", lookalike, "--database", path], stdin: ["clave-larga-1"])
            }
        }
    }

    @Test func refusesBadRolesShortPasswordsAndTakenNames() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["admin", "create", "x-user", "--role", "king", "--database", path], stdin: ["clave-larga-1"])
        }
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["admin", "create", "x-user", "--database", path], stdin: ["corta"])
        }
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["admin", "create", "x-user", "--database", path], stdin: [])
        }
        _ = try await cabildo(["admin", "create", "moder", "--role", "moderator", "--database", path], stdin: ["clave-larga-1"])
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["admin", "create", "MODER", "--database", path], stdin: ["clave-larga-1"])
        }
    }

    @Test func resetPasswordReplacesTheHashAndClosesSessions() async throws {
        _ = try await cabildo(["admin", "create", "olvidadiza", "--role", "member", "--database", path], stdin: ["clave-vieja-1"])
        let store = try AppDatabase.open(path: path)
        let user = try #require(try await store.credentials(usernameKey: "olvidadiza")?.user)
        let session = Tokens.sha256(Tokens.random())
        try await store.createSession(tokenHash: session, userId: user.id, userAgent: "", at: Date())

        _ = try await cabildo(["admin", "reset-password", "olvidadiza", "--database", path], stdin: ["clave-nueva-2"])

        let hash = try #require(try await store.credentials(userId: user.id))
        let hasher = PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1)
        #expect(hasher.verify("clave-nueva-2", against: hash) && !hasher.verify("clave-vieja-1", against: hash))
        #expect(try await store.sessionUser(tokenHash: session, now: Date(), idleLimit: 3600, absoluteLimit: 3600, twoFactorRule: .off) == nil)
        await #expect(throws: (any Error).self) {
            _ = try await cabildo(["admin", "reset-password", "nadie", "--database", path], stdin: ["clave-nueva-2"])
        }
    }
}

/// `cabildo admin export NAME` prints the file the member downloads from `/settings/export`.
@Suite(.serialized) struct ExportCommandTests {
    @Test func printsTheSameJSONTheMemberDownloads() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-cli-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try AppDatabase.open(path: path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let user = try await store.createUser(NewUser(username: "Lectora", passwordHash: "$argon2id$v=19$x", role: .member,
                                                      stakeholder: .academia, createdAt: Date()))
        let board = try #require(try await store.board(slug: "banda-ancha"))
        _ = try await store.createThread(NewThread(boardId: board.id, authorId: user.id, title: "Hilo exportado",
                                                   markdown: "Texto", html: "<p>Texto</p>", createdAt: Date()))

        let output = try await cabildo(["admin", "export", "lectora", "--database", path])

        let expected = String(decoding: try #require(try await store.memberExport(userId: user.id)).json(), as: UTF8.self)
        #expect(output.joined(separator: "\n") == expected)
        #expect(expected.contains("Hilo exportado") && !expected.contains("argon2"))
        await #expect(throws: (any Error).self) { try await cabildo(["admin", "export", "nadie", "--database", path]) }
    }

    /// A member who left may still ask, by letter, what the forum kept: the operator prints what
    /// is left, with when the account was closed. Its password cannot be reset into use again.
    @Test func aClosedAccountIsStillExportedButNotReopened() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-cli-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try AppDatabase.open(path: path)
        let user = try await store.createUser(NewUser(username: "Ida", passwordHash: "$argon2id$v=19$x", role: .member,
                                                      stakeholder: .academia, createdAt: Date()))
        try await store.closeAccount(userId: user.id, removingText: false, at: Date())

        let output = try await cabildo(["admin", "export", "ida", "--database", path]).joined(separator: "\n")

        #expect(output.contains("\"closedAt\""))
        await #expect(throws: (any Error).self) {
            try await cabildo(["admin", "reset-password", "ida", "--database", path], stdin: ["clave-nueva-2"])
        }
        #expect(try await store.credentials(usernameKey: "ida") == nil)
    }
}
