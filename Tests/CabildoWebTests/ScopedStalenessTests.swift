import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// A write makes stale only the pages it changed (issue 21): after each kind of write the pages
/// that show it show it at once, and a thread on another board is still served from memory, as
/// `/metrics` counts (`cabildo_page_cache_total`).
@Suite struct ScopedStalenessTests {
    @Test func eachWriteChangesItsPagesAndLeavesAnUnrelatedThreadKept() async throws {
        try await withApp(framework: .live) { ana, store in
            try await ana.register("ana")
            let talk = try await ana.openThread(title: "Cobertura en el altiplano", body: "La apertura del hilo")
            let unrelated = try await ana.openThread(board: "proteccion-de-datos", title: "Un hilo de otro tablero", body: "Nada cambia aquí")
            let moderator = try await ana.staff("moises", role: .moderator, store: store)
            let admin = try await ana.staff("adela", role: .admin, store: store)
            let visitor = ana.stranger()
            let counter = PageCounter(ana)

            /// After `write`: every (path, text) shows at once, and the unrelated thread comes from memory.
            func check(_ what: String, _ write: () async throws -> Void, shows: [(String, String)], hides: [(String, String)] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
                for path in ["/", "/b/banda-ancha", "/b/neutralidad-de-la-red", "/t/\(talk)", "/t/\(unrelated)"] { try await visitor.get(path) }
                try await write()
                for (path, text) in shows {
                    #expect(try await visitor.get(path).html.contains(text), "\(what): \(path) shows \(text)", sourceLocation: sourceLocation)
                }
                for (path, text) in hides {
                    #expect(!(try await visitor.get(path).html.contains(text)), "\(what): \(path) no longer shows \(text)",
                            sourceLocation: sourceLocation)
                }
                #expect(try await counter.keptForVisitor { try await visitor.get("/t/\(unrelated)") }, "\(what): the unrelated thread is kept",
                        sourceLocation: sourceLocation)
            }

            var reply: Int64 = 0
            try await check("a reply", { reply = try await ana.reply(thread: talk, body: "Una respuesta nueva") },
                            shows: [("/t/\(talk)", "Una respuesta nueva"), ("/b/banda-ancha", "Cobertura en el altiplano"),
                                    ("/", "1 hilo · 2 mensajes")])
            try await check("an edit", {
                try await ana.get("/p/\(reply)/edit")
                try await ana.post("/p/\(reply)/edit", [("body", "Una respuesta corregida")])
            }, shows: [("/t/\(talk)", "Una respuesta corregida")])
            try await check("a proposal and an endorsement", {
                try await moderator.moderate("/mod/threads/\(talk)/propose")
                try await admin.get("/t/\(talk)")
                try await admin.post("/t/\(talk)/endorse", [])
            }, shows: [("/t/\(talk)", "propuesta</span> 1")])
            try await check("a hide", { try await moderator.moderate("/mod/posts/\(reply)/hide") },
                            shows: [], hides: [("/t/\(talk)", "Una respuesta corregida")])
            try await check("a lock", { try await moderator.moderate("/mod/threads/\(talk)/lock") },
                            shows: [("/t/\(talk)", "Este hilo está cerrado")])
            try await check("a move", {
                try await moderator.moderate("/mod/threads/\(talk)/move", [("board", "neutralidad-de-la-red")])
            }, shows: [("/b/neutralidad-de-la-red", "Cobertura en el altiplano")], hides: [("/b/banda-ancha", "Cobertura en el altiplano")])
            try await check("a new thread", { _ = try await ana.openThread(title: "Un hilo recién abierto", body: "Texto") },
                            shows: [("/b/banda-ancha", "Un hilo recién abierto")])

            // A board's title is on every thread page of the board, so renaming one makes everything stale.
            for path in ["/t/\(unrelated)", "/t/\(unrelated)"] { try await visitor.get(path) }
            try await admin.moderate("/mod/boards/proteccion-de-datos/rename", [("title_es", "Datos personales"), ("title_en", "Personal data")])
            #expect(!(try await counter.keptForVisitor { try await visitor.get("/t/\(unrelated)") }))
            #expect(try await visitor.get("/t/\(unrelated)").html.contains("Datos personales"))
        }
    }

    @Test func theRuleNamesWhatEachKindOfWriteChanges() {
        #expect(ContentChange.newThread(board: 2).stalePages == [.board(2), .home])
        #expect(ContentChange.thread(7, board: 2).stalePages == [.thread(7), .board(2), .home])
        #expect(ContentChange.moved(thread: 7, from: 2, to: 3).stalePages == [.thread(7), .board(2), .board(3), .home])
        #expect(ContentChange.everything.stalePages == nil)
        #expect(ModerationAction.hidePost(5).target == .post(5))
        #expect(ModerationAction.pinThread(7).target == .thread(7))
        #expect(ModerationAction.moveThread(7, toBoard: 3).target == .move(thread: 7, to: 3))
        #expect(ModerationAction.renameBoard(2, titleES: "a", titleEN: "b").target == .everything)
        #expect(ModerationAction.suspendUser(4, until: nil).target == .everything)
    }
}

/// `cabildo_page_cache_total` as `/metrics` says, read over the app's own HTTP.
struct PageCounter {
    let browser: Browser

    init(_ browser: Browser) { self.browser = browser.stranger() }

    /// Whether `request` was answered from a kept visitor's page (and nothing was rendered).
    func keptForVisitor(_ request: () async throws -> Void) async throws -> Bool {
        let (kept, rendered) = (try await count("visitor", "kept"), try await count("visitor", "rendered"))
        try await request()
        let (keptAfter, renderedAfter) = (try await count("visitor", "kept"), try await count("visitor", "rendered"))
        return keptAfter == kept + 1 && renderedAfter == rendered
    }

    func count(_ viewer: String, _ result: String) async throws -> Int {
        let metrics = try await browser.get("/metrics").html
        let prefix = "cabildo_page_cache_total{viewer=\"\(viewer)\",result=\"\(result)\"} "
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
        return Int(line.dropFirst(prefix.count)) ?? 0
    }
}
