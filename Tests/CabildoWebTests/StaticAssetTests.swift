import CabildoTestSupport
import Crypto
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// The stylesheet under its fingerprinted name: linked by every page, kept by browsers for a
/// year, gzipped for those that accept it; the plain name still answers.
@Suite struct StaticAssetTests {
    let file = try! [UInt8](Data(contentsOf: repositoryRoot.appendingPathComponent("Public/cabildo.css")))
    /// What the name must carry: the first 10 hex digits of the file's SHA-256.
    var fingerprinted: String {
        "/static/cabildo." + SHA256.hash(data: file).map { String(Int($0) + 0x100, radix: 16).dropFirst() }.joined().prefix(10) + ".css"
    }

    @Test func pagesLinkTheStylesheetByItsFingerprint() async throws {
        try await withApp { browser, _ in
            // when
            let home = try await browser.get("/")
            // then
            #expect(home.html.contains("<link rel=\"stylesheet\" href=\"\(fingerprinted)\">"))
            #expect(!home.html.contains("href=\"/static/cabildo.css\""))
        }
    }

    @Test func theFingerprintedStylesheetIsImmutableAndPlainUnlessGzipIsAccepted() async throws {
        try await withApp { browser, _ in
            // when
            let css = try await browser.get(fingerprinted)
            // then
            #expect(css.status == .ok)
            #expect(css.bytes == file)
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.contentEncoding] == nil)
            #expect(css.headers[.vary] == "Accept-Encoding")
            #expect(css.headers[.eTag]?.hasPrefix("\"") == true)
            #expect(css.headers[.contentSecurityPolicy] != nil, "static files carry the security headers too")
            for refusing in ["identity", "gzip;q=0, *", "br, deflate", "*;q=0"] {
                let plain = try await browser.get(fingerprinted, headers: [.acceptEncoding: refusing])
                #expect(plain.headers[.contentEncoding] == nil, "\(refusing)")
                #expect(plain.bytes == file, "\(refusing)")
            }
        }
    }

    @Test func gzipIsSentWhenAcceptedAndDecompressesToTheFile() async throws {
        try await withApp { browser, _ in
            for accepting in ["gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "x-gzip"] {
                // when
                let css = try await browser.get(fingerprinted, headers: [.acceptEncoding: accepting])
                // then
                #expect(css.headers[.contentEncoding] == "gzip", "\(accepting)")
                #expect(css.bytes.count < file.count / 2, "\(accepting)")
                #expect(gunzip(css.bytes) == file, "\(accepting)")
                #expect(Int(css.headers[.contentLength] ?? "") == css.bytes.count)
                let plain = try await browser.get(fingerprinted)
                #expect(css.headers[.eTag] != plain.headers[.eTag], "each representation has its own tag")
            }
        }
    }

    @Test func headAnswersTheHeadersWithoutTheBody() async throws {
        try await withApp { browser, _ in
            let head = try await browser.head(fingerprinted)
            #expect(head.status == .ok)
            #expect(head.bytes.isEmpty)
            #expect(head.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(head.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test func aKnownTagIsAnsweredNotModified() async throws {
        try await withApp { browser, _ in
            // given
            let css = try await browser.get(fingerprinted, headers: [.acceptEncoding: "gzip"])
            let tag = try #require(css.headers[.eTag])
            // when
            let again = try await browser.get(fingerprinted, headers: [.acceptEncoding: "gzip", .ifNoneMatch: "\"other\", W/\(tag)"])
            let otherRepresentation = try await browser.get(fingerprinted, headers: [.ifNoneMatch: tag])
            // then
            #expect(again.status == .notModified)
            #expect(again.bytes.isEmpty)
            #expect(again.headers[.eTag] == tag)
            #expect(otherRepresentation.status == .ok, "the plain file is not the gzipped one")
        }
    }

    @Test func thePlainNameStillAnswersAndAnotherFingerprintIsSentToTheCurrentOne() async throws {
        try await withApp { browser, _ in
            // when
            let plain = try await browser.get("/static/cabildo.css")
            let stale = try await browser.get("/static/cabildo.0123456789.css")
            let unknown = try await browser.get("/static/nothing.0123456789.css")
            let icon = try await browser.get("/static/favicon.svg")
            // then
            #expect(plain.status == .ok)
            #expect(plain.bytes == file)
            #expect(plain.headers[.cacheControl] == "public, max-age=300")
            #expect(stale.status == .found)
            #expect(stale.location == fingerprinted)
            #expect(stale.headers[.cacheControl] == "no-cache")
            #expect(unknown.status == .notFound)
            #expect(icon.status == .ok)
            #expect(icon.headers[.contentType] == "image/svg+xml")
        }
    }
}
