/// Which writing system each letter of a username belongs to, so that one name cannot mix
/// Latin with Cyrillic or Greek look-alikes (`аdmin` with a Cyrillic `а`).
///
/// Swift exposes no Script property, so this is a compact table of the blocks of the scripts
/// people write names in (checked against the Unicode 15 `Scripts.txt` for the letters and
/// digits usernames allow). A letter outside it counts as `.other`: it may stand alone, but not
/// beside a letter of a known script.
public enum UsernameScript: String, Sendable, CaseIterable {
    case latin, greek, cyrillic, armenian, hebrew, arabic, syriac, thaana, nko, devanagari, bengali,
         gurmukhi, gujarati, oriya, tamil, telugu, kannada, malayalam, sinhala, thai, lao, tibetan,
         myanmar, georgian, hangul, ethiopic, cherokee, canadianAboriginal, khmer, mongolian, coptic,
         hiragana, katakana, bopomofo, han, other

    /// The script of one letter or digit; nil for what belongs to every script: ASCII digits,
    /// `_` and `-` (fullwidth forms are ASCII once NFKC-normalized), and the few letters that
    /// `Scripts.txt` files under Common (the modifier apostrophe of Mayan orthographies, the
    /// Japanese prolonged-sound and repeat marks).
    public static func of(_ scalar: Unicode.Scalar) -> UsernameScript? {
        let value = scalar.value
        if scalar == "_" || scalar == "-" || (0x30...0x39).contains(value) { return nil }
        if (0x02B9...0x02DF).contains(value) || (0x3031...0x3035).contains(value) || value == 0x30FC
            || (0xA717...0xA71F).contains(value) { return nil }
        for (range, script) in ranges where range.contains(value) { return script }
        return .other
    }

    /// The script combinations one name may use, as in Unicode TS #39's "highly restrictive"
    /// level: a single script, or Latin with the scripts written beside it in Chinese, Japanese
    /// and Korean.
    static let allowedMixtures: [Set<UsernameScript>] = [
        [.latin, .han, .hiragana, .katakana], [.latin, .han, .bopomofo], [.latin, .han, .hangul],
    ]

    /// True when the name's letters come from scripts that do not belong together.
    public static func mixesScripts(_ name: String) -> Bool {
        let scripts = Set(name.unicodeScalars.compactMap(of))
        guard scripts.count > 1 else { return false }
        return !allowedMixtures.contains { scripts.isSubset(of: $0) }
    }

    // Ordered so that the exceptions inside a block come before the block itself.
    private static let ranges: [(ClosedRange<UInt32>, UsernameScript)] = [
        (0x0041...0x005A, .latin), (0x0061...0x007A, .latin), (0x00AA...0x00AA, .latin), (0x00BA...0x00BA, .latin),
        (0x00C0...0x024F, .latin), (0x0250...0x02AF, .latin), (0x02B0...0x02B8, .latin), (0x02E0...0x02E4, .latin),
        (0x03E2...0x03EF, .coptic), (0x0370...0x03FF, .greek),
        (0x0400...0x052F, .cyrillic), (0x0531...0x058F, .armenian), (0x0590...0x05FF, .hebrew),
        (0x0600...0x06FF, .arabic), (0x0700...0x074F, .syriac), (0x0750...0x077F, .arabic),
        (0x0780...0x07BF, .thaana), (0x07C0...0x07FF, .nko), (0x0860...0x086F, .syriac), (0x0870...0x08FF, .arabic),
        (0x0900...0x097F, .devanagari), (0x0980...0x09FF, .bengali), (0x0A00...0x0A7F, .gurmukhi),
        (0x0A80...0x0AFF, .gujarati), (0x0B00...0x0B7F, .oriya), (0x0B80...0x0BFF, .tamil),
        (0x0C00...0x0C7F, .telugu), (0x0C80...0x0CFF, .kannada), (0x0D00...0x0D7F, .malayalam),
        (0x0D80...0x0DFF, .sinhala), (0x0E00...0x0E7F, .thai), (0x0E80...0x0EFF, .lao), (0x0F00...0x0FFF, .tibetan),
        (0x1000...0x109F, .myanmar), (0x10A0...0x10FF, .georgian), (0x1100...0x11FF, .hangul),
        (0x1200...0x139F, .ethiopic), (0x13A0...0x13FF, .cherokee), (0x1400...0x167F, .canadianAboriginal),
        (0x1780...0x17FF, .khmer), (0x1800...0x18AF, .mongolian), (0x18B0...0x18FF, .canadianAboriginal),
        (0x1C80...0x1C8F, .cyrillic), (0x1C90...0x1CBF, .georgian),
        (0x1D26...0x1D2A, .greek), (0x1D2B...0x1D2B, .cyrillic), (0x1D5D...0x1D61, .greek), (0x1D66...0x1D6A, .greek),
        (0x1D78...0x1D78, .cyrillic), (0x1DBF...0x1DBF, .greek), (0x1D00...0x1DBE, .latin),
        (0x1E00...0x1EFF, .latin), (0x1F00...0x1FFF, .greek),
        (0x2071...0x2071, .latin), (0x207F...0x207F, .latin), (0x2090...0x209C, .latin),
        (0x2C60...0x2C7F, .latin), (0x2C80...0x2CFF, .coptic), (0x2D00...0x2D2F, .georgian),
        (0x2DE0...0x2DFF, .cyrillic), (0x3005...0x3005, .han), (0x3007...0x3007, .han), (0x3021...0x3029, .han),
        (0x3038...0x303B, .han), (0x3041...0x3096, .hiragana), (0x309D...0x309F, .hiragana),
        (0x30A1...0x30FA, .katakana), (0x30FD...0x30FF, .katakana), (0x3105...0x312F, .bopomofo),
        (0x3131...0x318E, .hangul), (0x31A0...0x31BF, .bopomofo), (0x31F0...0x31FF, .katakana),
        (0x3400...0x4DBF, .han), (0x4E00...0x9FFF, .han), (0xA640...0xA69F, .cyrillic),
        (0xA722...0xA7FF, .latin), (0xA960...0xA97F, .hangul), (0xAB30...0xAB5A, .latin), (0xAB5C...0xAB64, .latin),
        (0xAB65...0xAB65, .greek), (0xAB66...0xAB69, .latin), (0xAB70...0xABBF, .cherokee),
        (0xAC00...0xD7FF, .hangul), (0xF900...0xFAFF, .han), (0xFB00...0xFB06, .latin), (0xFB13...0xFB17, .armenian),
        (0xFB1D...0xFB4F, .hebrew), (0xFB50...0xFDFF, .arabic), (0xFE70...0xFEFF, .arabic),
        (0xFF21...0xFF3A, .latin), (0xFF41...0xFF5A, .latin), (0xFF66...0xFF6F, .katakana), (0xFF71...0xFF9D, .katakana),
        (0xFFA0...0xFFDC, .hangul), (0x20000...0x323AF, .han),
    ]
}
