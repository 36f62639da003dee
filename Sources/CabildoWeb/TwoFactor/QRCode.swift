import CQRencode

/// A QR code drawn by libqrencode, as the numbers an inline SVG needs: the template writes the
/// `<svg>` around them, so no markup is built here and nothing escapes the template engine.
struct QRCode: Sendable, Equatable {
    /// Modules on a side, the quiet zone of four on each side included (the SVG's viewBox).
    let size: Int
    /// One SVG path of every dark module, a horizontal run at a time ("M4 4h3v1h-3z…").
    let path: String

    static let quietZone = 4

    /// Nil only when the text is too long for any QR version (a few kilobytes), or out of memory.
    init?(encoding text: String) {
        // Level M survives a slightly damaged or badly lit screen; 8-bit mode keeps the link's case.
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let modules = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                // Bit 0 of each byte is the module's colour (1: dark); the other bits say what it is for.
                guard modules[y * width + x] & 1 == 1 else { x += 1; continue }
                let start = x
                while x < width, modules[y * width + x] & 1 == 1 { x += 1 }
                path += "M\(start + Self.quietZone) \(y + Self.quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        size = width + 2 * Self.quietZone
        self.path = path
    }
}
