import BackroomCore
import CoreMetrics
import Prometheus

/// The delivery worker's figures: attempts by outcome, and the backlog
/// (pending, failed, age of the oldest pending delivery) as gauges.
public final class WebhookMetrics: Sendable {
    private let delivered: CoreMetrics.Counter
    private let failedAttempts: CoreMetrics.Counter
    private let gaveUp: CoreMetrics.Counter
    private let pending: CoreMetrics.Gauge
    private let failed: CoreMetrics.Gauge
    private let undistributed: CoreMetrics.Gauge
    private let oldestPendingAge: CoreMetrics.Gauge

    public init(_ metrics: ShopMetrics) {
        let factory = PrometheusMetricsFactory(registry: metrics.registry)
        delivered = CoreMetrics.Counter(label: "backroom_webhook_attempts_total", dimensions: [("outcome", "delivered")], factory: factory)
        failedAttempts = CoreMetrics.Counter(label: "backroom_webhook_attempts_total", dimensions: [("outcome", "failed")], factory: factory)
        gaveUp = CoreMetrics.Counter(label: "backroom_webhook_deliveries_given_up_total", factory: factory)
        pending = CoreMetrics.Gauge(label: "backroom_webhook_deliveries_pending", factory: factory)
        failed = CoreMetrics.Gauge(label: "backroom_webhook_deliveries_failed", factory: factory)
        undistributed = CoreMetrics.Gauge(label: "backroom_webhook_events_undistributed", factory: factory)
        oldestPendingAge = CoreMetrics.Gauge(label: "backroom_webhook_oldest_pending_seconds", factory: factory)
    }

    func attempted(_ outcome: DeliveryAttemptOutcome) {
        switch outcome {
        case .delivered: delivered.increment()
        case .failed(_, _, let retryAt):
            failedAttempts.increment()
            if retryAt == nil { gaveUp.increment() }
        }
    }

    func backlog(_ backlog: DeliveryBacklog) {
        pending.record(backlog.pending)
        failed.record(backlog.failed)
        undistributed.record(backlog.undistributedEvents)
        oldestPendingAge.record(Double(backlog.oldestPendingAgeMilliseconds ?? 0) / 1000)
    }
}
