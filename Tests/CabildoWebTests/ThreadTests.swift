import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

@Suite struct ThreadTests {
    @Test func openingAThreadShowsItOnTheBoardAndTheCountsOnTheHomePage() async throws {
        try await withApp { browser, _ in
            try await browser.register("elena")
            let id = try await browser.openThread(title: "Internet en zonas rurales", body: "¿Cómo llevar **fibra** a Petén?")
            let thread = try await browser.get("/t/\(id)")
            #expect(thread.status == .ok)
            #expect(thread.html.contains("<h1>Internet en zonas rurales</h1>"))
            #expect(thread.html.contains("<strong>fibra</strong>"))
            let board = try await browser.get("/b/banda-ancha")
            #expect(board.html.contains("href=\"/t/\(id)\">Internet en zonas rurales</a>"))
            let home = try await browser.get("/")
            #expect(home.html.contains("1 hilo · 1 mensaje"))
        }
    }

    @Test func aTitleTooShortKeepsWhatWasTyped() async throws {
        try await withApp { browser, store in
            try await browser.register("fernando")
            try await browser.get("/b/banda-ancha/new")
            let page = try await browser.post("/b/banda-ancha", [("title", "Hola"), ("body", "Un texto largo que no se pierde")])
            #expect(page.status == .unprocessableContent)
            #expect(page.html.contains("de 5 a 150 caracteres"))
            #expect(page.html.contains("Un texto largo que no se pierde</textarea>"))
            #expect(page.html.contains("value=\"Hola\""))
            let board = try #require(try await store.board(slug: "banda-ancha"))
            #expect(board.threadCount == 0)
        }
    }

    @Test func repliesToRepliesAreNestedInTheirParents() async throws {
        try await withApp { browser, _ in
            try await browser.register("gabriela")
            let thread = try await browser.openThread(title: "Neutralidad y tarifa cero", body: "Apertura")
            let first = try await browser.reply(thread: thread, body: "Primera respuesta")
            let second = try await browser.reply(thread: thread, parent: first, body: "Respuesta a la primera")
            let sibling = try await browser.reply(thread: thread, body: "Otra respuesta al hilo")
            let html = try await browser.get("/t/\(thread)").html

            let firstElement = try #require(HTMLTree.article("p\(first)", in: html))
            #expect(firstElement.contains("id=\"p\(second)\""), "the reply to a reply sits inside its parent")
            #expect(!firstElement.contains("id=\"p\(sibling)\""))
            let opening = try #require(HTMLTree.article("p\(thread)", in: html))
            #expect(opening.contains("id=\"p\(sibling)\""))
        }
    }

    @Test func deepDiscussionsAreCutWithAContinueLink() async throws {
        try await withApp { browser, _ in
            try await browser.register("hector")
            let thread = try await browser.openThread(title: "Un hilo muy profundo", body: "Raíz")
            var parent: Int64? = nil
            var chain: [Int64] = []
            for level in 1...8 {
                let id = try await browser.reply(thread: thread, parent: parent, body: "Nivel \(level)")
                chain.append(id)
                parent = id
            }
            let html = try await browser.get("/t/\(thread)").html
            // Depth 6 below the opening post is the last one shown.
            #expect(html.contains("id=\"p\(chain[5])\""))
            #expect(!html.contains("id=\"p\(chain[6])\""))
            #expect(html.contains("href=\"/t/\(thread)?root=\(chain[5])\""))
            let rest = try await browser.get("/t/\(thread)?root=\(chain[5])")
            #expect(rest.html.contains("id=\"p\(chain[7])\""))
            #expect(rest.html.contains("Volver al hilo completo"))
        }
    }

    @Test func aReplyToAPostOfAnotherThreadIsRefused() async throws {
        try await withApp { browser, store in
            try await browser.register("ines")
            let one = try await browser.openThread(title: "Primer hilo de prueba", body: "uno")
            let two = try await browser.openThread(title: "Segundo hilo de prueba", body: "dos")
            try await browser.get("/t/\(two)")
            let page = try await browser.post("/t/\(two)/reply", [("body", "cruzado"), ("parent", String(one))])
            #expect(page.status == .notFound)
            #expect(try await store.posts(threadId: two).count == 1)
        }
    }

