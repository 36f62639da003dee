import Mustache

/// The HTML escaping every template uses (`{{% CONTENT_TYPE: HTML}}` on each template's first
/// line, registered by `Renderer.load`). It escapes the same five characters as swift-mustache's
/// own, but over UTF-8 bytes, and returns the text untouched when there is nothing to escape:
/// the library's walks `Character`s with a dictionary lookup each, which was 7–12 % of a
/// thread or board page.
struct HTMLEscaping: MustacheContentType {
    /// Registered under the library's own name, so a template parsed before registration
    /// still escapes, only slower.
    static let name = "HTML"

    static func register() {
        MustacheContentTypes.register(HTMLEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: Self.isSpecial) else { return text }
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable(Self.escape) ?? ""
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // The longest replacement ("&quot;") is six bytes.
        String(unsafeUninitializedCapacity: bytes.count * 6) { output in
            var count = 0
            func put(_ replacement: StaticString) {
                for index in 0..<replacement.utf8CodeUnitCount {
                    output[count] = replacement.utf8Start[index]
                    count += 1
                }
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "<"): put("&lt;")
                case UInt8(ascii: ">"): put("&gt;")
                case UInt8(ascii: "&"): put("&amp;")
                case UInt8(ascii: "\""): put("&quot;")
                case UInt8(ascii: "'"): put("&#39;")
                default:
                    output[count] = byte
                    count += 1
                }
            }
            return count
        }
    }
}
