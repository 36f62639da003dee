import NIOCore

/// Hands each reply to the one command waiting for it, on the channel's event loop. The client
/// sends one command at a time (no PIPELINING), so a reply nobody waits for is a server out of
/// step, or plaintext injected after STARTTLS's 220 (CVE-2011-0411's attack): the connection is
/// closed rather than let that reply answer the next command. The one exception is the greeting,
/// which may arrive before the client asks for it: it is kept for the first exchange. A reply
/// that does not come within the timeout closes the connection too.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply

    private var context: ChannelHandlerContext?
    private var waiting: EventLoopPromise<SMTPReply>?
    private var timer: Scheduled<Void>?
    /// Why the connection ended, for a command that comes after.
    private var failure: SMTPFailure?
    /// The server's greeting, if it came before the first exchange asked for it.
    private var earlyGreeting: SMTPReply?
    private var exchanged = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `bytes` (if any) and waits for the next reply. Call on the event loop.
    func exchange(_ bytes: ByteBuffer?, timeout: TimeAmount, promise: EventLoopPromise<SMTPReply>) {
        guard let context, failure == nil else {
            promise.fail(failure ?? SMTPFailure(.transient, "connection closed"))
            return
        }
        precondition(waiting == nil, "one SMTP command at a time")
        exchanged = true
        if bytes == nil, let greeting = earlyGreeting {
            earlyGreeting = nil
            promise.succeed(greeting)
            return
        }
        waiting = promise
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.fail(SMTPFailure(.transient, "no reply within \(timeout.nanoseconds / 1_000_000_000) s"))
        }
        if let bytes { context.writeAndFlush(NIOAny(bytes), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let waiting else {
            if !exchanged, earlyGreeting == nil {
                earlyGreeting = reply
            } else {
                fail(SMTPFailure(.transient, "a reply nobody asked for (\(reply.code))"))
            }
            return
        }
        self.waiting = nil
        timer?.cancel()
        waiting.succeed(reply)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error as? SMTPFailure ?? SMTPFailure(.transient, "\(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPFailure(.transient, "connection closed by the server"))
        context.fireChannelInactive()
    }

    private func fail(_ error: SMTPFailure) {
        if failure == nil { failure = error }
        timer?.cancel()
        if let waiting {
            self.waiting = nil
            waiting.fail(failure!)
        }
        context?.close(promise: nil)
    }
}
