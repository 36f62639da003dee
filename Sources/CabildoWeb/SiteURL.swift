import Foundation
import Hummingbird

/// Every route of the site, and every link to it, in one place (the shape of
/// SwiftPackageIndex-Server's `SiteURL`). A case's raw value is the pattern the router registers
/// (`router.get(.thread, use: show)`); the functions of the same name build links to it
/// (`SiteURL.thread(id)`), and a route without parameters is its own link (`SiteURL.home.path`).
/// Links are interpolated rather than filled in from the pattern at run time: a thread page builds
/// several per post, and filling took 1.6 to 2.2 µs a link against 0.5 µs. `SiteURLTests` sends
/// every link through the real router and checks it reaches its own case, so the two cannot drift.
/// The `{name}` parameters are the names handlers read (`context.parameters.get("id")`).
enum SiteURL: String, CaseIterable, Sendable {
    case home = "/"
    case health = "/healthz"
    case metrics = "/metrics"
    case search = "/search"
    static func search(_ query: String, page: Int = 1) -> String {
        "/search?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + (page > 1 ? "&page=\(page)" : "")
    }

    // MARK: Accounts

    case register = "/register"
    /// What the forum keeps about people, for how long, who sees it, how to take it or delete it.
    case privacy = "/privacy"
    case login = "/login"
    static func login(returningTo path: String) -> String {
        "/login?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
    }
    /// Where a password reset leads: the password form, saying the new password is set.
    static let loginAfterReset = "/login?reset=1"
    /// The second sign-in step, for members with two-factor sign-in on.
    case loginCode = "/login/2fa"
    static func loginCode(returningTo path: String?) -> String {
        guard let path else { return "/login/2fa" }
        return "/login/2fa?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
    }
    case logout = "/logout"
    case settings = "/settings"
    static let settingsSaved = "/settings?saved=1"
    case settingsPassword = "/settings/password"
    case settingsTwoFactor = "/settings/2fa"
    static let settingsTwoFactorOff = "/settings/2fa?off=1"
    case settingsSessions = "/settings/sessions"
    case endSession = "/settings/sessions/{id}/end"
    static func endSession(_ id: Int64) -> String { "/settings/sessions/\(id)/end" }
    case endOtherSessions = "/settings/sessions/end-others"
    case settingsExport = "/settings/export"
    case settingsDelete = "/settings/delete"
    /// Where closing an account leads, signed out.
    static let accountClosed = "/settings/delete?closed=1"
    /// The member's address and notification mail; `?sent=1` after a confirmation link was sent.
    case settingsEmail = "/settings/email"
    static let settingsEmailSaved = "/settings/email?saved=1"
    static let settingsEmailSent = "/settings/email?sent=1"
    /// Links sent by mail; the tokens are URL-safe base64 (`Tokens.random`) or `UnsubscribeLinks`'.
    case confirmEmail = "/email/confirm/{token}"
    static func confirmEmail(_ token: String) -> String { "/email/confirm/\(token)" }
    case passwordForgot = "/password/forgot"
    static let passwordForgotSent = "/password/forgot?sent=1"
    case passwordReset = "/password/reset/{token}"
    static func passwordReset(_ token: String) -> String { "/password/reset/\(token)" }
    case unsubscribe = "/unsubscribe/{token}"
    static func unsubscribe(_ token: String) -> String { "/unsubscribe/\(token)" }
    case language = "/language"
    /// The signed-in member's notifications, newest first.
    case notifications = "/notifications"
    static func notifications(before id: Int64) -> String { "/notifications?before=\(id)" }
    case notificationsRead = "/notifications/read"
    case user = "/u/{name}"
    static func user(_ name: String) -> String { "/u/" + pathSegment(name) }

    // MARK: Boards and threads

    case board = "/b/{slug}"
    static func board(_ slug: String) -> String { "/b/\(slug)" }
    static func board(_ slug: String, before lastPostId: Int64) -> String { "/b/\(slug)?before=\(lastPostId)" }
    case newThread = "/b/{slug}/new"
    static func newThread(_ slug: String) -> String { "/b/\(slug)/new" }
    case feed = "/b/{slug}/feed.atom"
    static func feed(_ slug: String) -> String { "/b/\(slug)/feed.atom" }
    case watchBoard = "/b/{slug}/watch"
    static func watchBoard(_ slug: String) -> String { "/b/\(slug)/watch" }
    /// The committee's conclusions and recommendations for a board (GET for all, POST for the committee).
    case boardConclusions = "/b/{slug}/conclusions"
    static func boardConclusions(_ slug: String) -> String { "/b/\(slug)/conclusions" }
    static func boardConclusions(_ slug: String, version: Int64) -> String { "/b/\(slug)/conclusions?version=\(version)" }
    /// The board's live panel as an iCalendar event; `calendar` holds every board's.
    case panelCalendar = "/b/{slug}/panel.ics"
    static func panelCalendar(_ slug: String) -> String { "/b/\(slug)/panel.ics" }
    case calendar = "/calendar.ics"
    case thread = "/t/{id}"
    static func thread(_ id: Int64) -> String { "/t/\(id)" }
    /// The thread from one post down, where the page stops nesting replies.
    static func thread(_ id: Int64, root postId: Int64) -> String { "/t/\(id)?root=\(postId)" }
    static func post(_ threadId: Int64, _ postId: Int64) -> String { "/t/\(threadId)#p\(postId)" }
    /// The thread page at its endorsement box.
    static func endorsements(_ threadId: Int64) -> String { "/t/\(threadId)#endorse" }
    case reply = "/t/{id}/reply"
    static func reply(_ threadId: Int64) -> String { "/t/\(threadId)/reply" }
    static func reply(_ threadId: Int64, parent postId: Int64) -> String { "/t/\(threadId)/reply?parent=\(postId)" }
    case endorse = "/t/{id}/endorse"
    static func endorse(_ threadId: Int64) -> String { "/t/\(threadId)/endorse" }
    case summary = "/t/{id}/summary"
    static func summary(_ threadId: Int64) -> String { "/t/\(threadId)/summary" }
    case watchThread = "/t/{id}/watch"
    static func watchThread(_ threadId: Int64) -> String { "/t/\(threadId)/watch" }

