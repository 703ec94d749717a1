import NIOCore

/// Added to every HTTP connection: counts it against the server's `AdmissionLimit`
/// and closes it at once when the server already holds the maximum (a flood of idle
/// sockets cannot exhaust file descriptors or memory).
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let limit: AdmissionLimit
    private var counted = false

    init(limit: AdmissionLimit) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = limit.enter()
        if !counted { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { limit.leave() }
        counted = false
    }
}
