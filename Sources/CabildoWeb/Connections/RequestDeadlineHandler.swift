import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head or body takes too long to arrive: what Hummingbird's
/// idle timeout does not cover. That timeout runs only while no request is open and is reset by
/// every decoded part, so a header sent a byte at a time, or a body a byte every few seconds,
/// would keep a connection (and a file descriptor) forever.
///
/// - head: from the connection opening, or from the first bytes of a later request, until its
///   head is decoded (as nginx's `client_header_timeout` and Go's `ReadHeaderTimeout`). Between
///   requests nothing is pending and the idle timeout applies instead.
/// - body: from the head until the request's end, however steadily the bytes come.
///
/// It sits after the HTTP decoder, so it sees decoded parts; a socket read that decoded no part
/// shows up only as `channelReadComplete`, which is how it learns that a next head has begun.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Deadline: String { case head, body }

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let logger: Logger
    private var started = false
    /// A head has arrived and its end has not.
    private var readingBody = false
    private var bodyDeadline = NIODeadline.distantFuture
    /// Requests whose response has not been written to the end.
    private var unanswered = 0
    /// Whether the current socket read decoded any part.
    private var decodedThisRead = false
    /// Bytes of a next head came while a response was still being written (pipelining).
    private var headBegunWhileAnswering = false
    private var armed: (deadline: Deadline, task: Scheduled<Void>)?

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount, logger: Logger) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decodedThisRead = true
        switch unwrapInboundIn(data) {
        case .head:
            disarm()
            readingBody = true
            unanswered += 1
            headBegunWhileAnswering = false
            bodyDeadline = .now() + bodyTimeout
        case .body:
            break
        case .end:
            readingBody = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if readingBody {
            // Armed only now, not at the head: a request whose end came in the same read (every
            // GET) never schedules a timer.
            if armed == nil { arm(.body, at: bodyDeadline, context) }
        } else if !decodedThisRead {
            // Bytes came and no part was decoded: the start of a head.
            if unanswered == 0 {
                if armed == nil { arm(.head, at: .now() + headTimeout, context) }
            } else {
                headBegunWhileAnswering = true
            }
        }
        decodedThisRead = false
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered -= 1
            if unanswered == 0, !readingBody, headBegunWhileAnswering, armed == nil {
                headBegunWhileAnswering = false
                arm(.head, at: .now() + headTimeout, context)
            }
        }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        arm(.head, at: .now() + headTimeout, context)
    }

    private func arm(_ deadline: Deadline, at time: NIODeadline, _ context: ChannelHandlerContext) {
        disarm()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { [self] in
            armed = nil
            logger.debug("request \(deadline.rawValue) too slow: closing the connection",
                         metadata: ["peer": "\(context.channel.remoteAddress?.ipAddress ?? "-")"])
            context.close(promise: nil)
        }
        armed = (deadline, task)
    }

    private func disarm() {
        armed?.task.cancel()
        armed = nil
    }
}
