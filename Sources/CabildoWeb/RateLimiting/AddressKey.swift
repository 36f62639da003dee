import Foundation

/// What a per-address limit keys on. An IPv4 address is one key. An IPv6 client usually
/// holds a whole /64 (one home or phone gets 2^64 addresses), so it is keyed by its /64, and
/// its /48 (one site) also gets an aggregate bucket with a larger limit: rotating addresses,
/// or subnets within one allocation, gains nothing.
struct AddressKey: Equatable {
    /// The address, or its /64 for IPv6.
    let key: String
    /// The /48 around an IPv6 address; nil for IPv4.
    let network: String?

    init(_ address: String) {
        guard let bytes = AddressRanges.bytes(of: address), bytes.count == 16 else {
            key = address
            network = nil
            return
        }
        // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is that IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            key = bytes[12...].map(String.init).joined(separator: ".")
            network = nil
            return
        }
        key = Self.prefix(bytes, groups: 4) + "::/64"
        network = Self.prefix(bytes, groups: 3) + "::/48"
    }

    /// The first `groups` 16-bit groups in hex, joined by colons.
    private static func prefix(_ bytes: [UInt8], groups: Int) -> String {
        (0..<groups).map { String(UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
