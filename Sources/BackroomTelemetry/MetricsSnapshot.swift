import BackroomCore

/// What the metrics views show: headline rates, latency, a series per
/// second and the routes, over a window of the last 1, 5 or 15 minutes.
public struct MetricsSnapshot: Sendable, Hashable, Codable {
    public struct Point: Sendable, Hashable, Codable {
        public var second: Int64
        public var requests: Int
        public var errors: Int
        public var p50Microseconds: UInt64
        public var p99Microseconds: UInt64
        public var maxMicroseconds: UInt64
        public var orders: Int
        public var revenueMinorUnits: Int64
        public var writeTransactions: Int

        public init(second: Int64, requests: Int, errors: Int, p50Microseconds: UInt64, p99Microseconds: UInt64, maxMicroseconds: UInt64,
                    orders: Int, revenueMinorUnits: Int64, writeTransactions: Int) {
            self.second = second
            self.requests = requests
            self.errors = errors
            self.p50Microseconds = p50Microseconds
            self.p99Microseconds = p99Microseconds
            self.maxMicroseconds = maxMicroseconds
            self.orders = orders
            self.revenueMinorUnits = revenueMinorUnits
            self.writeTransactions = writeTransactions
        }
    }

    public struct Route: Sendable, Hashable, Codable {
        public var method: String
        public var route: String
        public var count: Int
        public var errors: Int
        public var perSecond: Double
        public var p50Microseconds: UInt64
        public var p99Microseconds: UInt64

        public init(method: String, route: String, count: Int, errors: Int, perSecond: Double, p50Microseconds: UInt64, p99Microseconds: UInt64) {
            self.method = method
            self.route = route
            self.count = count
            self.errors = errors
            self.perSecond = perSecond
            self.p50Microseconds = p50Microseconds
            self.p99Microseconds = p99Microseconds
        }
    }

    /// Totals and latency over the last 1, 5 and 15 minutes.
    public struct WindowFigures: Sendable, Hashable, Codable {
        public var seconds: Int
        public var requests: Int
        public var errors: Int
        public var p50Microseconds: UInt64
        public var p90Microseconds: UInt64
        public var p99Microseconds: UInt64
        public var maxMicroseconds: UInt64
        public var orders: Int
        public var revenueMinorUnits: Int64
        public var refusedForStock: Int
        /// The window's latency distribution (`LatencyDistribution.buckets`),
        /// so a console watching several nodes merges their percentiles.
        public var latencyBuckets: [[UInt64]]?

        public init(seconds: Int, requests: Int, errors: Int, p50Microseconds: UInt64, p90Microseconds: UInt64, p99Microseconds: UInt64,
                    maxMicroseconds: UInt64, orders: Int, revenueMinorUnits: Int64, refusedForStock: Int) {
            self.seconds = seconds
            self.requests = requests
            self.errors = errors
            self.p50Microseconds = p50Microseconds
            self.p90Microseconds = p90Microseconds
            self.p99Microseconds = p99Microseconds
            self.maxMicroseconds = maxMicroseconds
            self.orders = orders
            self.revenueMinorUnits = revenueMinorUnits
            self.refusedForStock = refusedForStock
        }
    }

    public var at: Timestamp
    public var windowSeconds: Int
    /// Requests per second over the last few seconds.
    public var requestsPerSecond: Double
    /// Share of responses in the window that were 5xx, 0–1.
    public var errorRate: Double
    /// Share of responses in the window that were 4xx, 0–1.
    public var clientErrorRate: Double
    public var inFlight: Int
    public var p50Microseconds: UInt64
    public var p90Microseconds: UInt64
    public var p99Microseconds: UInt64
    public var maxMicroseconds: UInt64
    public var totalRequests: UInt64
    public var points: [Point]
    public var routes: [Route]
    public var ordersPerMinute: Double
    public var revenuePerMinuteMinorUnits: Int64
    public var refusedForStock: Int
    public var writeTransactionsPerSecond: Double
    /// Events a live viewer did not receive because it fell behind.
    public var droppedEvents: UInt64
    public var windows: [WindowFigures] = []
    /// The API node the snapshot comes from (nil in the console's own process).
    public var node: String?
    /// The latency distribution of the whole window, for merging.
    public var latencyBuckets: [[UInt64]]?

    public static func empty(at: Timestamp, windowSeconds: Int) -> MetricsSnapshot {
        MetricsSnapshot(
            at: at, windowSeconds: windowSeconds, requestsPerSecond: 0, errorRate: 0, clientErrorRate: 0, inFlight: 0,
            p50Microseconds: 0, p90Microseconds: 0, p99Microseconds: 0, maxMicroseconds: 0, totalRequests: 0,
            points: [], routes: [], ordersPerMinute: 0, revenuePerMinuteMinorUnits: 0, refusedForStock: 0,
            writeTransactionsPerSecond: 0, droppedEvents: 0
        )
    }
}
