import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How long a connection may take, and how many may be open. Without these a client that opens
/// connections and sends nothing, half a header or a trickled body holds them forever: no request
/// ever completes, so no rate limit sees it, and a thousand of them use up the open-file limit.
public struct ConnectionLimits: Sendable {
    /// Seconds a connection may send nothing between requests (Hummingbird's own idle timeout; it
    /// also runs from the opening, where the header timeout is usually the shorter).
    public var idleTimeout = 30
    /// Seconds from a new connection, or from the first byte of a later request, until the request's
    /// head is complete: a slowly sent header (slowloris).
    public var headerTimeout = 10
    /// Seconds from a request's head until its body is complete: a trickled body.
    public var bodyTimeout = 30
    /// Connections open at once from one address (an IPv6 /64); more are closed at once.
    public var perAddress = 64
    /// Connections open at once in all; beyond it the server stops accepting and new connections wait
    /// in the kernel's backlog, so the process never runs out of file descriptors.
    public var total = ConnectionLimits.totalBelowFileLimit()
    /// Peers without a per-address cap, besides the trusted proxies: a reverse proxy on the same
    /// machine carries every visitor, and capping it at one visitor's share would break the site
    /// whenever `CABILDO_TRUSTED_PROXIES` was forgotten. Nobody reaches loopback from the network.
    var uncappedPeers = AddressRanges(parsing: ["127.0.0.1", "::1"])!

    public init() {}

    /// Descriptors kept for everything that is not a connection: the database and its -wal and -shm
    /// for each pooled reader, the listening socket, logs, templates, the mail relay.
    static let reservedFiles = 128

    /// The soft open-file limit, less what the server needs besides connections.
    static func totalBelowFileLimit() -> Int {
        var limit = rlimit()
        // RLIM_INFINITY is all ones, which Swift imports badly.
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return 1_000_000 }
        return max(16, min(Int(clamping: limit.rlim_cur) - reservedFiles, 1_000_000))
    }
}
