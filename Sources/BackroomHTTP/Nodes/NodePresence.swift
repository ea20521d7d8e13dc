import BackroomCore
import BackroomServices
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps this node's heartbeat in the store while it serves, so the
/// console (and `GET /api/v1/admin/nodes`) finds every live node. The URL
/// is known once the server listens (a `port: 0` gets its port then);
/// until then nothing is announced. A node that stops gracefully leaves at
/// once; one that is killed drops out of the list after the liveness window.
public struct NodePresence: Service {
    let nodes: NodeService
    let name: String
    let address: AnnouncedAddress
    let startedAt: Timestamp
    let interval: Duration
    let logger: Logger

    public init(nodes: NodeService, name: String, address: AnnouncedAddress, startedAt: Timestamp, interval: Duration, logger: Logger) {
        self.nodes = nodes
        self.name = name
        self.address = address
        self.startedAt = startedAt
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                // Until the server listens there is nothing to announce; the
                // first beat follows at once, so a node is listed as soon as it answers.
                guard let url = address.url else {
                    try? await Task.sleep(for: .milliseconds(20))
                    continue
                }
                do {
                    try await nodes.beat(NodeHeartbeat(
                        name: name, url: url, startedAt: startedAt, seenAt: startedAt, version: BackroomVersion.current
                    ))
                    if failing { logger.notice("node heartbeat recorded again") }
                    failing = false
                } catch {
                    // Once per outage: the store being away is logged by whoever needs it.
                    if !failing { logger.warning("cannot record this node's heartbeat", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
        // In a task of its own: the one running here may be cancelled, and
        // a cancelled task's query would not reach the store.
        await Task {
            do {
                try await nodes.leave(name)
            } catch {
                logger.warning("cannot remove this node's heartbeat", metadata: ["error": "\(error)"])
            }
        }.value
    }
}

/// The URL a node announces, filled in when its server starts listening.
public final class AnnouncedAddress: Sendable {
    private let value = Mutex<String?>(nil)

    public init(_ url: String? = nil) {
        value.withLock { $0 = url }
    }

    public var url: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
