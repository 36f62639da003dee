import CabildoCore
import CabildoStore
import CabildoTestSupport
import Foundation
import Testing

/// What each kind of write makes stale (`WriteChanges`): the pages, sessions and harvest a server
/// keeps are used again only while the generation they were read under stays the same.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func eachWriteMovesOnlyTheGenerationsOfWhatItChanged(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let board = try await Self.seeded(store)
            let user = try await Self.member(store, "gema")
            let (threadId, _) = try await Self.thread(store, board: board, by: user, "Un hilo para mirar")
            _ = try await store.serverKey()
            var content = store.writeGeneration, members = store.memberGeneration

            // when: a session is made, then used past the minute after which it is touched
            let hash = Tokens.sha256(Tokens.random())
            try await store.createSession(tokenHash: hash, userId: user.id, userAgent: "", at: Self.start)
            _ = try await store.sessionUser(tokenHash: hash, now: Self.start.addingTimeInterval(120), idleLimit: 3600,
                                            absoluteLimit: 7200, twoFactorRule: .off)
            // then: no page and no kept session shows either
            #expect(store.writeGeneration == content && store.memberGeneration == members)

            // when: the member follows the thread
            try await store.setWatch(userId: user.id, threadId: threadId, level: .watching, at: Self.start)
            // then: members' pages and sessions are stale, visitors' pages and the harvest are not
            #expect(store.writeGeneration == content)
            #expect(store.memberGeneration > members)
            members = store.memberGeneration

            // when: the session ends
            try await store.deleteSession(tokenHash: hash)
            // then: a server that kept it must read it again, and find it gone
            #expect(store.writeGeneration == content)
            #expect(store.memberGeneration > members)
            members = store.memberGeneration

            // when: someone replies (content)
            _ = try await Self.reply(store, to: threadId, by: user, "Una respuesta")
            // then: everything kept is stale
            #expect(store.writeGeneration > content)
            #expect(store.memberGeneration > members)
        }
    }
}

/// Each kind of content write makes stale only the pages of what it changed (issue 21).
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func eachContentWriteMakesStaleOnlyWhatItChanged(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
            let boards = try await store.boards()
            let (first, second, third) = (boards[0].id, boards[1].id, boards[2].id)
            let author = try await Self.member(store, "hugo")
            let moderator = try await Self.member(store, "moni", role: .moderator)
            let (talk, opening) = try await Self.thread(store, board: boards[0], by: author, "Una conversación")
            let (other, _) = try await Self.thread(store, board: boards[2], by: author, "Otra, en otro tablero")

            /// Runs `write` and answers which of the scopes went stale.
            func stale(after write: () async throws -> Void) async throws -> Set<PageScope> {
                let before = store.writeGeneration
                try await write()
                let scopes: [PageScope] = [.home, .board(first), .board(second), .board(third), .thread(talk), .thread(other), .none]
                return Set(scopes.filter { store.lastChange(of: $0) > before })
            }

            // A new thread: its board's list and the home page.
            var threadId: Int64 = 0
            #expect(try await stale { threadId = try await Self.thread(store, board: boards[1], by: author, "Una conversación nueva").threadId }
                    == [.home, .board(second)])
            _ = threadId
            // A reply, an edit, a deletion, a hide, a lock, an endorsement: the thread, its board's list, home.
            let expected: Set<PageScope> = [.home, .board(first), .thread(talk)]
            var reply: Int64 = 0
            #expect(try await stale { reply = try await Self.reply(store, to: talk, by: author, "Una respuesta") } == expected)
            #expect(try await stale { try await store.editPost(id: reply, markdown: "Otra", html: "<p>Otra</p>", hold: false, at: Self.start) }
                    == expected)
            #expect(try await stale { try await store.apply(.hidePost(reply), by: moderator.id, reason: "r", at: Self.start) } == expected)
            #expect(try await stale { try await store.apply(.lockThread(talk), by: moderator.id, reason: "r", at: Self.start) } == expected)
            #expect(try await stale { try await store.apply(.markProposal(talk), by: moderator.id, reason: "r", at: Self.start) } == expected)
            let reader = try await Self.member(store, "rita")
            #expect(try await stale { _ = try await store.toggleEndorsement(threadId: talk, by: reader, at: Self.start) } == expected)
            #expect(try await stale { try await store.deletePost(id: opening, at: Self.start) } == expected)
            // A move: the thread and both boards' lists.
            #expect(try await stale { try await store.apply(.moveThread(talk, toBoard: second), by: moderator.id, reason: "r", at: Self.start) }
                    == [.home, .board(first), .board(second), .thread(talk)])
            // A board's title: every page (each thread page shows its board's title).
            let all: Set<PageScope> = [.home, .board(first), .board(second), .board(third), .thread(talk), .thread(other), .none]
            let admin = try await Self.member(store, "ada", role: .admin)
            #expect(try await stale { try await store.apply(.renameBoard(third, titleES: "Otro", titleEN: "Other"), by: admin.id,
                                                            reason: "r", at: Self.start) } == all)
            // A member's group, shown beside their posts: every page.
            #expect(try await stale { try await store.updateSettings(userId: author.id, language: nil, stakeholder: .government) } == all)
        }
    }
}
