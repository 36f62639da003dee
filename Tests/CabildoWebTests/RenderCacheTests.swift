import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Thread pages reuse each post's rendered markup (`Renderer.postFragment`); these views must
/// never show what a cached copy remembers instead of what is true now, or someone else's token.
@Suite struct RenderCacheTests {
    @Test func anEditHideAndDeleteShowOnAThreadAlreadyViewed() async throws {
        try await withApp { author, store in
            try await author.register("lucia")
            let thread = try await author.openThread(title: "Fibra en Huehuetenango", body: "Texto primero")
            let reply = try await author.reply(thread: thread, body: "Una respuesta que se ocultará")
            let visitor = author.stranger()
            #expect(try await visitor.get("/t/\(thread)").html.contains("Texto primero"))

            try await author.get("/p/\(thread)/edit")
            #expect(try await author.post("/p/\(thread)/edit", [("body", "Texto corregido")]).status == .seeOther)
            var page = try await visitor.get("/t/\(thread)").html
            #expect(page.contains("Texto corregido") && !page.contains("Texto primero"))
            #expect(page.contains("href=\"/p/\(thread)/history\""))

            let moderator = try await author.staff("modera", role: .moderator, store: store)
            #expect(try await moderator.moderate("/mod/posts/\(reply)/hide", reason: "Fuera de tema").status == .seeOther)
            page = try await visitor.get("/t/\(thread)").html
            #expect(!page.contains("Una respuesta que se ocultará") && page.contains("Oculto por moderación."))
            #expect(try await author.get("/t/\(thread)").html.contains("Una respuesta que se ocultará"),
                    "its author still reads it, with a notice")

            try await author.get("/t/\(thread)")
            #expect(try await author.post("/p/\(reply)/delete", []).status == .seeOther)
            page = try await visitor.get("/t/\(thread)").html
            #expect(!page.contains("Una respuesta que se ocultará") && page.contains("[mensaje eliminado por su autor]"))
        }
    }

    @Test func eachMemberSeesTheirOwnTokenInTheirOwnPostsForms() async throws {
        try await withApp { ana, _ in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Tokens por persona", body: "Abre Ana")
            let beto = ana.stranger()
            try await beto.register("beto")
            try await beto.get("/t/\(thread)")
            let reply = try await beto.reply(thread: thread, body: "Responde Beto")

            for (browser, own, other) in [(ana, thread, reply), (beto, reply, thread)] {
                let html = try await browser.get("/t/\(thread)").html
                let token = try #require(Browser.csrfToken(in: html))
                let mine = try #require(HTMLTree.article("p\(own)", in: html))
                #expect(mine.contains("action=\"/p/\(own)/delete\""))
                #expect(mine.contains("value=\"\(token)\""), "the delete form carries this viewer's token")
                // The post's own markup, without the replies nested in it.
                let theirs = try #require(HTMLTree.article("p\(other)", in: html)).split(separator: "<ol class=\"replies\">")[0]
                #expect(!theirs.contains("/delete\""), "no delete form on someone else's post")
                #expect(theirs.contains("/p/\(other)/flag"))
            }
            // The delete form works with the token it carries.
            #expect(try await beto.post("/p/\(reply)/delete", []).status == .seeOther)
        }
    }

    @Test func aBoardRowFollowsRepliesAndModerationForASignedInMember() async throws {
        try await withApp { member, store in
            try await member.register("olga")
            let thread = try await member.openThread(title: "Hilo con contador", body: "Apertura")
            #expect(try await member.get("/b/banda-ancha").html.contains("0 respuestas"))
            try await member.reply(thread: thread, body: "Primera respuesta al contador")
            var board = try await member.get("/b/banda-ancha").html
            #expect(board.contains("1 respuesta") && !board.contains("0 respuestas"))
            let moderator = try await member.staff("modera2", role: .moderator, store: store)
            #expect(try await moderator.moderate("/mod/threads/\(thread)/lock").status == .seeOther)
            board = try await member.get("/b/banda-ancha").html
            #expect(board.contains("<span class=\"tag\">cerrado</span>"))
        }
    }

    @Test func theLanguageOfAPostsMarkupFollowsTheViewer() async throws {
        try await withApp { browser, _ in
            try await browser.register("carla")
            let thread = try await browser.openThread(title: "Idiomas del hilo", body: "Hola")
            let member = browser.stranger()
            try await member.register("dario")
            let spanish = try await member.get("/t/\(thread)").html
            let english = try await browser.stranger().get("/t/\(thread)", headers: [.acceptLanguage: "en"]).html
            #expect(spanish.contains("Reportar</a>") && !spanish.contains(">Flag</a>"))
            #expect(DateTextCheck.months(in: spanish, language: .es) && !DateTextCheck.months(in: spanish, language: .en))
            #expect(english.contains("lang=\"en\"") && !english.contains("Reportar"))
            #expect(DateTextCheck.months(in: english, language: .en) && !DateTextCheck.months(in: english, language: .es))
        }
    }
}

