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
        try await withLiveServer { port in
            // when: 32 visitors, each on a connection of their own, ask at once for a board page
            // no one has seen yet (every request is sent before any answer is read)
            let connections = try (0..<Self.requests).map { _ in try RawConnection(port: port) }
            for connection in connections { connection.send("GET /b/banda-ancha HTTP/1.1\r\nHost: localhost\r\n\r\n") }
            var tokens: Set<String> = []
            for connection in connections {
                let page = try #require(await connection.response(within: .seconds(30)))
                #expect(page.hasPrefix("HTTP/1.1 200") && page.contains("banda ancha en Guatemala"))
                tokens.insert(try #require(Self.csrfToken(in: page)))
            }

            // then: one request rendered it, and the others were answered from that render
            let metrics = try RawConnection(port: port)
            #expect(try await Self.pageCache(metrics, "visitor", "rendered") == 1)
            #expect(try await Self.pageCache(metrics, "visitor", "kept") == Self.requests - 1)
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
            let metrics = try RawConnection(port: port)
            #expect(try await Self.pageCache(metrics, "member", "rendered") == 1)
            #expect(try await Self.pageCache(metrics, "member", "kept") == Self.requests - 1)
        }
    }

    static func csrfToken(in page: String) -> String? {
        guard let start = page.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        return String(page[start.upperBound...].prefix { $0 != "\"" })
    }

    /// `cabildo_page_cache_total` for `viewer` and `result`, as `/metrics` says.
    static func pageCache(_ connection: RawConnection, _ viewer: String, _ result: String) async throws -> Int {
        connection.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let metrics = try #require(await connection.response(within: .seconds(10)))
        let prefix = "cabildo_page_cache_total{viewer=\"\(viewer)\",result=\"\(result)\"} "
        guard let line = metrics.split(separator: "\r\n").flatMap({ $0.split(separator: "\n") }).first(where: { $0.hasPrefix(prefix) })
        else { return 0 }
        return Int(line.dropFirst(prefix.count)) ?? 0
    }
}
