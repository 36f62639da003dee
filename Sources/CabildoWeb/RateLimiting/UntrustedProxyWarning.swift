import Logging
import Synchronization

/// Behind a reverse proxy that `CABILDO_TRUSTED_PROXIES` does not name, every visitor arrives
/// from the proxy's address and shares its rate-limit buckets: one busy visitor locks everyone
/// out. An `X-Forwarded-For` from a loopback peer is the tell; said loudly, once, not per request.
final class UntrustedProxyWarning: Sendable {
    private let warned = Atomic<Bool>(false)
    private static let loopback = AddressRanges(parsing: ["127.0.0.0/8", "::1", "::ffff:127.0.0.0/104"])!

    /// Called for requests that carry `X-Forwarded-For`.
    func notice(peer: String, trustedProxies: AddressRanges, logger: Logger) {
        guard Self.loopback.contains(peer), !trustedProxies.contains(peer) else { return }
        guard warned.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        logger.warning(
            "X-Forwarded-For arrived from a local reverse proxy that is not trusted: every visitor shares its address and its rate limits; set CABILDO_TRUSTED_PROXIES (e.g. 127.0.0.1,::1)",
            metadata: ["peer": "\(peer)"])
    }
}
