import BackroomCore
import BackroomTelemetry
import Foundation

/// What a load run did, as the client saw it.
public struct LoadReport: Sendable {
    public var requests = 0
    public var statuses: [Int: Int] = [:]
    /// Requests that got no HTTP answer (connection refused, timeout).
    public var transportErrors = 0
    public var latency = LatencyDistribution()
    public var ordersPlaced = 0
    public var ordersPaid = 0
    public var stockRefusals = 0
    public var seconds: Double = 0

    public init() {}

    public mutating func merge(_ other: LoadReport) {
        requests += other.requests
        for (status, count) in other.statuses { statuses[status, default: 0] += count }
        transportErrors += other.transportErrors
        latency.add(other.latency)
        ordersPlaced += other.ordersPlaced
        ordersPaid += other.ordersPaid
        stockRefusals += other.stockRefusals
    }

    public var throughput: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    /// One line, for a live progress display.
    public var summaryLine: String {
        String(format: "%d requests · %.0f/s · p50 %@ · p99 %@ · %d orders · %d refused for stock · %d errors",
               requests, throughput, Self.format(latency.percentile(50)), Self.format(latency.percentile(99)),
               ordersPlaced, stockRefusals, transportErrors + statuses.filter { $0.key >= 500 }.values.reduce(0, +))
    }

    /// The final report.
    public var text: String {
        var lines = [
            String(format: "requests      %d in %.1f s = %.0f/s", requests, seconds, throughput),
            "latency       p50 \(Self.format(latency.percentile(50))) · p90 \(Self.format(latency.percentile(90))) · p99 \(Self.format(latency.percentile(99))) · max \(Self.format(latency.maximum))",
            "statuses      " + statuses.keys.sorted().map { "\($0): \(statuses[$0]!)" }.joined(separator: " · "),
            "orders        \(ordersPlaced) placed, \(ordersPaid) paid",
            "stock         \(stockRefusals) checkouts refused for stock",
        ]
        if transportErrors > 0 { lines.append("no answer     \(transportErrors)") }
        return lines.joined(separator: "\n")
    }

    static func format(_ microseconds: UInt64) -> String {
        microseconds < 10_000 ? String(format: "%.1f ms", Double(microseconds) / 1000) : String(format: "%.0f ms", Double(microseconds) / 1000)
    }
}
