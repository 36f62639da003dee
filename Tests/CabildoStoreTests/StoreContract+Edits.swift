import CabildoCore
import CabildoStore
import Foundation
import CabildoTestSupport
import Testing

/// Editing and deleting posts, the edit history, and what the feed and the posting rules read:
/// `PostsAndModerationStore` on both stores.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func editsKeepHistoryAndDeletesKeepTheRow(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let ana = try await Self.member(store, "ana")
            let (threadId, postId) = try await Self.thread(store, board: board, by: ana, "Un hilo editable", "primera versión")

            // when: edited twice
            try await store.editPost(id: postId, markdown: "segunda versión", html: "<p>segunda</p>", hold: false,
                                     at: Self.start.addingTimeInterval(60))
            try await store.editPost(id: postId, markdown: "tercera versión", html: "<p>tercera</p>", hold: false,
                                     at: Self.start.addingTimeInterval(120))

            // then: every earlier version, newest first, dated when it was written; search finds only the last
            let revisions = try await store.revisions(postId: postId)
            #expect(revisions.map(\.bodyMarkdown) == ["segunda versión", "primera versión"])
            #expect(revisions.map(\.bodyHTML) == ["<p>segunda</p>", "<p>primera versión</p>"])
            #expect(revisions.map(\.createdAt) == [Self.start.addingTimeInterval(60), Self.start])
            let edited = try #require(try await store.post(id: postId))
            #expect(edited.editedAt == Self.start.addingTimeInterval(120) && edited.bodyHTML == "<p>tercera</p>")
            #expect(try await store.search("tercera", limit: 5, offset: 0).map(\.postId) == [postId])
            #expect(try await store.search("primera", limit: 5, offset: 0).isEmpty)
            #expect(try await store.search("editable", limit: 5, offset: 0).map(\.postId) == [postId], "the title stays searchable")

            // when: deleted
            try await store.deletePost(id: postId, at: Self.start.addingTimeInterval(180))

            // then: the row stays, blank; the history, the search entry and the listing go
            let deleted = try #require(try await store.post(id: postId))
            #expect(deleted.isDeleted && deleted.bodyMarkdown.isEmpty && deleted.bodyHTML.isEmpty)
            #expect(deleted.deletedAt == Self.start.addingTimeInterval(180))
            #expect(try await store.revisions(postId: postId).isEmpty)
            #expect(try await store.search("tercera", limit: 5, offset: 0).isEmpty)
            #expect(try await store.thread(id: threadId)?.listed == false)
            #expect(try await store.board(id: board.id)?.threadCount == 0)
            await #expect(throws: StoreError.notFound) {
                try await store.editPost(id: postId, markdown: "v4", html: "", hold: false, at: Self.start.addingTimeInterval(240))
            }
            await #expect(throws: StoreError.notFound) { try await store.deletePost(id: postId, at: Self.start) }
            await #expect(throws: StoreError.notFound) { try await store.deletePost(id: postId + 100, at: Self.start) }
            #expect(try await store.board(id: board.id)?.threadCount == 0, "a second delete counts nothing")
        }
    }

    @Test(arguments: StoreKind.available) func anEditThatHoldsAPublishedPostTakesItOutOfCountsAndSearch(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "ana", role: .admin)
            let (threadId, _) = try await Self.thread(store, board: board, by: admin, "Título largo", "apertura")
            let reply = try await Self.reply(store, to: threadId, by: admin, "visible")
            #expect(try await store.board(id: board.id)?.postCount == 2)

            // when
            try await store.editPost(id: reply, markdown: "retenida", html: "<p>retenida</p>", hold: true, at: Self.start)

            // then
            #expect(try await store.board(id: board.id)?.postCount == 1)
            #expect(try await store.thread(id: threadId)?.replyCount == 0)
            #expect(try await store.search("retenida", limit: 5, offset: 0).isEmpty)
            #expect(try await store.post(id: reply)?.held == true)
            #expect(try await store.moderationQueue(limit: 10).map(\.post.id) == [reply])

            // when: approved
            try await store.apply(.approvePost(reply), by: admin.id, reason: "ok", at: Self.start)

            // then
            #expect(try await store.board(id: board.id)?.postCount == 2)
            #expect(try await store.thread(id: threadId)?.replyCount == 1)
            #expect(try await store.search("retenida", limit: 5, offset: 0).count == 1)
            #expect(try await store.moderationQueue(limit: 10).isEmpty)
        }
    }

    /// An archived board, or one past its closing date, is read-only: edits too.
    @Test(arguments: StoreKind.available) func anEditOnABoardThatStoppedTakingPostsIsRefused(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            let (_, postId) = try await Self.thread(store, board: board, by: admin, "Hilo con fecha")

            // when: the board closes an hour after the start
            let closes = Self.start.addingTimeInterval(3600)
            try await store.apply(.scheduleBoard(board.id, BoardSchedule(closesAt: closes)), by: admin.id, reason: "fin", at: Self.start)

            // then
            try await store.editPost(id: postId, markdown: "a tiempo", html: "", hold: false, at: closes.addingTimeInterval(-1))
            await #expect(throws: StoreError.closed) {
                try await store.editPost(id: postId, markdown: "tarde", html: "", hold: false, at: closes)
            }
            #expect(try await store.revisions(postId: postId).count == 1)
        }
    }

    @Test(arguments: StoreKind.available) func threadsAndRepliesOnABoardClosedByItsDatesAreRefused(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: a board that closes an hour after the start, with a thread
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            let (threadId, _) = try await Self.thread(store, board: board, by: admin, "Hilo con fecha")
            let closes = Self.start.addingTimeInterval(3600)
            try await store.apply(.scheduleBoard(board.id, BoardSchedule(closesAt: closes)), by: admin.id, reason: "fin", at: Self.start)

            // then: a reply before the close goes in; after it, neither a reply nor a thread
            _ = try await Self.reply(store, to: threadId, by: admin, "a tiempo", at: closes.addingTimeInterval(-1))
            await #expect(throws: StoreError.closed) { _ = try await Self.reply(store, to: threadId, by: admin, "tarde", at: closes) }
            await #expect(throws: StoreError.closed) {
                _ = try await Self.thread(store, board: board, by: admin, "Otro hilo tarde", at: closes)
            }
            #expect(try await store.thread(id: threadId)?.replyCount == 1)
        }
    }

    @Test(arguments: StoreKind.available) func theFeedAndThePostingRulesReadPublishedPosts(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // given: three threads by ana, one later hidden, a reply, and a held reply
            let board = try await Self.seeded(store)
            let admin = try await Self.member(store, "admin", role: .admin)
            let ana = try await Self.member(store, "ana")
            var openings: [Int64] = []
            for number in 1...3 {
                openings.append(try await Self.thread(store, board: board, by: ana, "Hilo número \(number)", "Texto \(number)",
                                                      at: Self.start.addingTimeInterval(Double(number))).postId)
            }
            let threadId = try #require(try await store.post(id: openings[0])?.threadId)
            _ = try await Self.reply(store, to: threadId, by: ana, "Una respuesta", at: Self.start.addingTimeInterval(10))
            _ = try await store.createReply(NewReply(threadId: threadId, parentId: nil, authorId: ana.id, markdown: "Retenida", html: "",
                                                     createdAt: Self.start.addingTimeInterval(11), held: true))
            try await store.apply(.hidePost(openings[1]), by: admin.id, reason: "no", at: Self.start.addingTimeInterval(20))

            // then: the feed has the listed threads' opening posts, newest first
            let feed = try await store.recentPosts(boardId: board.id, limit: 10)
            #expect(feed.map(\.postId) == [openings[2], openings[0]])
            let newest = try #require(feed.first)
            #expect(newest.threadTitle == "Hilo número 3" && newest.authorName == "ana" && newest.html == "<p>Texto 3</p>")
            #expect(newest.createdAt == Self.start.addingTimeInterval(3) && newest.threadId != threadId)
            #expect(try await store.recentPosts(boardId: board.id, limit: 1).map(\.postId) == [openings[2]])

            // then: published posts are counted up to the bound (hidden ones were published; held ones not)
            #expect(try await store.publishedPostCount(authorId: ana.id, upTo: 10) == 4)
            #expect(try await store.publishedPostCount(authorId: ana.id, upTo: 2) == 2)
            #expect(try await store.publishedPostCount(authorId: admin.id, upTo: 10) == 0)

            // then: the same text again within the window is a repeat
            #expect(try await store.hasRecentPost(authorId: ana.id, markdown: "Una respuesta", since: Self.start))
            #expect(try await store.hasRecentPost(authorId: ana.id, markdown: "Retenida", since: Self.start.addingTimeInterval(11)))
            #expect(try await !store.hasRecentPost(authorId: ana.id, markdown: "Una respuesta", since: Self.start.addingTimeInterval(11)))
            #expect(try await !store.hasRecentPost(authorId: ana.id, markdown: "Otra cosa", since: Self.start))
            #expect(try await !store.hasRecentPost(authorId: admin.id, markdown: "Una respuesta", since: Self.start))
        }
    }
}
