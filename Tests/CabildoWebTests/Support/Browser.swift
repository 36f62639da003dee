import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Acts as a browser would: keeps cookies between requests and sends back the CSRF token
/// of the last page it loaded. Separate `Browser`s over one client are separate people.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The `csrf_token` of the most recent page that had a form.
    var csrfToken: String?
    var acceptLanguage: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    /// Another visitor, with no cookies, on the same server.
    func stranger() -> Browser { Browser(client) }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let html: String
        /// The body as it came, for what is not text (a gzipped file).
        var bytes: [UInt8] = []
        var location: String? { headers[.location] }
        var setCookies: [String] { headers[values: .setCookie] }
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> Page {
        try await send(path, method: .get, headers: extra, body: nil)
    }

    /// Posts a form. The page's CSRF token is added unless the fields carry their own `csrf_token`
    /// or `withToken` is false.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], withToken: Bool = true, headers extra: HTTPFields = [:]) async throws -> Page {
        var fields = fields
        if withToken, !fields.contains(where: { $0.0 == "csrf_token" }), let csrfToken {
            fields.append(("csrf_token", csrfToken))
        }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await postRaw(path, body: body, headers: extra)
    }

    @discardableResult
    func postRaw(_ path: String, body: String, headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        if headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func postBytes(_ path: String, body: [UInt8]) async throws -> Page {
        try await send(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                       body: ByteBuffer(bytes: body))
    }

    private func send(_ path: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        }
        if let acceptLanguage { headers[.acceptLanguage] = acceptLanguage }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        let page = Page(status: response.status, headers: response.headers, html: String(buffer: response.body),
                        bytes: Array(buffer: response.body))
        for header in page.setCookies { remember(header) }
        if let token = Self.csrfToken(in: page.html) { csrfToken = token }
        return page
    }

    func head(_ path: String) async throws -> Page {
        try await send(path, method: .head, headers: [:], body: nil)
    }

    /// Sets a cookie by hand, as a forger would.
    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    /// Follows a 303 the way a browser does.
    func follow(_ page: Page) async throws -> Page {
        guard let location = page.location else { return page }
        return try await get(location)
    }

    private func remember(_ setCookie: String) {
        let parts = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<equals])
        let value = String(pair[pair.index(after: equals)...])
        if parts.contains(where: { $0.lowercased() == "max-age=0" }) || value.isEmpty {
            cookies[name] = nil
        } else {
            cookies[name] = value
        }
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension Browser {
    /// Registers and stays signed in, as a person does through the form.
    @discardableResult
    func register(_ username: String, password: String = "contraseña-segura", stakeholder: String = "civil-society") async throws -> Page {
        try await get("/register")
        return try await post("/register", [
            ("username", username), ("password", password), ("password_confirmation", password), ("stakeholder", stakeholder),
        ])
    }

    /// Opens a thread on a board and returns its id.
    func openThread(board: String = "banda-ancha", title: String, body: String) async throws -> Int64 {
        try await get("/b/\(board)/new")
        let page = try await post("/b/\(board)", [("title", title), ("body", body)])
        guard page.status == .seeOther, let location = page.location, let id = Int64(location.dropFirst(3)) else {
            throw TestFailure("opening a thread answered \(page.status): \(page.html.prefix(300))")
        }
        return id
    }

    /// Replies in a thread (to `parent` if given) and returns the new post's id.
    func reply(thread: Int64, parent: Int64? = nil, body: String) async throws -> Int64 {
        try await get("/t/\(thread)")
        var fields = [("body", body)]
        if let parent { fields.append(("parent", String(parent))) }
        let page = try await post("/t/\(thread)/reply", fields)
        guard page.status == .seeOther, let location = page.location, let hash = location.firstIndex(of: "#"),
              let id = Int64(location[location.index(hash, offsetBy: 2)...]) else {
            throw TestFailure("replying answered \(page.status): \(page.html.prefix(300))")
        }
        return id
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
