import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What notifications, watching and requests for review mean for the member's data: what the
/// export carries, what closing an account removes, and that a closed account is told nothing.
@Suite struct NotificationPrivacyTests {
    @Test func theExportCarriesWatchesAndRequestsForReviewButNotNotifications() async throws {
        try await withApp { ana, store in
            // given ana, who watches a board, muted a thread, replied in another, and asked for a review
            try await ana.register("ana")
            let beto = ana.stranger()
            try await beto.register("beto")
            let muted = try await beto.openThread(title: "Hilo silenciado", body: "Abro")
            let replied = try await beto.openThread(title: "Hilo respondido", body: "Abro")
            try await ana.watch("/b/banda-ancha", "watching")
            try await ana.watch("/t/\(muted)", "muted")
            let post = try await ana.reply(thread: replied, body: "Mi respuesta")
            _ = try await beto.reply(thread: replied, parent: post, body: "Le respondo")
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            try await moderator.moderate("/mod/posts/\(post)/hide", reason: "Fuera de tema")
            try await ana.get("/t/\(replied)")
            try await ana.post("/p/\(post)/appeal", [("text", "Sí es del tema")])

            // when she downloads her data
            let download = try await ana.get("/settings/export")
            let export = try JSONDecoder.iso8601.decode(MemberExport.self, from: Data(download.html.utf8))

            // then it has what she chose to watch and her request, and no notification
            #expect(export.profile.watchesParticipation)
            #expect(export.watches.map { "\($0.board ?? "")\($0.threadId.map(String.init) ?? "") \($0.level)" } == [
                "banda-ancha watching", "\(muted) muted", "\(replied) watching",
            ])
            #expect(export.watches.last?.threadTitle == "Hilo respondido")
            #expect(export.appeals.map(\.text) == ["Sí es del tema"])
            #expect(export.appeals.first?.outcome == nil)
            #expect(!download.html.contains("Le respondo") && !download.html.contains("Fuera de tema"),
                    "notifications point at others' posts and at the public log: not hers to take")
        }
    }

    @Test func closingTheAccountRemovesNotificationsAndWatchesAndItIsToldNothingMore() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Me voy pronto", body: "Abro")
            try await ana.watch("/b/banda-ancha", "watching")
            let beto = ana.stranger()
            try await beto.register("beto")
            let reply = try await beto.reply(thread: thread, body: "Una respuesta, @ana")
            let user = try #require(try await store.user(usernameKey: "ana"))
            #expect(try await store.notifications(userId: user.id, before: nil, limit: 10).count == 1)

            try await ana.get("/settings/delete")
            try await ana.post("/settings/delete", [("password", "contraseña-segura")])

            #expect(try await store.notifications(userId: user.id, before: nil, limit: 10).isEmpty)
            let export = try #require(try await store.memberExport(userId: user.id))
            #expect(export.watches.isEmpty)
            // and nothing reaches the closed account any more: replies, mentions, its watched board
            _ = try await beto.reply(thread: thread, parent: reply, body: "Hola otra vez @ana")
            _ = try await beto.openThread(title: "Hilo nuevo en el tablero", body: "Texto")
            #expect(try await store.notifications(userId: user.id, before: nil, limit: 10).isEmpty)
            // and the others in its thread are still told what concerns them
            let carla = ana.stranger()
            try await carla.register("carla")
            _ = try await carla.reply(thread: thread, parent: reply, body: "Respondo a beto")
            #expect(try await beto.notifications().first?.text == "carla respondió a su mensaje en «Me voy pronto»")
        }
    }

    @Test func whatAHiddenOrDeletedPostToldOthersGoesWithIt() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Hilo con problemas", body: "Abro")
            let beto = ana.stranger()
            try await beto.register("beto")
            let rude = try await beto.reply(thread: thread, body: "Algo grosero para @ana")
            let regretted = try await beto.reply(thread: thread, body: "Algo que borraré")
            #expect(try await ana.unread() == 2)

            // when a moderator hides one and beto deletes the other
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            try await moderator.moderate("/mod/posts/\(rude)/hide", reason: "Grosero")
            try await beto.get("/t/\(thread)")
            try await beto.post("/p/\(regretted)/delete", [])

            // then ana is told of neither any more, and beto still sees what was done to his post
            #expect(try await ana.unread() == 0)
            #expect(try await ana.notifications().isEmpty)
            #expect(try await beto.notifications().map(\.text) == ["moderadora ocultó su mensaje en «Hilo con problemas»"])
        }
    }

    @Test func aThreadThatIsUnlistedTakesItsRepliesNotificationsWithIt() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let beto = ana.stranger()
            try await beto.register("beto")
            let thread = try await beto.openThread(title: "Hilo que se oculta", body: "Abro")
            let own = try await ana.reply(thread: thread, body: "Participo")
            _ = try await beto.reply(thread: thread, parent: own, body: "Le respondo")
            #expect(try await ana.unread() == 1)
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)
            let opening = try #require(try await store.posts(threadId: thread).first).id
            try await moderator.moderate("/mod/posts/\(opening)/hide", reason: "Spam")
            #expect(try await ana.unread() == 0, "she may no longer see the thread")
            #expect(try await beto.notifications().map(\.text) == [
                "moderadora ocultó su mensaje en «Hilo que se oculta»", "ana respondió en su hilo «Hilo que se oculta»",
            ], "its author still sees it: what was done to it, and ana's reply")
        }
    }
}
