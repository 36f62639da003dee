import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// The committee's conclusions and recommendations per board, through HTTP: a draft only the
/// committee sees, publishing, every version kept, and who may write them.
@Suite struct ConclusionsTests {
    private static let path = "/b/banda-ancha/conclusions"

    /// Posts the form the way its page does (the page's own CSRF token).
    @discardableResult
    private static func save(_ browser: Browser, conclusions: String, recommendations: String = "", status: String) async throws -> Browser.Page {
        try await browser.get(path)
        return try await browser.post(path, [("conclusions", conclusions), ("recommendations", recommendations), ("status", status)])
    }

    @Test func aDraftIsTheCommitteesAloneUntilItIsPublished() async throws {
        try await withApp { visitor, store in
            let committee = try await visitor.staff("comite", role: .committee, store: store)
            let member = visitor.stranger()
            try await member.register("ciudadana")
            let thread = try await member.openThread(title: "Fondo de servicio universal", body: "Propuesta")

            // when the committee saves a draft that links a thread
            let saved = try await Self.save(committee, conclusions: "Consenso sobre [el fondo](/t/\(thread)).",
                                            recommendations: "Publicar los datos de cobertura.", status: "draft")
            #expect(saved.status == .seeOther && saved.location == Self.path + "?saved=draft")

            // then members, visitors and the board page know nothing of it
            for reader in [member, visitor] {
                let page = try await reader.get(Self.path)
                #expect(page.status == .ok)
                #expect(page.html.contains("El comité aún no publicó las conclusiones de este tema."))
                #expect(!page.html.contains("Consenso"))
                #expect(!(try await reader.get("/b/banda-ancha")).html.contains("Consenso"))
            }
            // and the committee finds it in its form, marked as a draft
            let own = try await committee.get(Self.path + "?saved=draft")
            #expect(own.html.contains("Borrador guardado."))
            #expect(own.html.contains(">Consenso sobre [el fondo](/t/\(thread)).</textarea>"))
            #expect(own.html.contains("name=\"status\" value=\"draft\" checked"))

            // when it is published
            #expect(try await Self.save(committee, conclusions: "Consenso sobre [el fondo](/t/\(thread)).",
                                        recommendations: "Publicar los datos de cobertura.", status: "published").status == .seeOther)

            // then everyone reads it, on its page and on the board's, the thread linked
            for reader in [member, visitor] {
                let page = try await reader.get(Self.path)
                #expect(page.html.contains("Consenso sobre <a rel=\"nofollow ugc noopener\" href=\"/t/\(thread)\">el fondo</a>."))
                #expect(page.html.contains("Publicar los datos de cobertura."))
                #expect(page.html.contains("Publicadas por comite"))
                let board = try await reader.get("/b/banda-ancha")
                #expect(board.html.contains("Consenso sobre <a rel=\"nofollow ugc noopener\" href=\"/t/\(thread)\">el fondo</a>."))
                #expect(board.html.contains("href=\"\(Self.path)\""))
            }

            // when the committee saves a new draft
            try await Self.save(committee, conclusions: "Borrador nuevo, sin revisar.", status: "draft")

