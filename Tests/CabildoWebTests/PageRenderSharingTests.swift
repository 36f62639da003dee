import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Many requests at once for a page not kept render it once (`PageCache`'s `SingleFlight`); the
/// others wait for that render and get it with their own CSRF token. `/metrics` counts renders.
/// Each request has a connection of its own and all are sent before any answer is read: the test
/// client's requests would be answered one after another.
@Suite struct PageRenderSharingTests {
    static let requests = 32

    @Test func visitorsAskingAtOnceForAPageNotKeptShareOneRender() async throws {
        try await withApp(framework: .live) { browser, _ in
            let port = try #require(browser.client.port)
            let counter = PageCounter(browser)
            // when: 32 visitors, each on a connection of their own, ask at once for a board page
            // no one has seen yet (every request is sent before any answer is read)
            let connections = try (0..<Self.requests).map { _ in try RawConnection(port: port) }
            for connection in connections { connection.send("GET /b/banda-ancha HTTP/1.1\r\nHost: localhost\r\n\r\n") }
            var tokens: Set<String> = []
            for connection in connections {
                let page = try #require(await connection.response(within: .seconds(30)))
                #expect(page.hasPrefix("HTTP/1.1 200") && page.contains("banda ancha en Guatemala"))
                tokens.insert(try #require(Browser.csrfToken(in: page)))
            }

            // then: one request rendered it, and the others were answered from that render
            #expect(try await counter.count("visitor", "rendered") == 1)
            #expect(try await counter.count("visitor", "kept") == Self.requests - 1)
            // and: each with a token of its own (its anonymous cookie's)
            #expect(tokens.count == Self.requests)
        }
    }

    @Test func aMembersRequestsAtOnceShareOneRenderAndSeeTheirOwnHeader() async throws {
        try await withApp(framework: .live) { bea, _ in
            try await bea.register("bea")
            let port = try #require(bea.client.port)
            let cookie = bea.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")

            // when: 32 requests of her session at once, on connections of their own, for a page she has not seen
            let connections = try (0..<Self.requests).map { _ in try RawConnection(port: port) }
            for connection in connections {
                connection.send("GET /notifications HTTP/1.1\r\nHost: localhost\r\nCookie: \(cookie)\r\n\r\n")
            }
            for connection in connections {
                let page = try #require(await connection.response(within: .seconds(30)))
                #expect(page.hasPrefix("HTTP/1.1 200") && page.contains(MemberPageCacheTests.header("bea")))
            }

            // then: one render answered them all
            let counter = PageCounter(bea)
            #expect(try await counter.count("member", "rendered") == 1)
            #expect(try await counter.count("member", "kept") == Self.requests - 1)
        }
    }
}
