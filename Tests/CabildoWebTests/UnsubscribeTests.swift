import CabildoCore
import CabildoStore
import Foundation
import HTTPTypes
import Testing
@testable import CabildoWeb

/// Every mail's `List-Unsubscribe` link: a GET only asks, a POST (the page's button, or a mail
/// program's RFC 8058 one-click POST without cookie or CSRF token) turns notification mail off.
/// That route, and no other, passes the CSRF check without a token.
@Suite struct UnsubscribeTests {
    @Test func aOneClickPostFromTheMailTurnsNotificationMailOff() async throws {
        try await withSMTPSink { sink in
            try await withApp(config: mailConfig(sink)) { host, store in
                // given a member who gets each notification by mail, and a mail she received
                let member = host.stranger()
                try await member.register("suscrita")
                let mail = try await member.confirmEmail("suscrita@example.org", sink: sink, choice: "each")
                let id = try #require(try await store.user(usernameKey: "suscrita")).id
                let header = try #require(mail.header("List-Unsubscribe"))
                let link = String(header.dropFirst("<http://localhost".count).dropLast())
                #expect(mail.text.contains("http://localhost" + link), "the text carries the same link")

                // when a link scanner opens it
                let opened = try await host.stranger().get(link)

                // then it only sees a button
                #expect(opened.status == .ok && opened.html.contains("No enviarme más avisos"))
                #expect(try await store.emailSettings(userId: id, at: Date()).mailNotifications == .each)

                // when her mail program POSTs the one-click body, with no cookie, token or Origin
                let mailProgram = host.stranger()
                let boundary = "cabildo"
                let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--\(boundary)--\r\n"
                let clicked = try await mailProgram.postRaw(link, body: body,
                                                            headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])

                // then notification mail is off, and the page says so
                #expect(clicked.status == .ok)
                #expect(clicked.html.contains("ya no recibirá avisos por correo"))
                #expect(try await store.emailSettings(userId: id, at: Date()).mailNotifications == MailNotifications.none)
                #expect(try await member.get("/settings/email").html.contains("name=\"mail_notifications\" value=\"none\" checked"))
                // and the page's own button (urlencoded, with its token) does the same
                let again = try await host.stranger().post(link, [("List-Unsubscribe", "One-Click")])
                #expect(again.status == .ok)
            }
        }
    }

    @Test func aTokenNotMadeByThisServerIsNotFound() async throws {
        try await withApp { host, store in
            let member = host.stranger()
            try await member.register("ajena")
            let id = try #require(try await store.user(usernameKey: "ajena")).id
            let links = UnsubscribeLinks(key: try await store.serverKey())
            let real = links.token(userId: id)
            #expect(links.userId(fromToken: real) == id)
            for forged in ["\(id).AAAA", "\(id + 1)." + real.split(separator: ".")[1], real + "x", "\(id)", "x.y"] {
                #expect(try await host.stranger().get("/unsubscribe/\(forged)").status == .notFound, "\(forged)")
                // a token's shape passes the CSRF check and is not found; anything else is refused by it
                let posted = try await host.stranger().postRaw("/unsubscribe/\(forged)", body: "List-Unsubscribe=One-Click")
                #expect(posted.status == (FormGuardMiddleware.isOneClickUnsubscribe("/unsubscribe/\(forged)") ? .notFound : .forbidden),
                        "\(forged)")
            }
            #expect(try await host.stranger().get("/unsubscribe/\(real)").status == .ok)
        }
    }

    @Test func noOtherRoutePassesWithoutACSRFToken() async throws {
        try await withApp { host, _ in
            let member = host.stranger()
            try await member.register("guardia")
            // every link of the site, posted without a token by a signed-in member, is refused
            // (or has no POST at all): no handler runs
            for (route, link) in SiteURLTests.links where route != .unsubscribe {
                let path = String(link.prefix { $0 != "#" })
                let page = try await member.post(path, [("body", "x")], withToken: false)
                #expect([.forbidden, .notFound, .methodNotAllowed].contains(page.status), "\(path) answered \(page.status) without a token")
            }
        }
        // and the exemption matches nothing but an unsubscribe token's shape
        for path in ["/unsubscribe/12.AbC-_09", "/unsubscribe/1.a"] {
            #expect(FormGuardMiddleware.isOneClickUnsubscribe(path), "\(path)")
        }
        for path in ["/unsubscribe/", "/unsubscribe/12", "/unsubscribe/.abc", "/unsubscribe/12.", "/unsubscribe/12.abc/x",
                     "/unsubscribe/12.abc/../../settings/email", "/unsubscribe/..", "/unsubscribe/12.a%2Fb", "/unsubscribe/12.a.b",
                     "/unsubscribe/12.ab=", "/unsubscribe12.abc", "/settings/email", "/x/unsubscribe/12.abc", "/UNSUBSCRIBE/12.abc"] {
            #expect(!FormGuardMiddleware.isOneClickUnsubscribe(path), "\(path)")
        }
    }
}
