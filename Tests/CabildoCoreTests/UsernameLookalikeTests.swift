import CabildoCore
import Testing

/// Names a reader cannot tell apart: mixed scripts, combining marks and confusable skeletons.
@Suite struct UsernameLookalikeTests {
    @Test func namesInOneScriptAndSpanishNamesAreAccepted() {
        for name in ["josé_peña", "Ana_López", "ÑANDÚ-2024", "k'iche".replacingOccurrences(of: "'", with: "ʼ"),
                     "сергей", "αλέξανδρος", "山田たろう", "김민수", "x-user_9"] {
            #expect(Rules.validateUsername(name) == nil, "\(name) is one script")
        }
    }

    @Test func aNameMixingLatinWithCyrillicOrGreekIsRefused() {
        // given a Cyrillic а (U+0430) and a Greek ο (U+03BF) in otherwise Latin names
        for name in ["\u{430}dminx", "adminx\u{3BF}", "раypal", "admin\u{661}"] {
            #expect(Rules.validateUsername(name)?.messageKey == "error_username_scripts", "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(UsernameScript.mixesScripts("\u{430}dminx"))
        #expect(!UsernameScript.mixesScripts("adminx_2"), "digits, _ and - belong to every script")
        #expect(!UsernameScript.mixesScripts("tanaka山田"), "Latin with Han, as Japanese names are written")
    }

    @Test func combiningMarksAreRefusedButTypedAccentsAreComposed() {
        // U+0345 composes with nothing: it would hide under the x of `adminx`.
        #expect(Rules.validateUsername("adminx\u{345}")?.messageKey == "error_username_marks")
        #expect(Rules.validateUsername("adminx\u{20DD}")?.messageKey != nil, "an enclosing mark")
        // e + U+0301 is é once NFKC-normalized, as the server normalizes every name.
        #expect(Rules.validateUsername("jose\u{301}") == nil)
    }

    @Test func lookalikesShareTheirSkeleton() {
        let adminx = UsernameSkeleton.of("adminx")
        #expect(UsernameSkeleton.of("\u{430}dminx") == adminx, "Cyrillic а")
        #expect(UsernameSkeleton.of("AdminX") == adminx, "case folded")
        #expect(UsernameSkeleton.of("adrninx") == adminx, "rn reads as m")
        #expect(UsernameSkeleton.of("\u{441}\u{43E}\u{440}\u{443}") == UsernameSkeleton.of("copy"), "сору, all Cyrillic")
        #expect(UsernameSkeleton.of("\u{392}\u{39F}\u{392}") == UsernameSkeleton.of("BOB"), "ΒΟΒ, Greek capitals")
        #expect(UsernameSkeleton.of("ｃｏｐｙ") == UsernameSkeleton.of("copy"), "fullwidth letters are NFKC-normalized")
        #expect(UsernameSkeleton.of("paypa1") == UsernameSkeleton.of("paypal"))
        #expect(UsernameSkeleton.of("vvilmer") == UsernameSkeleton.of("wilmer"))
        #expect(UsernameSkeleton.of("ADMlN") == UsernameSkeleton.of("ADMIN"), "capital I and small l")
    }

    @Test func differentNamesKeepDifferentSkeletons() {
        #expect(UsernameSkeleton.of("josé") != UsernameSkeleton.of("jose"), "an accent is visible")
        #expect(UsernameSkeleton.of("peña") != UsernameSkeleton.of("pena"))
        #expect(UsernameSkeleton.of("maria") != UsernameSkeleton.of("marla"), "a dotted i is not an l")
        #expect(UsernameSkeleton.of("ana") != UsernameSkeleton.of("anna"))
    }
}
