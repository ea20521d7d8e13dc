/// How the API server runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies above this many bytes are refused with 413.
    public var bodyLimit: Int
    /// Per client address, over all routes.
    public var requestsPerSecondPerClient: Double
    public var requestBurstPerClient: Double
    /// Loopback clients (console, demo, local benchmarks) skip the request limit.
    public var exemptLoopbackFromRateLimit: Bool
    /// Login attempts: a burst, then one per this many seconds, per address and per account.
    public var loginBurst: Double
    public var loginRefillSeconds: Double
    public var holdSweepInterval: Duration
    public var revisionPollInterval: Duration
    /// Recording into the live telemetry (off only to measure its cost).
    public var telemetryEnabled: Bool
    public var serverName: String

    public init(
        host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = ServerLimits.defaultBodyLimit,
        requestsPerSecondPerClient: Double = 200, requestBurstPerClient: Double = 400, exemptLoopbackFromRateLimit: Bool = true,
        loginBurst: Double = 10, loginRefillSeconds: Double = 6,
        holdSweepInterval: Duration = .seconds(5), revisionPollInterval: Duration = .milliseconds(500),
        telemetryEnabled: Bool = true, serverName: String = "Backroom"
    ) {
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.requestsPerSecondPerClient = requestsPerSecondPerClient
        self.requestBurstPerClient = requestBurstPerClient
        self.exemptLoopbackFromRateLimit = exemptLoopbackFromRateLimit
        self.loginBurst = loginBurst
        self.loginRefillSeconds = loginRefillSeconds
        self.holdSweepInterval = holdSweepInterval
        self.revisionPollInterval = revisionPollInterval
        self.telemetryEnabled = telemetryEnabled
        self.serverName = serverName
    }
}