    // MARK: Posts

    case editPost = "/p/{id}/edit"
    static func editPost(_ id: Int64) -> String { "/p/\(id)/edit" }
    case deletePost = "/p/{id}/delete"
    static func deletePost(_ id: Int64) -> String { "/p/\(id)/delete" }
    case postHistory = "/p/{id}/history"
    static func postHistory(_ id: Int64) -> String { "/p/\(id)/history" }
    case flagPost = "/p/{id}/flag"
    static func flagPost(_ id: Int64) -> String { "/p/\(id)/flag" }
    /// The author of a hidden post asks for a review.
    case appeal = "/p/{id}/appeal"
    static func appeal(_ id: Int64) -> String { "/p/\(id)/appeal" }

    // MARK: Harvest

    case harvest = "/harvest"
    static func harvest(board slug: String) -> String { "/harvest?board=\(slug)" }
    case harvestCSV = "/harvest.csv"
    case harvestJSON = "/harvest.json"
    case harvestMarkdown = "/harvest.md"
    /// The consultation report: print-friendly HTML, and the same in Markdown.
    case harvestReport = "/harvest/report"
    case harvestReportMarkdown = "/harvest/report.md"
    /// Participation by department, one row per scope: `/harvest.csv` has one row per thread.
    case harvestDepartmentsCSV = "/harvest/departments.csv"
    static func harvestDepartmentsCSV(board slug: String?) -> String {
        "/harvest/departments.csv" + (slug.map { "?board=\($0)" } ?? "")
    }
    /// `format` is the extension of one of the three export routes: `csv`, `json` or `md`.
    static func harvestExport(_ format: String, board slug: String?) -> String {
        "/harvest.\(format)" + (slug.map { "?board=\($0)" } ?? "")
    }

    // MARK: Moderation and administration

    case moderationQueue = "/mod"
    case moderatePost = "/mod/posts/{id}"
    static func moderatePost(_ id: Int64) -> String { "/mod/posts/\(id)" }
    case moderatePostAction = "/mod/posts/{id}/{action}"
    static func moderatePost(_ id: Int64, _ action: String) -> String { "/mod/posts/\(id)/\(action)" }
    case moderateThread = "/mod/threads/{id}"
    static func moderateThread(_ id: Int64) -> String { "/mod/threads/\(id)" }
    case moderateThreadAction = "/mod/threads/{id}/{action}"
    static func moderateThread(_ id: Int64, _ action: String) -> String { "/mod/threads/\(id)/\(action)" }
    case moderateUser = "/mod/users/{name}/{action}"
    static func moderateUser(_ name: String, _ action: String) -> String { "/mod/users/" + pathSegment(name) + "/\(action)" }
    case adminBoards = "/mod/boards"
    case adminBoard = "/mod/boards/{slug}/{action}"
    static func adminBoard(_ slug: String, _ action: String) -> String { "/mod/boards/\(slug)/\(action)" }
    case adminWords = "/mod/words"
    case adminWord = "/mod/words/{id}/delete"
    static func adminWord(_ id: Int64) -> String { "/mod/words/\(id)/delete" }
    case moderationLog = "/moderation-log"
    static func moderationLog(before entryId: Int64) -> String { "/moderation-log?before=\(entryId)" }

    // MARK: Not routes

    /// Files under `Public/`, served from memory by `StaticAssetMiddleware` before any route.
    static let staticFiles = "/static"
    static let staticPrefix = staticFiles + "/"
    static let stylesheetName = "cabildo.css"
    /// Its plain name; pages link the fingerprinted one (`StaticAssets.path(of:)`).
    static let stylesheet = staticPrefix + stylesheetName

    /// The link to a route that takes no values.
    var path: String {
        assert(!rawValue.contains("{"), "\(rawValue) takes values: build its link with SiteURL.\(self)(…)")
        return rawValue
    }

    /// User names may hold characters a path segment must escape.
    private static func pathSegment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value
    }
}

/// Routes are registered by case, so a controller's route table reads `router.get(.thread, use: show)`.
extension RouterMethods {
    @discardableResult func get(_ route: SiteURL, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(RouterPath(route.rawValue), method: .get, use: handler)
    }

    @discardableResult func post(_ route: SiteURL, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(RouterPath(route.rawValue), method: .post, use: handler)
    }
}
