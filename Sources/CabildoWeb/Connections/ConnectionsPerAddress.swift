import Synchronization

/// Open connections by client address, shared by every event loop. An address is the socket peer,
/// keyed as the rate limits key it (an IPv6 client by its /64, which one home or phone holds whole).
/// Trusted proxies and loopback are not capped: they carry many visitors (see `ConnectionLimits`).
final class ConnectionsPerAddress: Sendable {
    enum Admission: Equatable {
        /// Counted under this key until `close(_:)`; nil when the peer is not capped.
        case admitted(key: String?)
        /// Over the cap; `firstSinceBelow` is true once per time the address reaches it, for one log line.
        case refused(key: String, firstSinceBelow: Bool)
    }

    private struct Entry {
        var open = 0
        var refusalLogged = false
    }

    private let state = Mutex([String: Entry]())
    private let cap: Int
    private let uncapped: AddressRanges

    init(cap: Int, uncapped: AddressRanges) {
        self.cap = cap
        self.uncapped = uncapped
    }

    /// Decides on a new connection from `peer` (an IP address as text; nil for a Unix socket).
    func open(peer: String?) -> Admission {
        guard let peer else { return .admitted(key: nil) }
        let key = AddressKey(peer).key
        if uncapped.contains(peer) || uncapped.contains(key) { return .admitted(key: nil) }
        return state.withLock { entries in
            var entry = entries[key, default: Entry()]
            defer { entries[key] = entry }
            guard entry.open < cap else {
                let first = !entry.refusalLogged
                entry.refusalLogged = true
                return .refused(key: key, firstSinceBelow: first)
            }
            entry.open += 1
            return .admitted(key: key)
        }
    }

    /// A connection admitted under `key` has closed.
    func close(_ key: String) {
        state.withLock { entries in
            guard var entry = entries[key] else { return }
            entry.open -= 1
            // Forgotten at zero: the table holds only addresses with connections open.
            if entry.open <= 0 {
                entries[key] = nil
            } else {
                entry.refusalLogged = entry.refusalLogged && entry.open >= cap
                entries[key] = entry
            }
        }
    }

    /// Connections counted under `key` now (for tests).
    func openCount(_ key: String) -> Int { state.withLock { $0[key]?.open ?? 0 } }
}
