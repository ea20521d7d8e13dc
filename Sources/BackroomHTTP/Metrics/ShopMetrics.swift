import BackroomCore
import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// Backroom's Prometheus metrics, made through swift-metrics with an
/// explicit factory (so tests and several servers in one process never touch
/// the global `MetricsSystem`). Handles are cached: creating one per request
/// would cost a registry lookup each time (a route's are in `RouteMetrics`,
/// kept per route by `RequestInstruments`).
public final class ShopMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let reasonCounters = Mutex<[MovementReason: Metrics.Counter]>([:])
    private let inFlightGauge: Meter
    private let ordersPlaced: Metrics.Counter
    private let refusedForStock: Metrics.Counter
    private let limitCounters = Mutex<[String: Metrics.Counter]>([:])
    private let backupAge: Metrics.Gauge
    private let backupLastSuccess: Metrics.Gauge
    private let backupSize: Metrics.Gauge
    private let lastBackup = Mutex<Timestamp?>(nil)
    private let liveSubscriberGauge: Metrics.Gauge

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
        backupAge = Metrics.Gauge(label: "backroom_backup_age_seconds", factory: factory)
        backupLastSuccess = Metrics.Gauge(label: "backroom_backup_last_success_timestamp_seconds", factory: factory)
        backupSize = Metrics.Gauge(label: "backroom_backup_size_bytes", factory: factory)
        liveSubscriberGauge = Metrics.Gauge(label: "backroom_live_subscribers", factory: factory)
    }

    /// `backroom_node_info{node, version} 1`: which node this is, to join
    /// its series by (Prometheus adds its own `instance` label to each; a
    /// `node` label on every series would grow every scrape for nothing).
    public func identify(node: String, version: String) {
        Metrics.Gauge(label: "backroom_node_info", dimensions: [("node", node), ("version", version)], factory: factory).record(1)
    }

    /// A request refused by an abuse limit (`limit` is its setting name).
    public func refusedByLimit(_ limit: String) {
        let counter = limitCounters.withLock { counters in
            if let counter = counters[limit] { return counter }
            let counter = Metrics.Counter(label: "backroom_limit_refusals_total", dimensions: [("limit", limit)], factory: factory)
            counters[limit] = counter
            return counter
        }
        counter.increment()
    }

    /// A backup finished and verified.
    public func backupSucceeded(at time: Timestamp, bytes: Int64) {
        lastBackup.withLock { $0 = time }
        backupLastSuccess.record(Double(time.millisecondsSince1970) / 1000)
        backupSize.record(Double(bytes))
    }

    public func liveSubscribers(_ count: Int) {
        liveSubscriberGauge.record(Double(count))
    }

    /// Gauges that depend on the time of the scrape. Without a backup yet
    /// the age stays -1, which alert rules read as "never".
    public func refreshGauges(at now: Timestamp) {
        if let last = lastBackup.withLock({ $0 }) {
            backupAge.record(Double(now.millisecondsSince1970 - last.millisecondsSince1970) / 1000)
        } else {
            backupAge.record(-1)
        }
    }

    public func requestStarted() { inFlightGauge.increment() }

    /// A route's request counters and duration histogram; ask once per
    /// route and keep it (`RequestInstruments` does).
    public func route(method: String, route: String) -> RouteMetrics {
        RouteMetrics(method: method, route: route, factory: factory, inFlight: inFlightGauge)
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

/// The Prometheus series of one route: requests by status and durations.
/// A route answers with few distinct statuses, so they sit in a short list
/// searched in order instead of a dictionary keyed by strings.
public final class RouteMetrics: Sendable {
    private let method: String
    private let route: String
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let timer: Metrics.Timer
    private struct StatusCounter {
        let status: Int
        let counter: Metrics.Counter
    }

    private let counters = Mutex<[StatusCounter]>([])

    init(method: String, route: String, factory: PrometheusMetricsFactory, inFlight: Meter) {
        self.method = method
        self.route = route
        self.factory = factory
        self.inFlight = inFlight
        timer = Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
    }

    public func finished(status: Int, nanoseconds: Int64) {
        inFlight.decrement()
        counter(for: status).increment()
        timer.recordNanoseconds(nanoseconds)
    }

    private func counter(for status: Int) -> Metrics.Counter {
        counters.withLock { counters in
            for entry in counters where entry.status == status { return entry.counter }
            let counter = Metrics.Counter(
                label: "http_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: factory
            )
            counters.append(StatusCounter(status: status, counter: counter))
            return counter
        }
    }
}