            // then readers still see the published version, and the committee every version
            #expect(!(try await member.get(Self.path)).html.contains("Borrador nuevo"))
            #expect(!(try await visitor.get("/b/banda-ancha")).html.contains("Borrador nuevo"))
            let board = try #require(try await store.board(slug: "banda-ancha"))
            let versions = try await store.conclusionVersions(boardId: board.id)
            #expect(versions.map(\.status) == [.draft, .published, .draft])
            let committeePage = try await committee.get(Self.path)
            for version in versions { #expect(committeePage.html.contains("\(Self.path)?version=\(version.version)")) }
            // and an old version opens for the committee, not for a member who guesses its address
            let first = try #require(versions.last).version
            #expect(try await committee.get(Self.path + "?version=\(first)").html.contains("Esta versión es un borrador"))
            #expect(!(try await member.get(Self.path + "?version=\(versions[0].version)")).html.contains("Borrador nuevo"))
            #expect(try await committee.get(Self.path + "?version=999999").status == .notFound)
        }
    }

    @Test func onlyTheCommitteeAndAdminsWriteThem() async throws {
        try await withApp { visitor, store in
            let member = visitor.stranger()
            try await member.register("ciudadano")
            let moderator = try await visitor.staff("moderadora", role: .moderator, store: store)
            for browser in [member, moderator] {
                let page = try await Self.save(browser, conclusions: "Intrusión", status: "published")
                #expect(page.status == .forbidden)
                #expect(!(try await browser.get(Self.path)).html.contains("name=\"conclusions\""), "no form for them")
            }
            let anonymous = try await Self.save(visitor, conclusions: "Intrusión", status: "published")
            #expect(anonymous.status == .seeOther && anonymous.location?.hasPrefix("/login") == true)
            let admin = try await visitor.staff("administra", role: .admin, store: store)
            #expect(try await Self.save(admin, conclusions: "Del administrador", status: "published").status == .seeOther)
            #expect(try await visitor.get(Self.path).html.contains("Del administrador"))
            #expect(try await visitor.get("/b/no-existe/conclusions").status == .notFound)
        }
    }

    @Test func longConclusionsKeepTheBoardPageWithinItsBudget() async throws {
        try await withApp { visitor, store in
            let committee = try await visitor.staff("comite", role: .committee, store: store)
            let member = visitor.stranger()
            try await member.register("activa")
            for index in 1...30 { _ = try await member.openThread(title: "Hilo número \(index) sobre cobertura rural", body: "Texto") }
            let paragraph = "La conectividad rural necesita fondos & datos abiertos, con compromisos medibles de cada sector. "
            let long = String(repeating: paragraph, count: 100).prefix(10_000)
            #expect(try await Self.save(committee, conclusions: String(long), recommendations: String(long), status: "published").status
                    == .seeOther)
            let board = try await visitor.get("/b/banda-ancha")
            #expect(board.html.utf8.count <= 30 * 1024, "\(board.html.utf8.count) bytes")
            #expect(board.html.contains("La conectividad rural necesita fondos &amp; datos abiertos, con compromisos medibles"))
            #expect(board.html.contains("href=\"\(Self.path)\""), "the whole text is a link away")
            #expect(try await visitor.get(Self.path).html.utf8.count > 20_000)
        }
    }

    @Test func badFormsAreRefusedAndKeepWhatWasTyped() async throws {
        try await withApp { visitor, store in
            let committee = try await visitor.staff("comite", role: .committee, store: store)
            // publishing nothing
            let empty = try await Self.save(committee, conclusions: "  ", recommendations: "Algo", status: "published")
            #expect(empty.status == .unprocessableContent)
            #expect(empty.html.contains("Para publicar, escriba las conclusiones."))
            #expect(empty.html.contains(">Algo</textarea>"))
            // too long
            let long = try await Self.save(committee, conclusions: String(repeating: "a", count: 10_001), status: "draft")
            #expect(long.status == .unprocessableContent)
            #expect(long.html.contains("Cada texto admite hasta 10000 caracteres."))
            // a status nobody offered
            #expect(try await Self.save(committee, conclusions: "Texto", status: "final").status == .badRequest)
            // markup is text
            try await Self.save(committee, conclusions: "**firme** <script>alert(1)</script>", status: "published")
            let page = try await visitor.get(Self.path)
            #expect(!page.html.contains("<script>alert(1)"))
            #expect(page.html.contains("<strong>firme</strong>"))
            let board = try #require(try await store.board(slug: "banda-ancha"))
            #expect(try await store.conclusionVersions(boardId: board.id).count == 1, "nothing refused was saved")
        }
    }
}