/// Visitors who are not signed in get whole pages from `PageCache`.
@Suite struct PageCacheTests {
    @Test func aVisitorSeesEveryWriteAtOnceOnTheHomeBoardAndThreadPages() async throws {
        try await withApp { member, _ in
            try await member.register("marta")
            let visitor = member.stranger()
            let thread = try await member.openThread(title: "Primer hilo del tablero", body: "Apertura")
            for path in ["/", "/b/banda-ancha", "/t/\(thread)"] { try await visitor.get(path) }

            try await member.reply(thread: thread, body: "Una respuesta recién escrita")
            let other = try await member.openThread(title: "Segundo hilo más reciente", body: "Otro")
            #expect(try await visitor.get("/t/\(thread)").html.contains("Una respuesta recién escrita"))
            let board = try await visitor.get("/b/banda-ancha").html
            let newer = try #require(board.range(of: "Segundo hilo más reciente"))
            let older = try #require(board.range(of: "Primer hilo del tablero"))
            #expect(newer.lowerBound < older.lowerBound, "the newest activity first")
            #expect(try await visitor.get("/").html.contains("2 hilos · 3 mensajes"))
            #expect(try await visitor.get("/t/\(other)").status == .ok)
        }
    }

    @Test func eachVisitorGetsTheirOwnWorkingTokenFromAKeptPage() async throws {
        try await withApp { member, _ in
            try await member.register("nora")
            let thread = try await member.openThread(title: "Un hilo para muchos visitantes", body: "Hola")
            let first = member.stranger(), second = member.stranger()
            let firstPage = try await first.get("/t/\(thread)").html
            let secondPage = try await second.get("/t/\(thread)").html
            let firstToken = try #require(Browser.csrfToken(in: firstPage))
            let secondToken = try #require(Browser.csrfToken(in: secondPage))
            #expect(firstToken != secondToken)
            #expect(firstPage.replacingOccurrences(of: firstToken, with: "") == secondPage.replacingOccurrences(of: secondToken, with: ""),
                    "the same page, but for the token")
            // The language switch on the kept page works with the token it carries, and not with the other's.
            let switched = try await second.post("/language", [("language", "en"), ("next", "/t/\(thread)")])
            #expect(switched.status == .seeOther)
            second.csrfToken = firstToken
            #expect(try await second.post("/language", [("language", "es"), ("next", "/")]).status == .forbidden)
            #expect(try await second.get("/t/\(thread)").html.contains("lang=\"en\""))
        }
    }
}

/// Whether a page's post dates are written in the given language's month names.
enum DateTextCheck {
    static func months(in html: String, language: Language) -> Bool {
        let names = language == .es
            ? ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."]
            : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return names.contains { html.contains(" \($0) 20") }
    }
}
