import CabildoCore
import Foundation
import CabildoTestSupport
import Testing
import CabildoStore

/// `/notifications`, what reading marks read, and watching threads and boards
/// (`MailAndNotificationStore`), on both stores.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func notificationsArePagedNewestFirstAndMarkedRead(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given three threads of ana's, each answered by bea (the first twice), and a thread of ana's held for review
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea")
            var threads: [Int64] = [], firstAnswers: [Int64] = []
            for number in 1...3 {
                let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Hilo número \(number)")
                threads.append(threadId)
                firstAnswers.append(try await Self.reply(store, to: threadId, by: bea, "Respuesta \(number)",
                                                         at: Self.start.addingTimeInterval(Double(number))))
            }
            _ = try await Self.reply(store, to: threads[0], by: bea, "Otra más", at: Self.start.addingTimeInterval(10))
            let (held, heldPost) = try await Self.thread(store, board: board, by: ana, "Hilo retenido", at: Self.start.addingTimeInterval(20),
                                                         held: true)

            // when ana reads them two at a time
            let page = try await store.notifications(userId: ana.id, before: nil, limit: 2)
            let rest = try await store.notifications(userId: ana.id, before: page.last?.id, limit: 2)

            // then newest first: the held post, the first thread's batch (moved up when it grew), the third, the second
            #expect(page.map(\.threadId) == [held, threads[0]] && rest.map(\.threadId) == [threads[2], threads[1]])
            #expect(try await store.notifications(userId: ana.id, before: rest.last?.id, limit: 2).isEmpty)
            let heldNotice = page[0]
            #expect(heldNotice.kind == .postHeld && heldNotice.post?.id == heldPost && heldNotice.post?.held == true)
            #expect(heldNotice.actor == nil && heldNotice.count == 1 && heldNotice.threadTitle == "Hilo retenido")
            let batch = page[1]
            #expect(batch.kind == .threadReply && batch.count == 2 && batch.post?.id == firstAnswers[0])
            #expect(batch.post?.authorName == "bea" && batch.post?.bodyMarkdown == "Respuesta 1")
            #expect(batch.actor == .member(name: "bea") && batch.threadTitle == "Hilo número 1" && batch.boardSlug == nil)
            #expect(batch.createdAt == Self.start.addingTimeInterval(10) && batch.isUnread)
            #expect(rest.map(\.post?.id) == [firstAnswers[2], firstAnswers[1]])
            #expect(try await store.notifications(userId: bea.id, before: nil, limit: 10).isEmpty, "nobody is told of their own words")

            // when she reads the first thread, and the held one: only what posts told her is read
            let read = Self.start.addingTimeInterval(30)
            #expect(try await store.markThreadNotificationsRead(userId: ana.id, threadId: threads[0], at: read) == 1)
            #expect(try await store.markThreadNotificationsRead(userId: ana.id, threadId: threads[0], at: read) == 0)
            #expect(try await store.markThreadNotificationsRead(userId: ana.id, threadId: held, at: read) == 0, "what staff did waits")
            let after = try await store.notifications(userId: ana.id, before: nil, limit: 10)
            #expect(after.map(\.isUnread) == [true, false, true, true])
            #expect(after[1].readAt == read)

            // when she marks everything read
            try await store.markNotificationsRead(userId: ana.id, at: read.addingTimeInterval(1))
            #expect(try await store.notifications(userId: ana.id, before: nil, limit: 10).allSatisfy { !$0.isUnread })
            #expect(try await store.threadPage(id: threads[1], viewerId: ana.id)?.unreadHere == 0)

            // then a new answer starts a new batch
            _ = try await Self.reply(store, to: threads[0], by: bea, "Y otra", at: Self.start.addingTimeInterval(40))
            let fresh = try await store.notifications(userId: ana.id, before: nil, limit: 10)
            #expect(fresh.count == 5 && fresh[0].count == 1 && fresh[0].isUnread)
        }
    }

    @Test(arguments: StoreKind.available) func watchingAndMutingDecideWhoIsTold(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given bea watching a board, and cara who replied in ana's thread (so she watches it)
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana"), bea = try await Self.member(store, "bea"), cara = try await Self.member(store, "cara")
            try await store.setWatch(userId: bea.id, boardId: board.id, level: .watching, at: Self.start)
            #expect(try await store.boardPage(slug: board.slug, before: nil, limit: 1, viewerId: bea.id)?.watchLevel == .watching)
            let (threadId, _) = try await Self.thread(store, board: board, by: ana, "Hilo vigilado")
            _ = try await Self.reply(store, to: threadId, by: cara, "Participo")
            #expect(try await store.threadPage(id: threadId, viewerId: cara.id)?.watchLevel == .watching)

            // then bea was told of the new thread, with its board
            let told = try await store.notifications(userId: bea.id, before: nil, limit: 10)
            #expect(told.map(\.kind) == [.newThread] && told.first?.boardSlug == board.slug)
            #expect(told.first?.boardTitleES == board.titleES && told.first?.boardTitleEN == board.titleEN)

            // when cara mutes the thread and bea stops watching the board, and ana replies
            try await store.setWatch(userId: cara.id, threadId: threadId, level: .muted, at: Self.start)
            try await store.setWatch(userId: bea.id, boardId: board.id, level: .normal, at: Self.start)
            _ = try await Self.reply(store, to: threadId, by: ana, "Gracias")
            _ = try await Self.thread(store, board: board, by: ana, "Otro hilo")

            // then neither is told
            #expect(try await store.notifications(userId: cara.id, before: nil, limit: 10).isEmpty)
            #expect(try await store.notifications(userId: bea.id, before: nil, limit: 10).count == 1)
            #expect(try await store.threadPage(id: threadId, viewerId: cara.id)?.watchLevel == .muted)
            #expect(try await store.boardPage(slug: board.slug, before: nil, limit: 1, viewerId: bea.id)?.watchLevel == .normal)

            // when bea mutes the board but watches the thread: the thread's level wins there
            try await store.setWatch(userId: bea.id, boardId: board.id, level: .muted, at: Self.start)
            try await store.setWatch(userId: bea.id, threadId: threadId, level: .watching, at: Self.start)
            _ = try await Self.reply(store, to: threadId, by: cara, "Sigo aquí")
            #expect(try await store.notifications(userId: bea.id, before: nil, limit: 10).first?.kind == .watchedPost)

            // when cara sets the thread back to normal and replies again, she is not made to watch it again
            try await store.setWatch(userId: cara.id, threadId: threadId, level: .normal, at: Self.start)
            _ = try await Self.reply(store, to: threadId, by: cara, "Una vez más")
            #expect(try await store.threadPage(id: threadId, viewerId: cara.id)?.watchLevel == .normal)

            // then a thread that does not exist cannot be watched
            await #expect(throws: StoreError.notFound) {
                try await store.setWatch(userId: bea.id, threadId: threadId + 100, level: .watching, at: Self.start)
            }
        }
    }
}
