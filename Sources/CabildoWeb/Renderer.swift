import CabildoCore
import Foundation
import Hummingbird
import Mustache

/// A page's view model: plain strings and booleans for its template, plus the layout's values.
protocol Page: MustacheParent, Sendable {
    static var template: String { get }
    var layout: Layout { get }
    /// This page's own values; anything else is looked up in the layout.
    func value(_ name: String) -> Any?
}

extension Page {
    func child(named name: String) -> Any? { value(name) ?? layout.child(named: name) }
}

/// What every page shows around its content: language, navigation, who is signed in.
struct Layout: MustacheParent, Sendable {
    let visitor: Visitor
    let t: Messages
    let title: String
    /// The stylesheet's path, fingerprinted (`StaticAssets`).
    let stylesheet: String

    func child(named name: String) -> Any? {
        switch name {
        case "t": t
        case "lang": visitor.language.rawValue
        case "pageTitle": title
        case "csrfToken": visitor.csrfToken
        case "returnPath": visitor.returnPath
        case "signedIn": visitor.user != nil
        // Staff waiting for two-factor enrolment still see where their powers are: each link
        // leads to `/settings/2fa`, which says why.
        case "canModerate": reaches(.viewQueue)
        case "isAdmin": reaches(.manageBoards)
        case "canHarvest": reaches(.viewHarvest)
        case "twoFactorHold": visitor.user.flatMap { holdSentence($0.twoFactorHold) } ?? false
        case "suspension": visitor.user.flatMap { t.suspension(of: $0, at: visitor.now, language: visitor.language) } ?? false
        case "username": visitor.user?.username ?? ""
        case "unreadCount": unreadCount ?? false
        case "userPath": visitor.user.map { SiteURL.user($0.username) } ?? ""
        case "otherLanguage": visitor.language == .es ? "en" : "es"
        case "otherLanguageName": visitor.language == .es ? "English" : "Español"
        case "stylesheet": stylesheet
        default: nil
        }
    }

    /// The header's count of unread notifications, "99+" beyond what it counts; nil for none.
    private var unreadCount: String? {
        guard let unread = visitor.user?.unreadNotifications, unread > 0 else { return nil }
        return unread > User.unreadShown ? "\(User.unreadShown)+" : String(unread)
    }

    /// What waits for the account's two-factor enrolment, said on every page (`CABILDO_REQUIRE_2FA`).
    private func holdSentence(_ hold: TwoFactorHold) -> String? {
        switch hold {
        case .none: nil
        case .staffPowers: t["two_factor_required_staff"]
        case .everything: t["two_factor_required_all"]
        }
    }

    private func reaches(_ action: Action) -> Bool {
        Permissions.can(visitor.user, action, at: visitor.now) || Permissions.waitsForTwoFactor(visitor.user, action, at: visitor.now)
    }
}

/// Compiled templates and catalogs, loaded once at start.
struct Renderer: Sendable {
    private let library: MustacheLibrary
    let catalogs: Catalogs
    /// Set by tests: records every key a template asks for that no view model answers.
    let audit: TemplateKeyAudit?
    /// `CABILDO_BASE_URL` without a trailing slash: the absolute links of Open Graph tags and
    /// share links (`Sharing`); nil when unset, since a link is never built from the `Host` header.
    let origin: String?
    /// The path every page links for the stylesheet: fingerprinted by the server, which serves it
    /// (`StaticAssets.path(of:)`); the plain name where no server does (a test that renders alone).
    var stylesheet = SiteURL.stylesheet
    /// Rendered posts by everything they depend on (`PostFragment`), at most 8 MiB of them.
    let postFragments = BoundedCache<PostFragment, String>(budget: 8 << 20) { post, html in
        post.html.utf8.count + html.utf8.count + 200
    }
    /// The watch buttons of thread and board pages (`WatchControls`): a dozen at most.
    let watchForms = BoundedCache<WatchControls, String>(budget: 64 << 10) { _, html in html.utf8.count + 32 }
    /// Rendered rows of boards' thread lists (`ThreadRow`), at most 2 MiB of them.
    let threadRows = BoundedCache<ThreadRow, String>(budget: 2 << 20) { row, html in
        row.title.utf8.count + html.utf8.count + 100
    }

    struct TemplatesMissing: Error, CustomStringConvertible {
        let directory: String
        var description: String {
            "no templates in '\(directory)': run from the project folder or set CABILDO_TEMPLATES to the Templates folder"
        }
    }

    /// - Parameter timeZone: the forum's (`CABILDO_TIME_ZONE`), in which every page's dates are shown.
    static func load(directory: String, timeZone: TimeZone, audit: TemplateKeyAudit? = nil, origin: String? = nil) async throws -> Renderer {
        guard FileManager.default.fileExists(atPath: directory + "/layout.mustache") else { throw TemplatesMissing(directory: directory) }
        HTMLEscaping.register()
        return Renderer(library: try await MustacheLibrary(directory: directory), catalogs: try Catalogs.load(directory: directory, timeZone: timeZone),
                        audit: audit, origin: origin.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
    }

    /// Every template is rendered here.
    func render(_ model: some MustacheParent, withTemplate template: String) -> String {
        guard let audit else { return library.render(model, withTemplate: template) ?? "" }
        return library.render(TemplateKeyAudit.Root(model: model, template: template, audit: audit), withTemplate: template) ?? ""
    }

    func layout(_ visitor: Visitor, title: String) -> Layout {
        Layout(visitor: visitor, t: catalogs[visitor.language], title: title, stylesheet: stylesheet)
    }

    /// One post's header, body and footer. The same inputs always give the same markup, so it is
    /// kept, except for the viewer's own posts, whose delete and review forms carry their CSRF token.
    func postFragment(_ post: PostFragment, csrfToken: String) -> String {
        let make = { @Sendable () -> String in
            self.render(PostFragmentView(post: post, t: self.catalogs[post.language],
                                         csrfToken: post.canEdit || post.canAppeal ? csrfToken : ""),
                        withTemplate: "post_body")
        }
        return post.canEdit || post.canAppeal ? make() : postFragments.value(for: post, make: make)
    }

    static let pageHeaders: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "private, no-cache"]
    /// The `Cache-Control` of a page true only now (a search refused for its time): neither a
    /// browser nor `PageCache` keeps it.
    static let noStore = "no-store"

    func html<P: Page>(_ page: P) -> String {
        render(page, withTemplate: P.template)
    }

    /// One row of a board's thread list; the same inputs always give the same markup.
    func threadRow(_ row: ThreadRow) -> String {
        threadRows.value(for: row) {
            render(ThreadRowView(row: row, t: catalogs[row.language]), withTemplate: "board_row")
        }
    }

    /// A thread's or a board's watch state and buttons; the same inputs always give the same markup.
    func watchControls(_ controls: WatchControls) -> String {
        watchForms.value(for: controls) {
            render(WatchControlsView(controls: controls, t: catalogs[controls.language]), withTemplate: "watch_controls")
        }
    }

    /// The continuation link under a post whose replies go deeper than the page shows.
    func html(_ link: ContinueLink) -> String {
        render(link, withTemplate: "post_more")
    }

    func render<P: Page>(_ page: P, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html(page))))
    }
}

/// 303 See Other: the answer to every successful form (post/redirect/get).
func redirect(to path: String) -> Response {
    Response(status: .seeOther, headers: [.location: path])
}
