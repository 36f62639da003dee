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

    private static let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8

    /// - Parameter mentions: `@name` links to make, by `Rules.usernameKey` of the name: the
    ///   address each one's link goes to. Other `@names` stay text.
    public static func render(_ source: String, mentions: [String: String] = [:]) -> String {
        lock.withLock {
            parsed(source) { document, parser in
                sanitize(document)
                if !mentions.isEmpty { link(mentions, in: document) }
                guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
                defer { free(html) }
                return withLinkRel(html)
            } ?? ""
        }
    }

    /// The first `Mentions.limit` different names a post mentions (`Rules.usernameKey` of each),
    /// in order: outside code, and outside links, where an `@` is part of an address.
    public static func mentionedNames(in source: String) -> [String] {
        guard source.contains("@") else { return [] }
        return lock.withLock {
            parsed(source) { document, _ in
                var keys: [String] = []
                for node in textOutsideLinks(document) {
                    for mention in Mentions.find(in: literal(of: node)) {
                        let key = Rules.usernameKey(String(mention.name))
                        if !keys.contains(key) { keys.append(key) }
                        if keys.count == Mentions.limit { return keys }
                    }
                }
                return keys
            } ?? []
        }
    }

    private static func parsed<T>(_ source: String, _ body: (OpaquePointer, OpaquePointer) -> T) -> T? {
        guard let parser = cmark_parser_new(options) else { return nil }
        defer { cmark_parser_free(parser) }
        for syntaxExtension in extensions {
            cmark_parser_attach_syntax_extension(parser, syntaxExtension)
        }
        cmark_parser_feed(parser, source, source.utf8.count)
        guard let document = cmark_parser_finish(parser) else { return nil }
        defer { cmark_node_free(document) }
        return body(document, parser)
    }

    /// Text nodes that are not inside a link or an image (code spans and blocks are nodes of
    /// their own, never text), adjacent ones merged first: cmark leaves `_` and `*` that
    /// emphasize nothing as text nodes of their own, which would cut `@ana_b` short.
    private static func textOutsideLinks(_ document: OpaquePointer) -> [OpaquePointer] {
        cmark_consolidate_text_nodes(document)
        var nodes: [OpaquePointer] = []
        var linkDepth = 0
        guard let iterator = cmark_iter_new(document) else { return [] }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE: linkDepth += event == CMARK_EVENT_ENTER ? 1 : -1
            case CMARK_NODE_TEXT where linkDepth == 0: nodes.append(node)
            default: break
            }
        }
        return nodes
    }

    private static func literal(of node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    /// Replaces each text node holding a mention to link by the text around it and a raw-HTML
    /// inline around the `@name` as typed (`Mentions.opening`): the tree stays cmark's, so
    /// everything else is rendered as before.
    private static func link(_ mentions: [String: String], in document: OpaquePointer) {
        for node in textOutsideLinks(document) {
            let text = literal(of: node)
            let found = Mentions.find(in: text).compactMap { mention in
                mentions[Rules.usernameKey(String(mention.name))].map { (mention.range, $0) }
            }
            guard !found.isEmpty else { continue }
            var copied = text.startIndex
            for (range, href) in found {
                insertText(text[copied..<range.lowerBound], before: node)
                guard let link = cmark_node_new(CMARK_NODE_CUSTOM_INLINE), let name = cmark_node_new(CMARK_NODE_TEXT) else { return }
                cmark_node_set_on_enter(link, Mentions.opening(href: href))
                cmark_node_set_on_exit(link, "</a>")
                cmark_node_set_literal(name, String(text[range]))
                cmark_node_append_child(link, name)
                cmark_node_insert_before(node, link)
                copied = range.upperBound
            }
            insertText(text[copied...], before: node)
            cmark_node_free(node)
        }
    }

    private static func insertText(_ text: Substring, before node: OpaquePointer) {
        guard !text.isEmpty, let piece = cmark_node_new(CMARK_NODE_TEXT) else { return }
        cmark_node_set_literal(piece, String(text))
        cmark_node_insert_before(node, piece)
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
