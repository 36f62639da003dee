import NIOCore

/// A parsed `application/x-www-form-urlencoded` body. Parsing is strict: a bad percent
/// escape or bytes that are not UTF-8 make the whole form a 400, never a garbled value.
/// A POST's fields reach its handler as one typed value (`FormDecodable`).
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ pairs: [String: String]) { values = pairs }

    subscript(_ name: String) -> String? { values[name] }

    static func parse(_ buffer: ByteBuffer) throws -> FormFields {
        try parse(bytes: buffer.readableBytesView)
    }

    /// A query string, decoded as browsers encode GET forms (`+` for spaces).
    static func parse(query: String?) throws -> FormFields {
        try parse(bytes: Array((query ?? "").utf8))
    }

    private static func parse(bytes: some Collection<UInt8>) throws -> FormFields {
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            // The first occurrence wins, so a duplicated field cannot override a checked one.
            if fields[name] == nil { fields[name] = value }
        }
        return FormFields(fields)
    }

    private static func decode(_ component: some Collection<UInt8>) throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(component.count)
        var index = component.startIndex
        while index != component.endIndex {
            let byte = component[index]
            switch byte {
            case UInt8(ascii: "+"):
                output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = component.index(after: index)
                guard high != component.endIndex else { throw AppError.badRequest }
                let low = component.index(after: high)
                guard low != component.endIndex, let h = hexValue(component[high]), let l = hexValue(component[low]) else {
                    throw AppError.badRequest
                }
                output.append(h << 4 | l)
                index = low
            default:
                output.append(byte)
            }
            index = component.index(after: index)
        }
        guard let string = String(validating: output, as: UTF8.self), !string.contains("\0") else {
            throw AppError.badRequest
        }
        // Browsers send CRLF in textareas; store plain LF.
        return string.contains("\r\n") ? string.split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n") : string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
