import Foundation
import CCmark

/// Renders post Markdown to HTML with cmark-gfm in safe mode.
///
/// Safe mode drops raw HTML and dangerous URLs; on top of that we allow only
/// http(s), mailto and relative link targets, turn images into plain links (no
/// remote images: they leak readers' addresses to third parties), and mark every
/// link `rel="nofollow ugc noopener"`.
public enum Markdown {
    /// cmark-gfm's extension registry is a process-wide list filled without locking, so it is
    /// filled once here (Swift runs a static initializer exactly once, thread-safely) and only
    /// read afterwards. Calling `ensure_registered` from concurrent requests crashed the tests.
    nonisolated(unsafe) private static let extensions: [OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        let names: [String] = ["table", "strikethrough", "autolink", "tagfilter"]
        return names.compactMap { name in cmark_find_syntax_extension(name) }
    }()

    /// cmark-gfm 0.29 keeps the inline parser's special characters in a process-wide table that
    /// attaching an extension adds to and freeing a parser takes from, so two parsers at once
    /// corrupt each other (strikethrough lost, crashes in optimized builds). Posts are rendered
    /// once, at write time, in microseconds: one at a time costs nothing.
    private static let lock = NSLock()

    public static func render(_ source: String) -> String {
        lock.withLock { renderAlone(source) }
    }

    private static func renderAlone(_ source: String) -> String {
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for syntaxExtension in extensions {
            cmark_parser_attach_syntax_extension(parser, syntaxExtension)
        }
        cmark_parser_feed(parser, source, source.utf8.count)
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        sanitize(document)
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(html) }
        return withLinkRel(html)
    }

    private static let linkOpening = Array("<a href=\"".utf8)
    private static let linkOpeningWithRel = Array("<a rel=\"nofollow ugc noopener\" href=\"".utf8)

    /// cmark's HTML with `rel="nofollow ugc noopener"` on every link, made in one pass over the
    /// C string's bytes (Foundation's `components(separatedBy:)` cost more than cmark itself).
    static func withLinkRel(_ html: UnsafePointer<CChar>) -> String {
        let length = strlen(html)
        return html.withMemoryRebound(to: UInt8.self, capacity: length) { start in
            let bytes = UnsafeBufferPointer(start: start, count: length)
            var output: [UInt8] = []
            output.reserveCapacity(length + 64)
            var copied = 0
            var index = 0
            while let found = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
                let end = found + linkOpening.count
                if end <= length, bytes[found..<end].elementsEqual(linkOpening) {
                    output.append(contentsOf: bytes[copied..<found])
                    output.append(contentsOf: linkOpeningWithRel)
                    copied = end
                    index = end
                } else {
                    index = found + 1
                }
            }
            output.append(contentsOf: bytes[copied...])
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Turns images into links and blanks link targets whose scheme is not allowed.
    private static func sanitize(_ document: OpaquePointer) {
        var links: [OpaquePointer] = []
        var images: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(document) else { return }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_LINK: links.append(node)
            case CMARK_NODE_IMAGE: images.append(node)
            default: break
            }
        }
        cmark_iter_free(iterator)
        for link in links {
            let url = cmark_node_get_url(link).map { String(cString: $0) } ?? ""
            if !isAllowedURL(url) { cmark_node_set_url(link, "") }
        }
        for image in images {
            // Changing the type resets the node's fields, so carry the URL over by hand.
            let url = cmark_node_get_url(image).map { String(cString: $0) } ?? ""
            cmark_node_set_type(image, CMARK_NODE_LINK)
            cmark_node_set_url(image, isAllowedURL(url) ? url : "")
        }
    }

    static func isAllowedURL(_ url: String) -> Bool {
        let trimmed = url.drop { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        // A colon after a path, query or fragment delimiter is not a scheme.
        if let delimiter = trimmed.firstIndex(where: { "/?#".contains($0) }), delimiter < colon { return true }
        let scheme = trimmed[..<colon].lowercased()
        return scheme == "http" || scheme == "https" || scheme == "mailto"
    }
}
