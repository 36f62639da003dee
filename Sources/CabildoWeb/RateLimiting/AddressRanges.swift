import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A set of addresses or CIDR ranges: the reverse proxies whose `X-Forwarded-For` is believed,
/// or the clients allowed to read `/metrics`.
public struct AddressRanges: Sendable {
    struct Range: Sendable {
        let network: [UInt8]
        let prefix: Int
    }

    let ranges: [Range]

    init(_ ranges: [Range]) { self.ranges = ranges }

    /// "127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"; nil if any entry is not one of these.
    public init?(parsing entries: [String]) {
        var ranges: [Range] = []
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else { return nil }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...bytes.count * 8).contains(prefix) else { return nil }
            ranges.append(Range(network: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = Self.bytes(of: address) else { return false }
        return ranges.contains { range in
            guard range.network.count == bytes.count else { return false }
            let whole = range.prefix / 8, rest = range.prefix % 8
            if bytes[..<whole] != range.network[..<whole] { return false }
            guard rest > 0 else { return true }
            let mask = UInt8(0xFF) << (8 - rest)
            return bytes[whole] & mask == range.network[whole] & mask
        }
    }

    /// Read as trusted proxies, the client of a request: the socket peer, unless the peer is one; then
    /// the right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
    public func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !contains(hop) { return hop }
        return hops.first ?? peer
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address written as text.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
