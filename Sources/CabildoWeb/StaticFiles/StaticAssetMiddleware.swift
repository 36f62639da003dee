import HTTPTypes
import Hummingbird
import NIOCore

/// Answers `/static/…` from `StaticAssets`, before the session is looked up or a route is
/// matched: a stylesheet needs neither, and answering it after them made it slower than pages.
///
/// - `/static/cabildo.<hash>.css`, the name pages link: kept by browsers for a year (`immutable`).
/// - `/static/cabildo.css`: for pages rendered before a change and for links from elsewhere;
///   kept for minutes, then revalidated by its ETag.
/// - `/static/cabildo.<other hash>.css`: a page of another version of the stylesheet, during a
///   deploy or from a browser's cache. Redirected to the current name rather than refused, so
///   the page is styled: when servers behind one proxy run two versions for a moment, the one
///   asked may not be the one that rendered the page. The redirect itself is not kept.
///
/// Anything else under `/static/` goes on to the routes, which answer 404.
struct StaticAssetMiddleware<Context: RequestContext>: RouterMiddleware {
    let assets: StaticAssets

    static var immutable: String { "public, max-age=31536000, immutable" }
    static var plain: String { "public, max-age=300" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HEAD arrives here as GET (`HeadAsGet`), which drops the body.
        guard request.method == .get, request.uri.path.hasPrefix(SiteURL.staticPrefix) else { return try await next(request, context) }
        let name = String(request.uri.path.dropFirst(SiteURL.staticPrefix.count))
        if let asset = assets.asset(fingerprinted: name) {
            return Self.response(asset, cacheControl: Self.immutable, request: request)
        }
        if let asset = assets.asset(named: name) {
            return Self.response(asset, cacheControl: Self.plain, request: request)
        }
        if let plainName = StaticAssets.unfingerprinted(name), let asset = assets.asset(named: plainName) {
            return Response(status: .found, headers: [.location: SiteURL.staticPrefix + asset.fingerprintedName, .cacheControl: "no-cache"])
        }
        return try await next(request, context)
    }

    static func response(_ asset: StaticAssets.Asset, cacheControl: String, request: Request) -> Response {
        let gzipped = asset.gzipped.flatMap { acceptsGzip(request.headers[values: .acceptEncoding]) ? $0 : nil }
        let etag = "\"\(asset.hash)\(gzipped == nil ? "" : "-gzip")\""
        var headers: HTTPFields = [.cacheControl: cacheControl, .eTag: etag, .vary: "Accept-Encoding"]
        if matches(request.headers[values: .ifNoneMatch], etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        if gzipped != nil { headers[.contentEncoding] = "gzip" }
        let body = gzipped ?? asset.body
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// Whether `Accept-Encoding` lets gzip through (RFC 9110 §12.5.3): named, or as `*`, with a
    /// weight above 0; an explicit `gzip;q=0` refuses it whatever `*` says.
    static func acceptsGzip(_ fields: [String]) -> Bool {
        var gzip: Double?
        var any: Double?
        for item in fields.joined(separator: ",").split(separator: ",") {
            let parameters = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parameters.first else { continue }
            let weight = parameters.dropFirst().first { $0.hasPrefix("q=") }.map { Double($0.dropFirst(2)) ?? 0 } ?? 1
            if coding == "gzip" || coding == "x-gzip" { gzip = weight } else if coding == "*" { any = weight }
        }
        return (gzip ?? any ?? 0) > 0
    }

    /// `If-None-Match` (RFC 9110 §13.1.2): `*`, or a list of tags compared weakly.
    static func matches(_ fields: [String], _ etag: String) -> Bool {
        fields.joined(separator: ",").split(separator: ",").contains { item in
            let tag = item.trimmingCharacters(in: .whitespaces)
            return tag == "*" || (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag) == etag
        }
    }
}
