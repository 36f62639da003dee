import Crypto
import Foundation
import NIOCore

/// The files of `Public/` (the stylesheet, the icon), read into memory once at start: each is
/// served under its own name and under a fingerprinted one, `cabildo.<hash>.css`, whose hash
/// comes from its contents. Pages link the fingerprinted name, which a browser may keep for a
/// year without asking again: a new stylesheet has a new name. Text files are also kept gzipped.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        /// As in `Public/`: `cabildo.css`.
        let name: String
        /// `cabildo.<hash>.css`.
        let fingerprintedName: String
        let contentType: String
        let body: ByteBuffer
        /// Only when it is smaller than `body`.
        let gzipped: ByteBuffer?
        /// The hash, which names the contents; the gzipped body is another representation, so it has its own.
        let hash: String
    }

    /// Hex digits of the SHA-256 of a file in its fingerprinted name: 40 bits, so two versions
    /// of one file that share a name are out of reach in practice.
    static let hashLength = 10

    private static let hexDigits = Array("0123456789abcdef")

    private let byName: [String: Asset]
    private let byFingerprint: [String: Asset]

    init(_ assets: [Asset]) {
        byName = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        byFingerprint = Dictionary(assets.map { ($0.fingerprintedName, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every file directly in `directory` that is not hidden; none when the folder is missing, as
    /// a server run outside the project folder served none before.
    static func load(directory: String) throws -> StaticAssets {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let urls = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                                 options: [.skipsHiddenFiles])) ?? []
        return StaticAssets(try urls.sorted { $0.lastPathComponent < $1.lastPathComponent }.compactMap { url in
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { return nil }
            return try asset(named: url.lastPathComponent, contents: [UInt8](Data(contentsOf: url)))
        })
    }

    static func asset(named name: String, contents: [UInt8]) throws -> Asset {
        let hash = String(SHA256.hash(data: contents).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]] }.prefix(hashLength))
        let type = contentType(of: name)
        let gzipped = compressible(type) ? try Gzip.compress(contents) : nil
        return Asset(name: name, fingerprintedName: fingerprinted(name, hash), contentType: type, body: ByteBuffer(bytes: contents),
                     gzipped: gzipped.flatMap { $0.count < contents.count ? ByteBuffer(bytes: $0) : nil }, hash: hash)
    }

    func asset(named name: String) -> Asset? { byName[name] }
    func asset(fingerprinted name: String) -> Asset? { byFingerprint[name] }

    /// The path pages link for a file of `Public/`: its fingerprinted name, or the plain one
    /// for a file that is not there.
    func path(of name: String) -> String {
        SiteURL.staticPrefix + (byName[name]?.fingerprintedName ?? name)
    }

    /// The file a name that looks fingerprinted (`cabildo.0123abcdef.css`) stands for, whatever
    /// its hash: `cabildo.css`.
    static func unfingerprinted(_ name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, let hash = parts.dropLast().last, hash.count == hashLength,
              hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return (parts.dropLast(2) + [parts.last!]).joined(separator: ".")
    }

    /// `cabildo.css` → `cabildo.<hash>.css`; a name without an extension gets the hash at its end.
    private static func fingerprinted(_ name: String, _ hash: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name + "." + hash }
        return name[..<dot] + "." + hash + name[dot...]
    }

    private static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last?.lowercased() {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "txt": "text/plain; charset=utf-8"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }

    /// Images other than SVG and fonts are compressed already.
    private static func compressible(_ contentType: String) -> Bool {
        contentType.hasPrefix("text/") || contentType.hasPrefix("image/svg")
    }
}
