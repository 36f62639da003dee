import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// `/settings/export`: a member downloads everything the forum keeps about them, and nothing
/// that only protects the account.
@Suite struct ExportTests {
    @Test func aMemberDownloadsTheirPostsRevisionsThreadsEndorsementsAndFlags() async throws {
        try await withApp { host, store in
            // given a member who opened a thread, replied, edited, endorsed and flagged
            let other = host.stranger()
            try await other.register("proponente")
            try await other.get("/b/banda-ancha/new")
            let proposal = try await other.post("/b/banda-ancha", [("title", "Propuesta ajena"), ("body", "Texto"), ("proposal", "1")])
            let proposalId = try #require(proposal.location.flatMap { Int64($0.split(separator: "/").last ?? "") })
            let otherPost = try #require(try await store.posts(threadId: proposalId).first).id
            let member = host.stranger()
            try await member.register("lectora", stakeholder: "academia")
            let thread = try await member.openThread(title: "Mi propio hilo", body: "Primera versión")
            let opening = try #require(try await store.posts(threadId: thread).first).id
            try await member.get("/p/\(opening)/edit")
            try await member.post("/p/\(opening)/edit", [("body", "Segunda versión")])
            let reply = try await member.reply(thread: proposalId, body: "Una respuesta mía")
            try await member.get("/t/\(proposalId)")
            try await member.post("/t/\(proposalId)/endorse", [])
            try await member.flag(otherPost, reason: "off-topic", note: "No es del tema")

            // when she downloads her data
            let download = try await member.get("/settings/export")

            // then it is a JSON attachment, never cached, with all of it
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/json; charset=utf-8")
            #expect(download.headers[.cacheControl] == "no-store")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let export = try JSONDecoder.iso8601.decode(MemberExport.self, from: Data(download.html.utf8))
            #expect(export.profile.username == "lectora")
            #expect(export.profile.stakeholder == "academia")
            #expect(export.threads.map(\.title) == ["Mi propio hilo"])
            #expect(export.posts.map(\.id) == [opening, reply])
            #expect(export.posts.first?.markdown == "Segunda versión")
            #expect(export.posts.first?.revisions.map(\.markdown) == ["Primera versión"])
            #expect(export.endorsements.map(\.threadId) == [proposalId])
            #expect(export.flags.map(\.note) == ["No es del tema"])
            // the same bytes the operator's `cabildo admin export` prints (CabildoCLITests checks that side)
            let user = try #require(try await store.user(usernameKey: "lectora"))
            #expect(download.html == String(decoding: try #require(try await store.memberExport(userId: user.id)).json(), as: UTF8.self))

            // and nothing that protects the account, nor anyone else's text
            for secret in ["argon2", "password", "token", "session", "Texto\"", "proponente\""] {
                #expect(!download.html.contains(secret), "the export must not hold \(secret)")
            }
        }
    }

    @Test func onlyASignedInMemberGetsTheirOwn() async throws {
        try await withApp { host, _ in
            let visitor = try await host.stranger().get("/settings/export")
            #expect(visitor.status == .seeOther)
            #expect(visitor.location?.hasPrefix("/login?next=") == true)
        }
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
