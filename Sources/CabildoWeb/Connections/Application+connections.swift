import CabildoCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP/1 server with every connection limit: Hummingbird's own where it has one (the idle
/// timeout, the cap on connections in all), our handlers for the rest (head and body deadlines,
/// the cap per address). Tests build their live servers here too, so they test what runs.
func makeApplication(
    router: HeadAsGet<Router<AppRequestContext>>,
    config: AppConfig,
    services: [any Service] = [],
    logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let limits = config.connections
    let perAddress = ConnectionsPerAddress(
        cap: limits.perAddress,
        uncapped: AddressRanges(limits.uncappedPeers.ranges + config.rateLimits.trustedProxies.ranges))
    let headTimeout = TimeAmount.seconds(Int64(limits.headerTimeout))
    let bodyTimeout = TimeAmount.seconds(Int64(limits.bodyTimeout))
    let server = HTTPServerBuilder.http1(configuration: .init(
        additionalChannelHandlers: [
            ConnectionCapHandler(connections: perAddress, logger: logger),
            RequestDeadlineHandler(headTimeout: headTimeout, bodyTimeout: bodyTimeout, logger: logger),
        ],
        idleTimeout: .seconds(Int64(limits.idleTimeout))))
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Cabildo",
                             availableConnectionsDelegate: MaximumAvailableConnections(limits.total, logger: logger)),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger)
}
