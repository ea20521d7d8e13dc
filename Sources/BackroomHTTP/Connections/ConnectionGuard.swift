import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts open connections, in all and per client address, and closes a
/// new connection at once when either count is full. Also gives every
/// connection a header deadline: once a request's first byte arrives, its
/// headers must be complete within `headerTimeout` (against clients that
/// send a header a byte a minute to hold a connection forever). Idle
/// connections, with no request under way, are closed by the server's
/// idle timeout.
public final class ConnectionGuard: Sendable {
    public let limits: ConnectionLimits
    public let totalLimit: Int
    private struct Counts {
        var total = 0
        var perClient: [String: Int] = [:]
    }
    private let counts = Mutex(Counts())
    private let refusedCount = Atomic<Int>(0)

    public init(limits: ConnectionLimits, fileDescriptorLimit: Int) {
        self.limits = limits
        // Keep a reserve of descriptors for the store, its WAL, logs and
        // backups: a server that cannot open its own files is down.
        totalLimit = limits.total ?? max(64, fileDescriptorLimit - 256)
    }

    /// Connections open now.
    public var open: Int { counts.withLock { $0.total } }
    /// Connections closed at once because a limit was full.
    public var refused: Int { refusedCount.load(ordering: .relaxed) }

    func admit(_ address: String?) -> Bool {
        let admitted = counts.withLock { counts -> Bool in
            guard counts.total < totalLimit else { return false }
            if let address {
                let current = counts.perClient[address, default: 0]
                guard current < limits.perClient else { return false }
                counts.perClient[address] = current + 1
            }
            counts.total += 1
            return true
        }
        if !admitted { refusedCount.add(1, ordering: .relaxed) }
        return admitted
    }

    func release(_ address: String?) {
        counts.withLock { counts in
            counts.total -= 1
            guard let address, let current = counts.perClient[address] else { return }
            if current <= 1 {
                counts.perClient.removeValue(forKey: address)
            } else {
                counts.perClient[address] = current - 1
            }
        }
    }

    /// The handler for one connection's pipeline (after HTTP decoding).
    public func makeHandler() -> any RemovableChannelHandler {
        ConnectionGuardHandler(guard: self, headerTimeout: .milliseconds(Int64(limits.headerTimeoutSeconds * 1000)))
    }
}

/// Per connection: admission, and the header deadline. It sits after the
/// HTTP decoder (it sees request heads) and puts a small watcher before it
/// (to see the first raw byte of a request).
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connectionGuard: ConnectionGuard
    private let headerTimeout: TimeAmount
    private var address: String?
    private var isCounted = false
    private var awaitingHead = true
    private var deadline: Scheduled<Void>?

    init(guard connectionGuard: ConnectionGuard, headerTimeout: TimeAmount) {
        self.connectionGuard = connectionGuard
        self.headerTimeout = headerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        address = context.channel.remoteAddress?.ipAddress
        guard connectionGuard.admit(address) else {
            context.close(promise: nil)
            return
        }
        isCounted = true
        let watcher = RequestStartWatcher { [weak self] in self?.requestBytesArrived(context) }
        try? context.pipeline.syncOperations.addHandler(watcher, position: .first)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if isCounted {
            isCounted = false
            connectionGuard.release(address)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if isCounted {
            isCounted = false
            connectionGuard.release(address)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            awaitingHead = false
            deadline?.cancel()
            deadline = nil
        case .end:
            awaitingHead = true
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// The first byte of a request (or any byte while a head is awaited):
    /// the headers must now arrive in time.
    private func requestBytesArrived(_ context: ChannelHandlerContext) {
        guard awaitingHead, deadline == nil else { return }
        deadline = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: headerTimeout) {
            context.close(promise: nil)
        }
    }
}

/// Sees raw bytes before the HTTP decoder and reports that some arrived.
private final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let onBytes: () -> Void

    init(onBytes: @escaping () -> Void) {
        self.onBytes = onBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onBytes()
        context.fireChannelRead(data)
    }
}
