import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation
import HummingbirdTesting
import Logging
import Testing
@testable import CabildoCLI

/// `cabildo harvest` prints byte for byte what the server's `/harvest.csv|json|md` and
/// `/harvest/report.md` serve.
@Suite(.serialized) struct HarvestCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cabildo-harvest-\(UUID().uuidString)").path
    var path: String { folder + "/forum.sqlite" }

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }

    /// A proposal with an endorsement, and a committee member's session token.
    func forum() async throws -> String {
        let store = try AppDatabase.open(path: path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let hash = try PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1).hash("contraseña-segura")
        func member(_ name: String, _ role: Role, _ group: Stakeholder) async throws -> User {
            // A department, so the counts by department are not all zeros.
            try await store.createUser(NewUser(username: name, passwordHash: hash, role: role, stakeholder: group, department: .peten,
                                               createdAt: Date()))
        }
        let author = try await member("autora", .member, .civilSociety)
        let board = try #require(try await store.board(slug: "banda-ancha"))
        let proposal = try await store.createThread(NewThread(
            boardId: board.id, authorId: author.id, title: "Datos abiertos de conectividad", markdown: "Mapas por municipio",
            html: "<p>Mapas por municipio</p>", createdAt: Date(), isProposal: true))
        _ = try await store.toggleEndorsement(threadId: proposal.threadId, by: try await member("apoyo", .member, .academia), at: Date())
        let committee = try await member("comite", .committee, .academia)
        let token = Tokens.random()
        try await store.createSession(tokenHash: Tokens.sha256(token), userId: committee.id, userAgent: "", at: Date())
        return token
    }

    @Test func theCLIPrintsWhatTheWebServes() async throws {
        defer { cleanUp() }
        let token = try await forum()
        var config = AppConfig()
        config.databasePath = path
        config.templatesDirectory = repositoryTemplates
        config.rateLimits.enabled = false
        config.requireTwoFactor = .off  // the committee member here has not enrolled; not what this test is about
        let app = try await buildApplication(config: config, logger: Logger(label: "cabildo-test"))
        try await app.test(.router) { client in
            for (format, route) in [("csv", "/harvest.csv"), ("json", "/harvest.json"), ("md", "/harvest.md"),
                                    ("departments-csv", "/harvest/departments.csv")] {
                for board in [nil, "banda-ancha"] as [String?] {
                    let response = try await client.executeRequest(
                        uri: route + (board.map { "?board=\($0)" } ?? ""), method: .get,
                        headers: [.cookie: "cabildo_session=\(token)"], body: nil)
                    #expect(response.status == .ok)
                    let web = String(buffer: response.body)
                    // The departments' file has counts only: one row per scope.
                    #expect(web.contains(format == "departments-csv" ? "\"\(board ?? "all")\",\"1\",\"1\",\"1\",\"1.000\","
                                                              : "Datos abiertos de conectividad"))
                    let cli = try await cabildo(["harvest", "--format", format, "--database", path] + (board.map { ["--board", $0] } ?? []))
                        .joined(separator: "\n") + "\n"
                    #expect(Self.withoutTimestamps(cli) == Self.withoutTimestamps(web), "\(format) \(board ?? "all")")
                }
            }
            // and the consultation report, `--format report` against `/harvest/report.md`
            let response = try await client.executeRequest(uri: "/harvest/report.md", method: .get,
                                                           headers: [.cookie: "cabildo_session=\(token)"], body: nil)
            #expect(response.status == .ok)
            let web = String(buffer: response.body)
            #expect(web.hasPrefix("# Informe de la consulta\n") && web.contains("Datos abiertos de conectividad"))
            let cli = try await cabildo(["harvest", "--format", "report", "--database", path]).joined(separator: "\n") + "\n"
            #expect(Self.withoutTimestamps(cli) == Self.withoutTimestamps(web))
            await #expect(throws: (any Error).self) { try await cabildo(["harvest", "--format", "report", "--board", "banda-ancha", "--database", path]) }
        }
    }

    /// The report's own "generated at" line differs by the seconds between the two calls.
    static func withoutTimestamps(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("generated_at") && !$0.hasPrefix("Generado el") }.joined(separator: "\n")
    }
}
