import ServiceLifecycle

/// Lets the database go (PostgreSQL's connections) when the server stops. It is the first of the
/// application's services, so it is told to stop last: after the HTTP server has finished the
/// requests in flight, which still need the database.
struct StoreCloser: Service {
    let close: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