    @Test func ownersEditWithHistoryAndOthersAreRefused() async throws {
        try await withApp { browser, store in
            try await browser.register("jorge")
            let thread = try await browser.openThread(title: "Datos personales", body: "Versión original")
            try await browser.get("/p/\(thread)/edit")
            let saved = try await browser.post("/p/\(thread)/edit", [("body", "Versión corregida")])
            #expect(saved.status == .seeOther)
            let page = try await browser.get("/t/\(thread)")
            #expect(page.html.contains("Versión corregida"))
            #expect(page.html.contains("href=\"/p/\(thread)/history\""))
            let history = try await browser.get("/p/\(thread)/history")
            #expect(history.html.contains("Versión original"))
            #expect(history.html.contains("Versión corregida"))

            let intruder = browser.stranger()
            try await intruder.register("intruso")
            #expect(try await intruder.get("/p/\(thread)/edit").status == .forbidden)
            try await intruder.get("/t/\(thread)")
            let attempt = try await intruder.post("/p/\(thread)/edit", [("body", "Vandalismo")])
            #expect(attempt.status == .forbidden)
            let deletion = try await intruder.post("/p/\(thread)/delete", [])
            #expect(deletion.status == .forbidden)
            #expect(try await store.post(id: thread)?.bodyMarkdown == "Versión corregida")
        }
    }

    @Test func aDeletedPostWithRepliesStaysAsAPlaceholder() async throws {
        try await withApp { browser, store in
            try await browser.register("karla")
            let thread = try await browser.openThread(title: "Pagos electrónicos", body: "Apertura")
            let post = try await browser.reply(thread: thread, body: "Me arrepiento de esto")
            let answer = try await browser.reply(thread: thread, parent: post, body: "Respuesta que queda")
            try await browser.get("/t/\(thread)")
            let deleted = try await browser.post("/p/\(post)/delete", [])
            #expect(deleted.status == .seeOther)
            let html = try await browser.get("/t/\(thread)").html
            let placeholder = try #require(HTMLTree.article("p\(post)", in: html))
            #expect(placeholder.contains("mensaje eliminado"))
            #expect(!placeholder.contains("Me arrepiento"))
            #expect(placeholder.contains("id=\"p\(answer)\""))
            #expect(try await store.search("arrepiento", limit: 5).isEmpty)
        }
    }

    @Test func unknownIdsAndSlugsAre404() async throws {
        try await withApp { browser, _ in
            for path in ["/t/999", "/t/abc", "/b/no-existe", "/p/999/edit", "/p/999/history", "/u/nadie", "/no/such/page",
                         "/b/no-existe/feed.atom", "/t/1?root=999"] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.html.contains("No encontramos esa página"), "\(path)")
            }
        }
    }

    @Test func boardPagesUseKeysetPagination() async throws {
        var config = testConfig()
        config.threadsPerPage = 2
        try await withApp(config: config) { browser, _ in
            try await browser.register("luis")
            var ids: [Int64] = []
            for index in 1...5 { ids.append(try await browser.openThread(title: "Hilo número \(index)", body: "cuerpo")) }
            let first = try await browser.get("/b/banda-ancha")
            #expect(first.html.contains("/t/\(ids[4])\"") && first.html.contains("/t/\(ids[3])\""))
            #expect(!first.html.contains("/t/\(ids[2])\""))
            let next = try #require(first.html.range(of: "href=\"/b/banda-ancha?before=").map { first.html[$0.upperBound...].prefix { $0 != "\"" } })
            let second = try await browser.get("/b/banda-ancha?before=\(next)")
            #expect(second.html.contains("/t/\(ids[2])\"") && second.html.contains("/t/\(ids[1])\""))
            #expect(!second.html.contains("/t/\(ids[4])\""))
        }
    }

    @Test func aThreadPageOfTwentyPostsStaysUnderThirtyKilobytes() async throws {
        // With a base URL, so the page carries its Open Graph tags and share links too.
        var config = testConfig()
        config.baseURL = "http://localhost"
        try await withApp(config: config) { browser, _ in
            try await browser.register("martina")
            let body = "Propongo que el Estado publique **mapas de cobertura** por municipio, con datos abiertos y actualizados cada trimestre, para que las comunidades sepan dónde falta conexión."
            let thread = try await browser.openThread(title: "Mapas de cobertura abiertos", body: body)
            var parent: Int64? = nil
            for index in 1...19 {
                parent = try await browser.reply(thread: thread, parent: index % 3 == 0 ? nil : parent, body: body)
            }
            let page = try await browser.get("/t/\(thread)")
            #expect(page.html.components(separatedBy: "class=\"post\"").count - 1 == 20)
            #expect(page.html.contains("og:description") && page.html.contains("https://wa.me/"))
            #expect(page.html.utf8.count <= 30 * 1024, "\(page.html.utf8.count) bytes")
            #expect(!page.html.contains("<script"))
        }
    }
}
