import BackroomCore
import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// Backroom's Prometheus metrics, made through swift-metrics with an
/// explicit factory (so tests and several servers in one process never touch
/// the global `MetricsSystem`). Handles are cached: creating one per request
/// would cost a registry lookup each time.
public final class ShopMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    private let requestCounters = Mutex<[RequestKey: Metrics.Counter]>([:])
    private let timers = Mutex<[RouteKey: Metrics.Timer]>([:])
    private let reasonCounters = Mutex<[MovementReason: Metrics.Counter]>([:])
    private let inFlightGauge: Meter
    private let ordersPlaced: Metrics.Counter
    private let refusedForStock: Metrics.Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
        inFlightGauge = Meter(label: "http_requests_in_flight", factory: factory)
        ordersPlaced = Metrics.Counter(label: "backroom_orders_placed_total", factory: factory)
        refusedForStock = Metrics.Counter(label: "backroom_checkouts_refused_stock_total", factory: factory)
    }

    public func requestStarted() { inFlightGauge.increment() }

    public func requestFinished(method: String, route: String, status: Int, nanoseconds: Int64) {
        inFlightGauge.decrement()
        let counterKey = RequestKey(method: method, route: route, status: status)
        let counter = requestCounters.withLock { counters in
            if let counter = counters[counterKey] { return counter }
            let counter = Metrics.Counter(
                label: "http_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: factory
            )
            counters[counterKey] = counter
            return counter
        }
        counter.increment()
        let timerKey = RouteKey(method: method, route: route)
        let timer = timers.withLock { timers in
            if let timer = timers[timerKey] { return timer }
            let timer = Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            timers[timerKey] = timer
            return timer
        }
        timer.recordNanoseconds(nanoseconds)
    }

    public func orderPlaced() { ordersPlaced.increment() }

    public func checkoutRefusedForStock() { refusedForStock.increment() }

    public func stockAdjusted(reason: MovementReason) {
        let counter = reasonCounters.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Metrics.Counter(label: "backroom_stock_adjustments_total", dimensions: [("reason", reason.rawValue)], factory: factory)
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
