// The tokenizer of the key terms: folds case and accents on UTF-8 bytes and cuts words, in one
// pass, with no String or Character work per token.

extension KeyTermCorpus {
    /// The kept tokens of `text` in order, folded, stopwords included: what `add` counts.
    public static func tokens(in text: String) -> [String] {
        var result: [String] = []
        forEachToken(in: text) { token in
            if let token { result.append(String(decoding: token, as: UTF8.self)) }
        }
        return result
    }

    /// Calls `body` with each kept token of `text`, folded, and with nil for each dropped one
    /// (shorter than 3 characters or all digits), which still stands between its neighbours.
    /// The buffer is only valid during the call.
    static func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        var text = text
        text.withUTF8 { input in
            guard !input.isEmpty else { return }
            // A folded token is never longer than the bytes it came from.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { scratch in
                foldTable.withUnsafeBufferPointer { fold in
                    scan(input, into: scratch, fold: fold) { length in
                        body(length > 0 ? UnsafeBufferPointer(rebasing: scratch[0..<length]) : nil)
                    }
                }
            }
        }
    }

    /// Folding of U+00C0…U+017F (Latin-1 letters and Latin Extended-A), two bytes each:
    /// the first folded ASCII byte, then a second one or 0. 0 means "not a letter" (× and ÷).
    static let foldTable: [UInt16] = {
        let rows = [
            // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
            "a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th ss",
            // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
            "a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th y",
            // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
            "a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g",
            // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
            "g g g g h h h h i i i i i i i i i i ij ij j j k k k l l l l l l l",
            // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
            "l l l n n n n n n n n n o o o o o o oe oe r r r r r r s s s s s s",
            // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
            "s s t t t t t t u u u u u u u u u u u u w w y y y z z z z z z s",
        ]
        var table: [UInt16] = []
        for row in rows {
            for entry in row.split(separator: " ") {
                let bytes = Array(entry.utf8)
                if entry == "-" {
                    table.append(0)
                } else if bytes.count == 2 {
                    table.append(UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
                } else {
                    table.append(UInt16(bytes.first ?? 0))
                }
            }
        }
        return table
    }()

    /// Cuts `input` into tokens, folding each into `scratch[0..<length]`, and calls
    /// `emit(length)` at the end of each token, with length 0 when the token is dropped
    /// (shorter than 3 characters or all digits) so the caller can break adjacency.
    ///
    /// One pass over the bytes; the per-byte work for ASCII is a compare and a store. Each
    /// token byte written comes from at least one input byte consumed since the token began, so
    /// `length` never exceeds `input.count`, the scratch capacity.
    @inline(__always)
    static func scan(_ input: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutableBufferPointer<UInt8>,
                     fold: UnsafeBufferPointer<UInt16>, _ emit: (_ length: Int) -> Void) {
        let n = input.count
        var i = 0
        var length = 0
        // Bytes beyond the first of other scripts' letters: characters = length − extraBytes.
        var extraBytes = 0
        while i < n {
            let byte = input[i]
            if byte < 0x80 {
                let lower = byte | 0x20
                if lower &- 0x61 < 26 {
                    scratch[length] = lower
                    length &+= 1
                    i &+= 1
                    continue
                }
                if byte &- 0x30 < 10 {
                    scratch[length] = byte
                    length &+= 1
                    i &+= 1
                    continue
                }
                i &+= 1
            } else {
                let next: UInt8 = i + 1 < n ? input[i + 1] : 0
                let nextContinues = next & 0xC0 == 0x80
                switch byte {
                case 0xC3, 0xC4, 0xC5:
                    // U+00C0…U+017F: fold through the table.
                    guard nextContinues else {
                        i &+= 1
                        break
                    }
                    i &+= 2
                    let folded = fold[(Int(byte & 0x1F) << 6 | Int(next & 0x3F)) - 0xC0]
                    if folded == 0 { break } // × ÷
                    scratch[length] = UInt8(truncatingIfNeeded: folded)
                    length &+= 1
                    let second = UInt8(truncatingIfNeeded: folded >> 8)
                    if second != 0 {
                        scratch[length] = second
                        length &+= 1
                    }
                    continue
                case 0xC2:
                    // U+0080…U+00BF: controls, no-break space, ¡ ¿ « » º ª ° ·: separators.
                    // The soft hyphen (U+00AD) is invisible and does not cut a word.
                    guard nextContinues else {
                        i &+= 1
                        break
                    }
                    i &+= 2
                    if next == 0xAD { continue }
                case 0xCC where nextContinues, 0xCD where nextContinues && next < 0xB0:
                    // U+0300…U+036F combining accents (decomposed text): dropped, the word goes on.
                    i &+= 2
                    continue
                default:
                    let size = byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2)
                    guard byte >= 0xC2, byte < 0xF8, i + size <= n else {
                        i &+= 1
                        break
                    }
                    let separates: Bool
                    switch byte {
                    case 0xE2: separates = next < 0xB0 // U+2000…U+2BFF: punctuation, quotes, dashes, symbols, arrows
                    case 0xE3: separates = next == 0x80 // U+3000…U+303F: CJK punctuation
                    case 0xEF:
                        let third = input[i + 2]
                        separates = (next == 0xB8 && third < 0x90) // U+FE00…U+FE0F variation selectors
                            || (next == 0xBB && third == 0xBF) // U+FEFF byte order mark
                            || (next == 0xBF && third >= 0xB9) // U+FFF9…U+FFFF specials, replacement character
                    case 0xF0: separates = next == 0x9F // U+1F000…U+1FFFF: emoji and pictographs
                    default: separates = false
                    }
                    if separates {
                        i &+= size
                        break
                    }
                    // Another script's letter: kept as it is.
                    for k in i..<(i + size) {
                        scratch[length] = input[k]
                        length &+= 1
                    }
                    extraBytes &+= size - 1
                    i &+= size
                    continue
                }
            }
            // A separator: the token, if any, ends here.
            if length > 0 {
                emitToken(scratch, length: length, characters: length - extraBytes, emit)
                length = 0
                extraBytes = 0
            }
        }
        if length > 0 { emitToken(scratch, length: length, characters: length - extraBytes, emit) }
    }

    @inline(__always)
    private static func emitToken(_ scratch: UnsafeMutableBufferPointer<UInt8>, length: Int, characters: Int,
                                  _ emit: (_ length: Int) -> Void) {
        guard characters >= 3 else { return emit(0) }
        // All digits? Nearly every token starts with a letter, so this usually stops at once.
        var k = 0
        while k < length, scratch[k] &- 0x30 < 10 { k &+= 1 }
        guard k < length else { return emit(0) }
        emit(length)
    }
}
