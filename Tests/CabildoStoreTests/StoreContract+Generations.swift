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
