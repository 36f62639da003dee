import NIOCore

/// One reply of an SMTP server: its three-digit code and its lines' text (RFC 5321 §4.2),
/// `250-first`, `250-second`, `250 last` making one reply of three lines.
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: the server asks to try later. 5xx (and anything unexpected) is final.
    var isTransient: Bool { (400..<500).contains(code) }
}

/// Cuts the byte stream into replies. Bounded: a line longer than 2,048 bytes or a reply of more
/// than 100 lines is an error, so a hostile or broken server cannot make the client buffer without
/// end (RFC 5321 allows 512 bytes a line).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    static let maxLineLength = 2048
    static let maxLines = 100

    private var lines: [String] = []

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineLength { throw Malformed(description: "reply line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= Self.maxLineLength, var line = buffer.readString(length: length) else {
            throw Malformed(description: "reply line too long")
        }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else {
            throw Malformed(description: "not an SMTP reply")
        }
        let code = Int(String(decoding: bytes[0...2], as: UTF8.self))!
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maxLines else { throw Malformed(description: "reply too long") }
        // `250-` continues the reply; `250 ` or a bare `250` ends it.
        if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}
