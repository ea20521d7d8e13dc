import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A webhook receiver on a loopback port, for tests: it records every
/// request and answers as told (200, an error status, or too late). It can
/// be stopped and started again on the same port (a receiver that is down).
///
/// Started without having been asked its address, it listens on a port the
/// system picks; asked first (a receiver that is down when the webhook is
/// made), it reserves a free port and listens there when started. Either
/// way `start()` returns only once this receiver listens: it never takes
/// another server on a reused port for itself (one did, in a suite run:
/// every delivery met that server's 404).
final class WebhookReceiver: @unchecked Sendable {
    struct Delivery: Sendable {
        var eventID: String
        var type: String
        var attempt: Int
        var signature: String
        var body: [UInt8]
        var at: ContinuousClock.Instant
        var answered: Int
    }

    enum Behaviour: Sendable {
        case accept
        case fail(Int)
        /// Answers 200, but only after this long (past the sender's timeout).
        case hang(Duration)
        /// Takes this long, then accepts (within the sender's timeout).
        case slow(Duration)
    }

    private let listening = Mutex<Int?>(nil)
    private let state = Mutex<(received: [Delivery], plan: [Behaviour], otherwise: Behaviour)>(([], [], .accept))
    private var group: ServiceGroup?
    private var task: Task<Void, any Error>?

    /// The port: the one it listens on, or (asked before it ever started)
    /// a free one it will listen on.
    var port: Int {
        listening.withLock { port in
            if let port { return port }
            let reserved = LiveServer.freePort()
            port = reserved
            return reserved
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// The next requests get these answers, in order; then `otherwise`.
    func plan(_ answers: [Behaviour], otherwise: Behaviour = .accept) {
        state.withLock { $0.plan = answers; $0.otherwise = otherwise }
    }

    var received: [Delivery] { state.withLock { $0.received } }

    /// Deliveries answered 2xx.
    var accepted: [Delivery] { received.filter { (200..<300).contains($0.answered) } }

    func start() async throws {
        let router = Router()
        router.post("/hook") { [self] request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let behaviour = state.withLock { state -> Behaviour in
                state.plan.isEmpty ? state.otherwise : state.plan.removeFirst()
            }
            var delivery = Delivery(
                eventID: request.headers[HTTPField.Name("Backroom-Event-Id")!] ?? "",
                type: request.headers[HTTPField.Name("Backroom-Event-Type")!] ?? "",
                attempt: Int(request.headers[HTTPField.Name("Backroom-Attempt")!] ?? "") ?? 0,
                signature: request.headers[HTTPField.Name("Backroom-Signature")!] ?? "",
                body: Array(body.readableBytesView), at: .now, answered: 200
            )
            switch behaviour {
            case .accept: break
            case .slow(let duration):
                try? await Task.sleep(for: duration)
            case .fail(let status): delivery.answered = status
            case .hang(let duration):
                delivery.answered = 599  // the sender gave up before the answer
                state.withLock { $0.received.append(delivery) }
                try? await Task.sleep(for: duration)
                return Response(status: .ok)
            }
            state.withLock { $0.received.append(delivery) }
            return Response(status: HTTPResponse.Status(code: delivery.answered))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let requested = listening.withLock { $0 } ?? 0
        let (running, runningContinuation) = AsyncStream<Int?>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: requested)),
            onServerRunning: { channel in runningContinuation.yield(channel.localAddress?.port) },
            logger: logger
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
        self.group = group
        // A port it cannot bind ends the run at once, and the stream with it.
        task = Task {
            defer { runningContinuation.finish() }
            try await group.run()
        }
        for await bound in running {
            guard let bound else { break }
            listening.withLock { $0 = bound }
            return
        }
        // It stopped without listening: say why.
        try await task?.value
        throw ReceiverError("the receiver could not listen on port \(requested) (taken by another server?)")
    }

    func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
        group = nil
        task = nil
    }

    /// Waits (bounded) until `condition` holds for what was received.
    func waitUntil(_ what: String, seconds: Double = 20, _ condition: ([Delivery]) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition(received) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ReceiverError("timed out waiting for \(what); received \(received.map { "\($0.type)#\($0.attempt)→\($0.answered)" })")
    }
}

struct ReceiverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
