import Foundation

/// Every URL of the site, built in one place so no path is typed twice.
enum Paths {
    static let home = "/"
    static let login = "/login"
    static let logout = "/logout"
    static let register = "/register"
    static let settings = "/settings"
    static let settingsPassword = "/settings/password"
    static let language = "/language"
    static let search = "/search"
    static let staticPrefix = "/static/"
    static let stylesheet = "/static/cabildo.css"

    static func board(_ slug: String) -> String { "/b/\(slug)" }
    static func boardPage(_ slug: String, before: Int64) -> String { "/b/\(slug)?before=\(before)" }
    static func newThread(_ slug: String) -> String { "/b/\(slug)/new" }
    static func feed(_ slug: String) -> String { "/b/\(slug)/feed.atom" }
    static func thread(_ id: Int64) -> String { "/t/\(id)" }
    static func subthread(_ threadId: Int64, root postId: Int64) -> String { "/t/\(threadId)?root=\(postId)" }
    static func post(_ threadId: Int64, _ postId: Int64) -> String { "/t/\(threadId)#p\(postId)" }
    static func reply(_ threadId: Int64) -> String { "/t/\(threadId)/reply" }
    static func replyTo(_ threadId: Int64, parent: Int64) -> String { "/t/\(threadId)/reply?parent=\(parent)" }
    static func editPost(_ id: Int64) -> String { "/p/\(id)/edit" }
    static func deletePost(_ id: Int64) -> String { "/p/\(id)/delete" }
    static func postHistory(_ id: Int64) -> String { "/p/\(id)/history" }
    static func flagPost(_ id: Int64) -> String { "/p/\(id)/flag" }
    static let harvest = "/harvest"
    static func harvest(board slug: String) -> String { "/harvest?board=\(slug)" }
    static func harvestExport(_ format: String, board slug: String?) -> String {
        "/harvest.\(format)" + (slug.map { "?board=\($0)" } ?? "")
    }
    static func endorse(_ threadId: Int64) -> String { "/t/\(threadId)/endorse" }
    static func summary(_ threadId: Int64) -> String { "/t/\(threadId)/summary" }
    static func searchFor(_ query: String, page: Int = 1) -> String {
        "/search?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + (page > 1 ? "&page=\(page)" : "")
    }
    static let moderationQueue = "/mod"
    static let moderationLog = "/moderation-log"
    static let adminBoards = "/mod/boards"
    static let adminWords = "/mod/words"
    static func moderatePost(_ id: Int64) -> String { "/mod/posts/\(id)" }
    static func moderatePost(_ id: Int64, _ action: String) -> String { "/mod/posts/\(id)/\(action)" }
    static func moderateThread(_ id: Int64) -> String { "/mod/threads/\(id)" }
    static func moderateThread(_ id: Int64, _ action: String) -> String { "/mod/threads/\(id)/\(action)" }
    static func moderateUser(_ name: String, _ action: String) -> String {
        "/mod/users/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name) + "/\(action)"
    }
    static func adminBoard(_ slug: String, _ action: String) -> String { "/mod/boards/\(slug)/\(action)" }
    static func adminWord(_ id: Int64) -> String { "/mod/words/\(id)/delete" }
    static func moderationLogPage(before: Int64) -> String { "/moderation-log?before=\(before)" }
    static func user(_ name: String) -> String {
        "/u/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)
    }
    static func loginReturning(to path: String) -> String {
        "/login?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
    }

    /// A `next` target is followed only when it is a path on this site: no scheme, no host.
    /// Browsers drop TAB, CR and LF anywhere in a URL and read `\` as `/`, so `/<TAB>/evil.example`
    /// or `/\evil.example` would leave the site; a control character or a backslash refuses the
    /// target, and so does one that starts with `//` once percent-decoded (some servers and
    /// proxies on the way decode it).
    static func safeReturn(_ candidate: String?) -> String {
        guard let candidate else { return home }
        var form = candidate
        // Decoding until nothing changes also catches `%252F%252F`; a few rounds are enough.
        for _ in 0..<3 {
            guard isLocalPath(form) else { return home }
            guard let decoded = form.removingPercentEncoding, decoded != form else { return candidate }
            form = decoded
        }
        return isLocalPath(form) ? candidate : home
    }

    private static func isLocalPath(_ path: String) -> Bool {
        let scalars = Array(path.unicodeScalars.prefix(2))
        guard scalars.first == "/", scalars.count < 2 || (scalars[1] != "/" && scalars[1] != "\\") else { return false }
        return !path.unicodeScalars.contains { $0 == "\\" || $0.properties.generalCategory == .control }
    }
}
