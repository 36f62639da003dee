import Logging
import NIOCore

/// Closes a new connection at once when its address already has its share open
/// (`ConnectionsPerAddress`), before anything is read from it; otherwise counts it until it closes.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let connections: ConnectionsPerAddress
    private let logger: Logger
    /// The key this connection is counted under, released exactly once.
    private var counted: String?
    private var decided = false

    init(connections: ConnectionsPerAddress, logger: Logger) {
        self.connections = connections
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, admit(context) == false { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        let admitted = admit(context)
        context.fireChannelActive()
        // After the rest of the pipeline has seen the channel open, so it sees it close in order.
        if admitted == false { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    /// nil when already decided for this channel.
    private func admit(_ context: ChannelHandlerContext) -> Bool? {
        guard !decided else { return nil }
        decided = true
        switch connections.open(peer: context.channel.remoteAddress?.ipAddress) {
        case .admitted(let key):
            counted = key
            return true
        case .refused(let key, let first):
            if first {
                // Like "rate limited": once per episode, not once per refused connection.
                logger.notice("too many connections from one address: closing new ones until some close",
                              metadata: ["client": "\(key)"])
            }
            return false
        }
    }

    private func release() {
        if let key = counted { connections.close(key) }
        counted = nil
    }
}
