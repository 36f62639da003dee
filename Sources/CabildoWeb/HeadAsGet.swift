import HTTPTypes
import Hummingbird

/// `HEAD` is answered as `GET` without the body (RFC 9110 §9.3.2): link checkers and feed
/// readers ask it first, and routes are registered for `GET` only, so every page answered 404.
/// It wraps the whole router, because the router picks a route by method before any of its
/// middleware runs.
public struct HeadAsGet<Builder: HTTPResponderBuilder>: HTTPResponderBuilder {
    let router: Builder

    public func buildResponder() -> HeadResponder<Builder.Responder> {
        HeadResponder(inner: router.buildResponder())
    }

    public struct HeadResponder<Inner: HTTPResponder>: HTTPResponder {
        let inner: Inner

        public func respond(to request: Request, context: Inner.Context) async throws -> Response {
            guard request.method == .head else { return try await inner.respond(to: request, context: context) }
            var head = request.head
            head.method = .get
            let response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
            return Response(status: response.status, headers: response.headers, body: ResponseBody())
        }
    }
}
