import Foundation

extension SiteURL {
    /// A `next` target is followed only when it is a path on this site: no scheme, no host.
    /// Browsers drop TAB, CR and LF anywhere in a URL and read `\` as `/`, so `/<TAB>/evil.example`
    /// or `/\evil.example` would leave the site; a control character or a backslash refuses the
    /// target, and so does one that starts with `//` once percent-decoded (some servers and
    /// proxies on the way decode it).
    static func safeReturn(_ candidate: String?) -> String {
        guard let candidate else { return home.path }
        var form = candidate
        // Decoding until nothing changes also catches `%252F%252F`; a few rounds are enough.
        for _ in 0..<3 {
            guard isLocalPath(form) else { return home.path }
            guard let decoded = form.removingPercentEncoding, decoded != form else { return candidate }
            form = decoded
        }
        return isLocalPath(form) ? candidate : home.path
    }

    private static func isLocalPath(_ path: String) -> Bool {
        let scalars = Array(path.unicodeScalars.prefix(2))
        guard scalars.first == "/", scalars.count < 2 || (scalars[1] != "/" && scalars[1] != "\\") else { return false }
        return !path.unicodeScalars.contains { $0 == "\\" || $0.properties.generalCategory == .control }
    }
}
