/// One metrics snapshot for several API nodes, from each node's own:
/// counts and rates add up; latency percentiles come from the merged
/// distributions (`latencyBuckets`), never from averaging percentiles. A
/// snapshot without its distribution (from an older node) contributes its
/// own percentiles as a floor: the merged figure is at least that.
/// Per-second points and routes have no distributions of their own: their
/// latencies are the slowest node's.
public enum ClusterSnapshot {
    public static func merge(_ snapshots: [MetricsSnapshot]) -> MetricsSnapshot? {
        guard let first = snapshots.first else { return nil }
        guard snapshots.count > 1 else { return first }
        var merged = MetricsSnapshot.empty(at: snapshots.map(\.at).max() ?? first.at, windowSeconds: first.windowSeconds)
        var requests = 0
        var errors = 0.0
        var clientErrors = 0.0
        for snapshot in snapshots {
            merged.requestsPerSecond += snapshot.requestsPerSecond
            merged.inFlight += snapshot.inFlight
            merged.totalRequests += snapshot.totalRequests
            merged.ordersPerMinute += snapshot.ordersPerMinute
            merged.revenuePerMinuteMinorUnits += snapshot.revenuePerMinuteMinorUnits
            merged.refusedForStock += snapshot.refusedForStock
            merged.writeTransactionsPerSecond += snapshot.writeTransactionsPerSecond
            merged.droppedEvents += snapshot.droppedEvents
            let inWindow = snapshot.points.reduce(0) { $0 + $1.requests }
            requests += inWindow
            errors += snapshot.errorRate * Double(inWindow)
            clientErrors += snapshot.clientErrorRate * Double(inWindow)
        }
        merged.errorRate = requests > 0 ? errors / Double(requests) : 0
        merged.clientErrorRate = requests > 0 ? clientErrors / Double(requests) : 0
        let latency = mergedLatency(snapshots.map { ($0.latencyBuckets, ($0.p50Microseconds, $0.p90Microseconds, $0.p99Microseconds, $0.maxMicroseconds)) })
        (merged.p50Microseconds, merged.p90Microseconds, merged.p99Microseconds, merged.maxMicroseconds) = latency.figures
        merged.latencyBuckets = latency.buckets
        merged.points = mergedPoints(snapshots.map(\.points))
        merged.routes = mergedRoutes(snapshots.map(\.routes))
        merged.windows = mergedWindows(snapshots.map(\.windows))
        return merged
    }

    typealias Figures = (p50: UInt64, p90: UInt64, p99: UInt64, max: UInt64)

    /// The merged distribution's figures, raised to any figure a node sent
    /// without its distribution.
    static func mergedLatency(_ parts: [([[UInt64]]?, Figures)]) -> (figures: Figures, buckets: [[UInt64]]) {
        var distribution = LatencyDistribution()
        var floor: Figures = (0, 0, 0, 0)
        // Buckets carry their upper bound; the nodes' own maxima are exact.
        var maximum: UInt64 = 0
        for (buckets, figures) in parts {
            maximum = max(maximum, figures.max)
            if let buckets {
                distribution.add(LatencyDistribution(buckets: buckets))
            } else {
                floor = (max(floor.p50, figures.p50), max(floor.p90, figures.p90), max(floor.p99, figures.p99), figures.max)
            }
        }
        func at(_ percentile: Double, floor: UInt64) -> UInt64 { max(floor, min(distribution.percentile(percentile), maximum)) }
        let figures: Figures = (at(50, floor: floor.p50), at(90, floor: floor.p90), at(99, floor: floor.p99), maximum)
        return (figures, distribution.buckets)
    }

    static func mergedPoints(_ series: [[MetricsSnapshot.Point]]) -> [MetricsSnapshot.Point] {
        var bySecond: [Int64: MetricsSnapshot.Point] = [:]
        for points in series {
            for point in points {
                guard var merged = bySecond[point.second] else {
                    bySecond[point.second] = point
                    continue
                }
                merged.requests += point.requests
                merged.errors += point.errors
                merged.orders += point.orders
                merged.revenueMinorUnits += point.revenueMinorUnits
                merged.writeTransactions += point.writeTransactions
                merged.p50Microseconds = max(merged.p50Microseconds, point.p50Microseconds)
                merged.p99Microseconds = max(merged.p99Microseconds, point.p99Microseconds)
                merged.maxMicroseconds = max(merged.maxMicroseconds, point.maxMicroseconds)
                bySecond[point.second] = merged
            }
        }
        return bySecond.values.sorted { $0.second < $1.second }
    }

    static func mergedRoutes(_ lists: [[MetricsSnapshot.Route]]) -> [MetricsSnapshot.Route] {
        var byRoute: [String: MetricsSnapshot.Route] = [:]
        for routes in lists {
            for route in routes {
                let key = route.method + " " + route.route
                guard var merged = byRoute[key] else {
                    byRoute[key] = route
                    continue
                }
                merged.count += route.count
                merged.errors += route.errors
                merged.perSecond += route.perSecond
                merged.p50Microseconds = max(merged.p50Microseconds, route.p50Microseconds)
                merged.p99Microseconds = max(merged.p99Microseconds, route.p99Microseconds)
                byRoute[key] = merged
            }
        }
        return byRoute.values.sorted { ($0.count, $0.route) > ($1.count, $1.route) }
    }

    static func mergedWindows(_ lists: [[MetricsSnapshot.WindowFigures]]) -> [MetricsSnapshot.WindowFigures] {
        var bySeconds: [Int: [MetricsSnapshot.WindowFigures]] = [:]
        for windows in lists {
            for window in windows { bySeconds[window.seconds, default: []].append(window) }
        }
        return bySeconds.keys.sorted().map { seconds in
            let parts = bySeconds[seconds]!
            let latency = mergedLatency(parts.map { ($0.latencyBuckets, ($0.p50Microseconds, $0.p90Microseconds, $0.p99Microseconds, $0.maxMicroseconds)) })
            var merged = MetricsSnapshot.WindowFigures(
                seconds: seconds, requests: parts.reduce(0) { $0 + $1.requests }, errors: parts.reduce(0) { $0 + $1.errors },
                p50Microseconds: latency.figures.p50, p90Microseconds: latency.figures.p90, p99Microseconds: latency.figures.p99,
                maxMicroseconds: latency.figures.max, orders: parts.reduce(0) { $0 + $1.orders },
                revenueMinorUnits: parts.reduce(0) { $0 + $1.revenueMinorUnits }, refusedForStock: parts.reduce(0) { $0 + $1.refusedForStock }
            )
            merged.latencyBuckets = latency.buckets
            return merged
        }
    }
}
