import Foundation

/// What a username looks like, so that names a reader cannot tell apart are one name:
/// `сору` written in Cyrillic and `copy` in Latin, `adrninx` and `adminx`.
///
/// The idea is Unicode TS #39's skeleton (NFKC, case fold, replace each confusable character
/// by its prototype). The tables below are a compact subset of the Unicode `confusables.txt`,
/// written out by hand because the full table is not available offline (no Debian package on
/// this machine ships it): the Cyrillic and Greek letters that look like Latin ones, and the
/// ASCII look-alikes (`0`/`o`, `1`/`l`, `I`/`l`, `rn`/`m`, `vv`/`w`). A skeleton is only ever
/// compared with other skeletons, never shown.
public enum UsernameSkeleton {
    public static func of(_ name: String) -> String {
        var skeleton = ""
        for scalar in Rules.normalizeUsername(name).unicodeScalars {
            // Capitals before case folding: Greek `Β` looks like `B`, its small `β` like nothing
            // Latin, and `I` like `l` while `i` does not. So `ADMINX` and `adminx` may differ
            // here: names that differ only in case are already one name by `usernameKey`.
            if let prototype = capitals[scalar] {
                skeleton += prototype
                continue
            }
            for folded in String(scalar).lowercased().unicodeScalars {
                skeleton += smalls[folded] ?? String(folded)
            }
        }
        return skeleton
    }

    /// Capital letters whose look-alike is lost once they are lowercased.
    static let capitals: [Unicode.Scalar: String] = [
        "I": "l",
        // Greek
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "l", "Κ": "k", "Μ": "rn", "Ν": "n",
        "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
        // Cyrillic
        "А": "a", "В": "b", "Е": "e", "З": "3", "К": "k", "М": "rn", "Н": "h", "О": "o", "Р": "p",
        "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "l", "Ј": "j", "Ӏ": "l", "Ԛ": "q", "Ԝ": "vv",
    ]

    /// Small letters and digits with their prototype; `m` and `w` become the pairs they look like.
    static let smalls: [Unicode.Scalar: String] = [
        // ASCII
        "0": "o", "1": "l", "|": "l", "m": "rn", "w": "vv",
        // Latin letters outside ASCII that look like ASCII ones
        "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʋ": "u", "ɪ": "i", "ʏ": "y", "ᴄ": "c", "ᴏ": "o", "ᴠ": "v", "ᴡ": "vv", "ᴢ": "z",
        // Greek
        "α": "a", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "ω": "vv", "ϲ": "c", "ϳ": "j", "ϱ": "p", "ϵ": "e",
        // Cyrillic
        // (small в, м, н and т look like small capitals, not like b, m, h and t)
        "а": "a", "е": "e", "ё": "ë", "з": "3", "і": "i", "ї": "ï", "ј": "j", "к": "k", "о": "o", "р": "p",
        "с": "c", "у": "y", "х": "x", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "vv", "ӏ": "l",
    ]
}
