import BackroomCore
import Synchronization

/// Everything the live views know about the server: recent requests, latency
/// distributions per route and overall, per-second series for the last 15
/// minutes, and a hub fanning new requests out to viewers.
///
/// Recording is a few microseconds under one lock; reading a snapshot merges
/// histograms outside the request path.
public final class Telemetry: Sendable {
    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    private struct RouteFigures {
        var count = 0
        var errors = 0
        var latency = LatencyDistribution()
        /// Requests per second over the last minute, in a ring by second number.
        var perSecond = [Int](repeating: 0, count: 60)
        var secondNumbers = [Int64](repeating: -1, count: 60)

        mutating func add(_ record: RequestRecord, second: Int64) {
            count += 1
            if record.isError { errors += 1 }
            latency.record(microseconds: record.latencyMicroseconds)
            let slot = Int(second % 60)
            if secondNumbers[slot] != second {
                secondNumbers[slot] = second
                perSecond[slot] = 0
            }
            perSecond[slot] += 1
        }

        /// Requests in the 60 seconds before `second`.
        func requests(before second: Int64) -> Int {
            var total = 0
            for slot in 0..<60 where secondNumbers[slot] >= second - 60 && secondNumbers[slot] < second {
                total += perSecond[slot]
            }
            return total
        }
    }

    private struct RouteEntry {
        let key: RouteKey
        var figures = RouteFigures()
    }

    private struct State {
        var nextID: UInt64 = 1
        var recent: BoundedRing<RequestRecord>
        var series = SecondSeries(seconds: 900)
        /// Routes by slot: a request names its slot, so recording hashes no strings.
        var routes: [RouteEntry] = []
        var routeSlots: [RouteKey: Int] = [:]
        var overall = LatencyDistribution()
        var total: UInt64 = 0

        mutating func slot(for key: RouteKey) -> Int {
            if let slot = routeSlots[key] { return slot }
            routes.append(RouteEntry(key: key))
            routeSlots[key] = routes.count - 1
            return routes.count - 1
        }
    }

    public let hub = TelemetryHub()
    private let state: Mutex<State>
    private let inFlightCount = Atomic<Int>(0)
    private let clock: any TimeSource

    public init(capacity: Int = 10_000, clock: any TimeSource = SystemTimeSource()) {
        state = Mutex(State(recent: BoundedRing(capacity: capacity)))
        self.clock = clock
    }

    // MARK: Recording

    public func requestStarted() { inFlightCount.add(1, ordering: .relaxed) }

    public func requestFinished() { inFlightCount.subtract(1, ordering: .relaxed) }

    public var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// The time on the telemetry's clock.
    public var now: Timestamp { clock.now() }

    /// The slot of a route's figures, for `record(_:routeSlot:)`: a server
    /// asks once per route and keeps the answer.
    public func routeSlot(method: String, route: String) -> Int {
        state.withLock { $0.slot(for: RouteKey(method: method, route: route)) }
    }

    /// Records a finished request; returns it with its sequence number.
    @discardableResult
    public func record(_ record: RequestRecord) -> RequestRecord {
        self.record(record, routeSlot: routeSlot(method: record.method, route: record.route))
    }

    /// Records a finished request of the route in `routeSlot` (from
    /// `routeSlot(method:route:)`); returns it with its sequence number.
    @discardableResult
    public func record(_ record: RequestRecord, routeSlot: Int) -> RequestRecord {
        var record = record
        let second = record.at.millisecondsSince1970 / 1000
        state.withLock { state in
            record.id = state.nextID
            state.nextID += 1
            state.total += 1
            state.recent.append(record)
            state.overall.record(microseconds: record.latencyMicroseconds)
            state.series.update(second) { slot in
                slot.requests += 1
                if record.isError { slot.errors += 1 }
                if record.isClientError { slot.clientErrors += 1 }
                slot.latency.record(microseconds: record.latencyMicroseconds)
            }
            state.routes[routeSlot].figures.add(record, second: second)
        }
        hub.publish(record)
        return record
    }

    /// An order was placed (for orders and revenue per minute).
    public func recordOrder(total: Money, at: Timestamp) {
        state.withLock { state in
            state.series.update(at.millisecondsSince1970 / 1000) { slot in
                slot.orders += 1
                slot.revenueMinorUnits += total.minorUnits
            }
        }
    }

    /// A checkout was refused because stock ran out.
    public func recordStockRefusal(at: Timestamp) {
        state.withLock { state in
            state.series.update(at.millisecondsSince1970 / 1000) { $0.refusedForStock += 1 }
        }
    }

    /// Write transactions committed in a second (sampled by whoever owns the store).
    public func recordWriteTransactions(_ count: Int, at: Timestamp) {
        state.withLock { state in
            state.series.update(at.millisecondsSince1970 / 1000) { $0.writeTransactions += count }
        }
    }

    // MARK: Reading

