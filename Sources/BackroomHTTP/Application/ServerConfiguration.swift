import BackroomCore
import BackroomServices
import Foundation

/// How the API server runs. Every figure is a setting (`docs/OPERATIONS.md`).
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies above this many bytes are refused with 413.
    public var bodyLimit: Int
    /// Per client address, over all routes.
    public var requestsPerSecondPerClient: Double
    public var requestBurstPerClient: Double
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed.
    /// From anyone else those headers are ignored.
    public var trustedProxies: [AddressRange]
    /// Whether loopback clients (the console, the demo, local benchmarks)
    /// skip every per-client limit. Off by default once proxies are
    /// trusted: behind a local proxy every client would look like loopback.
    public var exemptLoopback: Bool
    /// Who may read `/metrics` and `/openapi.yaml`; empty allows everyone.
    public var operationsAllowlist: [AddressRange]
    public var connections: ConnectionLimits
    /// Live-stream viewers at once; more are answered 503.
    public var maximumLiveSubscribers: Int
    public var holdSweepInterval: Duration
    public var revisionPollInterval: Duration
    /// How often payment attempts whose caller went away are settled.
    public var paymentRecoveryInterval: Duration
    /// Recording into the live telemetry (off only to measure its cost).
    public var telemetryEnabled: Bool
    /// The webhook delivery worker.
    public var webhooks: WebhookSettings
    public var serverName: String
    /// This node's name among the nodes sharing the store (`--node-name`);
    /// nil for `host:port`.
    public var nodeName: String?
    /// Where the other nodes' console reaches this node (`node.url`); nil
    /// for `http://` + the address it listens on (the host name when it
    /// listens on every interface).
    public var advertisedURL: String?
    /// How often the node tells the store it is alive.
    public var heartbeatInterval: Duration = NodeService.heartbeatInterval

    /// The name this node goes by.
    public var resolvedNodeName: String {
        nodeName ?? NodeName.defaultName(hostName: ProcessInfo.processInfo.hostName, port: port)
    }

    /// The URL this node announces once it listens on `port`.
    public func announcedURL(listeningOn port: Int) -> String {
        if let advertisedURL { return advertisedURL }
        let everywhere = ["0.0.0.0", "::", "[::]", ""].contains(host)
        var shown = everywhere ? ProcessInfo.processInfo.hostName : host
        if shown.contains(":") && !shown.hasPrefix("[") { shown = "[\(shown)]" }
        return "http://\(shown):\(port)"
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = ServerLimits.defaultBodyLimit,
        requestsPerSecondPerClient: Double = 200, requestBurstPerClient: Double = 400,
        trustedProxies: [AddressRange] = [], exemptLoopback: Bool? = nil, operationsAllowlist: [AddressRange] = [],
        connections: ConnectionLimits = ConnectionLimits(), maximumLiveSubscribers: Int = 16,
        holdSweepInterval: Duration = .seconds(5), revisionPollInterval: Duration = .milliseconds(500),
        paymentRecoveryInterval: Duration = .seconds(10), telemetryEnabled: Bool = true, serverName: String = "Backroom",
        webhooks: WebhookSettings = WebhookSettings()
    ) {
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.requestsPerSecondPerClient = requestsPerSecondPerClient
        self.requestBurstPerClient = requestBurstPerClient
        self.trustedProxies = trustedProxies
        self.exemptLoopback = exemptLoopback ?? trustedProxies.isEmpty
        self.operationsAllowlist = operationsAllowlist
        self.connections = connections
        self.maximumLiveSubscribers = maximumLiveSubscribers
        self.holdSweepInterval = holdSweepInterval
        self.revisionPollInterval = revisionPollInterval
        self.paymentRecoveryInterval = paymentRecoveryInterval
        self.telemetryEnabled = telemetryEnabled
        self.serverName = serverName
        self.webhooks = webhooks
    }
}

/// Limits on connections, against clients that open many and send little.
public struct ConnectionLimits: Sendable, Hashable {
    /// A connection with no request in progress is closed after this long.
    public var idleTimeoutSeconds: Double
    /// A request's headers must arrive within this long of the connection
    /// (or of the previous response); against slowloris.
    public var headerTimeoutSeconds: Double
    /// Open connections per client address; more are closed at once.
    public var perClient: Int
    /// Open connections in all; nil for the file-descriptor limit less a
    /// reserve for the store and the logs.
    public var total: Int?

    public init(idleTimeoutSeconds: Double = 60, headerTimeoutSeconds: Double = 10, perClient: Int = 256, total: Int? = nil) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.perClient = perClient
        self.total = total
    }
}
