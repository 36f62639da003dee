import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What staff and the forum itself do that their authors are told, with the reason: moderation,
/// review before publication, hiding by flags, a synthesis.
@Suite struct StaffNotificationTests {
    @Test func aSynthesisOnYourThreadIsNotifiedOnceWhileUnread() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Datos abiertos municipales", body: "¿Qué datos?")
            let committee = try await ana.staff("comite", role: .committee, store: store)
            for body in ["Primera síntesis", "Síntesis corregida"] {
                try await committee.get("/t/\(thread)/summary")
                #expect(try await committee.post("/t/\(thread)/summary", [("body", body)]).status == .seeOther)
            }
            #expect(try await ana.notifications().map(\.text) == ["comite escribió la síntesis de su hilo «Datos abiertos municipales»"])
        }
    }

    @Test func moderatorsActionsOnYourPostOrThreadAreNotifiedWithTheirReason() async throws {
        try await withApp { ana, store in
            try await ana.register("ana")
            let thread = try await ana.openThread(title: "Vigilancia en redes", body: "Apertura")
            let reply = try await ana.reply(thread: thread, body: "Un comentario subido de tono")
            let moderator = try await ana.staff("moderadora", role: .moderator, store: store)

            try await moderator.moderate("/mod/posts/\(reply)/hide", reason: "Lenguaje ofensivo")
            try await moderator.moderate("/mod/posts/\(reply)/restore", reason: "Revisado con calma")
            try await moderator.moderate("/mod/threads/\(thread)/lock", reason: "Debate agotado")
            try await moderator.moderate("/mod/threads/\(thread)/unlock", reason: "Se reabre")
            try await moderator.moderate("/mod/threads/\(thread)/move", reason: "Corresponde a datos", [("board", "proteccion-de-datos")])

            let listed = try await ana.notifications()
            #expect(listed.map(\.text) == [
                "moderadora movió su hilo «Vigilancia en redes» a Protección de los datos e información de los usuarios de Internet",
                "moderadora cerró su hilo «Vigilancia en redes»",
                "moderadora restauró su mensaje en «Vigilancia en redes»",
                "moderadora ocultó su mensaje en «Vigilancia en redes»",
            ], "unlocking is no news to tell")
            #expect(listed.map { $0.details.contains("Motivo: ") } == [true, true, true, true])
            #expect(listed[3].details.contains("Motivo: Lenguaje ofensivo") && listed[3].path == "/t/\(thread)#p\(reply)")
            #expect(listed[1].details.contains("Motivo: Debate agotado") && listed[1].path == "/t/\(thread)")
            // and reading the thread leaves what staff did unread, for the reasons to be read
            try await ana.get("/t/\(thread)")
            #expect(try await ana.unread() == 4)
        }
    }

    @Test func aHeldPostIsAnnouncedOnlyWhenApproved() async throws {
        var config = testConfig()
        config.holdFirstPosts = 1
        try await withApp(config: config) { host, store in
            let moderator = try await host.staff("moderadora", role: .moderator, store: store)
            let thread = try await moderator.openThread(title: "Preguntas al panel", body: "Pregunten aquí, @nueva")
            let newcomer = host.stranger()
            try await newcomer.register("nueva")
            let reply = try await newcomer.reply(thread: thread, body: "Mi primera pregunta, @moderadora")

            // then while it waits only its author hears of it
            #expect(try await newcomer.notifications().map(\.text) == ["Su mensaje en «Preguntas al panel» espera la aprobación de la moderación"])
            #expect(try await moderator.unread() == 0)

            // when approved, its author is told, and so are those it answers and mentions, once
            try await moderator.moderate("/mod/posts/\(reply)/approve", reason: "Bienvenida")
            #expect(try await newcomer.notifications().first?.text == "moderadora aprobó su mensaje en «Preguntas al panel»")
            #expect(try await moderator.notifications().map(\.text) == ["nueva mencionó su nombre en «Preguntas al panel»"])
        }
    }

    @Test func aPostHiddenByFlagsTellsItsAuthorWhy() async throws {
        var config = testConfig()
        config.autoHide = AutoHideRule(threshold: 2, minimumAccountAge: 0, minimumPublishedPosts: 0)
        try await withApp(config: config) { author, store in
            try await author.register("vendedor")
            let thread = try await author.openThread(title: "Oferta especial hoy", body: "Compre seguidores")
            let post = try #require(try await store.posts(threadId: thread).first).id
            for name in ["uno", "dos"] {
                let member = author.stranger()
                try await member.register("miembro-\(name)")
                try await member.flag(post)
            }
            let listed = try await author.notifications()
            #expect(listed.first?.text == "Su mensaje en «Oferta especial hoy» quedó oculto por reportes de otros miembros hasta que la moderación lo revise")
            #expect(listed.first?.details.contains("Motivo: 2 reportes de miembros distintos") == true)
        }
    }
}