    /// Figures over the last `lengths` complete seconds, newest backwards.
    static func windowFigures(_ seconds: ArraySlice<SecondSeries.Second>, lengths: [Int]) -> [MetricsSnapshot.WindowFigures] {
        var results: [MetricsSnapshot.WindowFigures] = []
        var latency = LatencyDistribution()
        var requests = 0
        var errors = 0
        var orders = 0
        var revenue: Int64 = 0
        var refused = 0
        var counted = 0
        var remaining = lengths.sorted()
        for second in seconds.reversed() {
            guard !remaining.isEmpty else { break }
            latency.add(second.latency)
            requests += second.requests
            errors += second.errors
            orders += second.orders
            revenue += second.revenueMinorUnits
            refused += second.refusedForStock
            counted += 1
            while let next = remaining.first, counted == next {
                var figures = MetricsSnapshot.WindowFigures(
                    seconds: next, requests: requests, errors: errors, p50Microseconds: latency.percentile(50),
                    p90Microseconds: latency.percentile(90), p99Microseconds: latency.percentile(99), maxMicroseconds: latency.maximum,
                    orders: orders, revenueMinorUnits: revenue, refusedForStock: refused
                )
                figures.latencyBuckets = latency.buckets
                results.append(figures)
                remaining.removeFirst()
            }
        }
        return results
    }

    /// The newest `limit` requests, oldest first.
    public func recentRequests(limit: Int = 10_000) -> [RequestRecord] {
        state.withLock { $0.recent.suffix(limit) }
    }

    public var totalRequests: UInt64 { state.withLock { $0.total } }

    /// The figures of the last `windowSeconds` seconds (the current, partial
    /// second excluded from rates).
    public func snapshot(windowSeconds: Int = 300, droppedEvents: UInt64 = 0) -> MetricsSnapshot {
        let now = clock.now()
        let current = now.millisecondsSince1970 / 1000
        let window = max(1, min(windowSeconds, 900))
        let (seconds, routes, total) = state.withLock { state in
            (state.series.range(from: current - Int64(window), through: current), state.routes, state.total)
        }
        var snapshot = MetricsSnapshot.empty(at: now, windowSeconds: window)
        snapshot.totalRequests = total
        snapshot.inFlight = inFlight
        snapshot.droppedEvents = droppedEvents
        var latency = LatencyDistribution()
        var requests = 0
        var errors = 0
        var clientErrors = 0
        var orders = 0
        var revenue: Int64 = 0
        var refused = 0
        var writes = 0
        for second in seconds {
            latency.add(second.latency)
            requests += second.requests
            errors += second.errors
            clientErrors += second.clientErrors
            orders += second.orders
            revenue += second.revenueMinorUnits
            refused += second.refusedForStock
            writes += second.writeTransactions
            snapshot.points.append(MetricsSnapshot.Point(
                second: second.number, requests: second.requests, errors: second.errors,
                p50Microseconds: second.latency.percentile(50), p99Microseconds: second.latency.percentile(99),
                maxMicroseconds: second.latency.maximum, orders: second.orders,
                revenueMinorUnits: second.revenueMinorUnits, writeTransactions: second.writeTransactions
            ))
        }
        // Rates over the last five complete seconds: steady, yet current.
        let recent = seconds.dropLast().suffix(5)
        let recentSeconds = Double(max(1, recent.count))
        snapshot.requestsPerSecond = Double(recent.reduce(0) { $0 + $1.requests }) / recentSeconds
        snapshot.writeTransactionsPerSecond = Double(recent.reduce(0) { $0 + $1.writeTransactions }) / recentSeconds
        snapshot.errorRate = requests > 0 ? Double(errors) / Double(requests) : 0
        snapshot.clientErrorRate = requests > 0 ? Double(clientErrors) / Double(requests) : 0
        snapshot.p50Microseconds = latency.percentile(50)
        snapshot.p90Microseconds = latency.percentile(90)
        snapshot.p99Microseconds = latency.percentile(99)
        snapshot.maxMicroseconds = latency.maximum
        snapshot.latencyBuckets = latency.buckets
        let minutes = Double(window) / 60
        snapshot.ordersPerMinute = Double(orders) / minutes
        snapshot.revenuePerMinuteMinorUnits = Int64((Double(revenue) / minutes).rounded())
        snapshot.refusedForStock = refused
        snapshot.windows = Self.windowFigures(seconds.dropLast(), lengths: [60, 300, 900].filter { $0 <= window })
        snapshot.routes = routes.filter { $0.figures.count > 0 }.map { entry in
            let (key, figures) = (entry.key, entry.figures)
            let recentRequests = figures.requests(before: current)
            return MetricsSnapshot.Route(
                method: key.method, route: key.route, count: figures.count, errors: figures.errors,
                perSecond: Double(recentRequests) / 60, p50Microseconds: figures.latency.percentile(50),
                p99Microseconds: figures.latency.percentile(99)
            )
        }.sorted { ($0.count, $0.route) > ($1.count, $1.route) }
        return snapshot
    }
}
