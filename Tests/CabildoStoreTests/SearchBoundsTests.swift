import CabildoCore
import Foundation
import Synchronization
import Testing
@testable import CabildoStore

/// A search's cost is bounded by construction: what reaches FTS5, how long it may run, how many run at once.
@Suite struct SearchBoundsTests {
    @Test func shortPrefixesLoseTheirStarAndTermsAreCapped() {
        // The query that took ~4 s at 300 k posts: twelve one-letter prefixes.
        let pattern = AppDatabase.ftsPattern("d* p* c* e* s* l* a* r* m* t* i* n*")
        #expect(pattern == "\"d\" \"p\" \"c\" \"e\" \"s\" \"l\"")
        #expect(AppDatabase.ftsPattern("cob* co* cobertura cobertura") == "\"cob\"* \"co\" \"cobertura\"")
    }

    @Test func aSearchThatRunsPastItsTimeLimitIsTooBroad() async throws {
        var limits = SearchLimits()
        limits.timeLimit = 0
        let store = try AppDatabase.temporary(searchLimits: limits)
        defer { removeDatabase(at: store.path) }
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let author = try await store.createUser(NewUser(username: "autora", passwordHash: "$argon2id$v=19$x", role: .member, stakeholder: .academia,
                                                        createdAt: Date()))
        for i in 0..<50 {
            _ = try await store.createThread(NewThread(boardId: 1, authorId: author.id, title: "Cobertura \(i)",
                                                       markdown: "cobertura rural \(i)", html: "", createdAt: Date()))
        }
        await #expect(throws: StoreError.tooBroad) { try await store.search("cobertura", limit: 20) }
        // The handler is gone afterwards: the connection serves other reads.
        #expect(try await store.thread(id: 1) != nil)
    }

    @Test func aPageSearchedSinceTheLastWriteNeedsNoSlot() async throws {
        // given: one slot, no line, and a page of results searched once
        var limits = SearchLimits()
        limits.concurrent = 1
        limits.waiting = 0
        let store = try AppDatabase.temporary(searchLimits: limits)
        defer { removeDatabase(at: store.path) }
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let author = try await store.createUser(NewUser(username: "autora", passwordHash: "$argon2id$v=19$x", role: .member,
                                                        stakeholder: .academia, createdAt: Date()))
        let (_, postId) = try await store.createThread(NewThread(boardId: 1, authorId: author.id, title: "Cobertura rural",
                                                                 markdown: "antenas", html: "", createdAt: Date()))
        #expect(try await store.search("cobertura", limit: 20).map(\.postId) == [postId])
        // when: the only slot is taken
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await store.searchSlots.run {
                enteredContinuation.yield()
                for await _ in release { break }
            }
        }
        for await _ in entered { break }
        // then: the same page is answered as kept; another needs the slot; after a write, so does the first
        #expect(try await store.search("cobertura", limit: 20).map(\.postId) == [postId])
        await #expect(throws: StoreError.busy) { try await store.search("antenas", limit: 20) }
        _ = try await store.createThread(NewThread(boardId: 1, authorId: author.id, title: "Otra cobertura",
                                                   markdown: "x", html: "", createdAt: Date()))
        await #expect(throws: StoreError.busy) { try await store.search("cobertura", limit: 20) }
        releaseContinuation.yield()
        try await holder.value
        #expect(try await store.search("cobertura", limit: 20).count == 2)
    }

    @Test func aPageAskedForWhileItIsSearchedIsSearchedOnce() async throws {
        // given: a page being searched, held until released
        let cache = SearchResultCache()
        let key = SearchResultCache.Key(terms: SearchTerm.of("cobertura", SearchLimits()), limit: 20, offset: 0)
        let hit = SearchHit(postId: 7, threadId: 3, threadTitle: "Cobertura rural", authorName: "autora", snippet: "cobertura",
                            createdAt: Date())
        let runs = Counter()
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await cache.hits(key, generation: 1) {
                runs.add()
                enteredContinuation.yield()
                for await _ in release { break }
                return [hit]
            }
        }
        for await _ in entered { break }
        // when: the same page is asked for meanwhile, as of the same generation and as of a later one
        let same = Task { try await cache.hits(key, generation: 1) { runs.add(); return [] } }
        // Give `same` a moment to find the search running (had it not, it would find its page kept).
        try await Task.sleep(for: .milliseconds(50))
        let later = try await cache.hits(key, generation: 2) { runs.add(); return [] }
        releaseContinuation.yield()
        // then: the same generation waited for the running search; the later one, which may hold a write it missed, did not
        #expect(try await first.value.map(\.postId) == [7])
        #expect(try await same.value.map(\.postId) == [7])
        #expect(later.isEmpty)
        #expect(runs.value == 2)
        #expect(try await cache.hits(key, generation: 1) { runs.add(); return [] }.map(\.postId) == [7], "kept")
        #expect(runs.value == 2)
    }

    @Test func searchesBeyondTheirSlotsWaitAndBeyondTheLineAreRefused() async throws {
        let slots = SearchSlots(concurrent: 1, waiting: 1)
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await slots.run {
                enteredContinuation.yield()
                for await _ in release { break }
            }
        }
        for await _ in entered { break }
        let second = Task { try await slots.run { 2 } }
        // Give the second a moment to take its place in line, then the third finds the line full.
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: StoreError.busy) { try await slots.run { 3 } }
        releaseContinuation.yield()
        try await first.value
        #expect(try await second.value == 2, "the waiting search ran once the slot was free")
    }
}

/// How many times a search ran, counted from the tasks that run it.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
