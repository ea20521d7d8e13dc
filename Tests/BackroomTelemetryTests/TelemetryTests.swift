import BackroomCore
import BackroomTelemetry
import Testing

@Suite("Telemetry")
struct TelemetryTests {
    func record(_ telemetry: Telemetry, at: Timestamp, route: String = "/a", status: Int = 200, micros: UInt64 = 1000) {
        telemetry.record(RequestRecord(at: at, method: "GET", route: route, path: route, status: status, latencyMicroseconds: micros, bytes: 10, user: nil, requestID: "r"))
    }

    @Test("the ring buffer keeps the newest, in order, and never grows past its capacity")
    func ring() {
        var ring = BoundedRing<Int>(capacity: 3)
        for value in 1...7 { ring.append(value) }
        #expect(ring.elements == [5, 6, 7])
        #expect(ring.count == 3)
        #expect(ring.suffix(2) == [6, 7])
        let clock = ManualTimeSource()
        let telemetry = Telemetry(capacity: 100, clock: clock)
        for _ in 0..<250 { record(telemetry, at: clock.now()) }
        let recent = telemetry.recentRequests()
        #expect(recent.count == 100)
        #expect(recent.first?.id == 151 && recent.last?.id == 250)
        #expect(telemetry.totalRequests == 250)
    }

    @Test("a cluster's figures: counts summed, percentiles from the merged distributions, not averaged")
    func clusterMerge() throws {
        let clock = ManualTimeSource()
        let fast = Telemetry(clock: clock)
        let slow = Telemetry(clock: clock)
        let both = Telemetry(clock: clock)
        // Node A answers 1,990 requests in 1 ms; node B 11 in 500 ms. The
        // cluster's p99 is 1 ms: averaging the nodes' p99s would say 250 ms.
        for second in 0..<10 {
            let at = clock.now()
            for _ in 0..<199 {
                record(fast, at: at, micros: 1000)
                record(both, at: at, micros: 1000)
            }
            record(slow, at: at, micros: 500_000)
            record(both, at: at, micros: 500_000)
            if second == 9 { record(slow, at: at, status: 500, micros: 500_000) }
            if second == 9 { record(both, at: at, status: 500, micros: 500_000) }
            clock.advance(seconds: 1)
        }
        let merged = try #require(ClusterSnapshot.merge([fast.snapshot(windowSeconds: 60), slow.snapshot(windowSeconds: 60)]))
        let expected = both.snapshot(windowSeconds: 60)
        // Equal to the histograms' two significant digits.
        #expect(merged.p50Microseconds / 10 == expected.p50Microseconds / 10)
        #expect(merged.p99Microseconds / 10 == expected.p99Microseconds / 10)
        #expect(merged.p99Microseconds < 2_000, "p99 of the whole cluster: \(merged.p99Microseconds) µs")
        #expect(merged.maxMicroseconds == expected.maxMicroseconds)
        #expect(merged.totalRequests == 2_001)
        #expect(abs(merged.requestsPerSecond - expected.requestsPerSecond) < 0.001)
        #expect(abs(merged.errorRate - expected.errorRate) < 0.000_001)
        #expect(merged.points.map(\.requests) == expected.points.map(\.requests))
        let window = try #require(merged.windows.first { $0.seconds == 60 })
        let expectedWindow = try #require(expected.windows.first { $0.seconds == 60 })
        #expect(window.requests == expectedWindow.requests && window.p99Microseconds / 10 == expectedWindow.p99Microseconds / 10)
        #expect(merged.routes.first?.count == 2_001)
        // A node that sends no distribution raises the figures to its own.
        var old = slow.snapshot(windowSeconds: 60)
        old.latencyBuckets = nil
        let withOld = try #require(ClusterSnapshot.merge([fast.snapshot(windowSeconds: 60), old]))
        #expect(withOld.p99Microseconds == old.p99Microseconds)
        #expect(ClusterSnapshot.merge([]) == nil)
    }

    @Test("percentiles of known inputs")
    func percentiles() {
        var distribution = LatencyDistribution()
        for value in 1...1000 { distribution.record(microseconds: UInt64(value) * 10) }
        #expect(distribution.count == 1000)
        // Two significant digits: within 1% of the exact value.
        #expect(abs(Double(distribution.percentile(50)) - 5000) <= 50)
        #expect(abs(Double(distribution.percentile(99)) - 9900) <= 99)
        #expect(abs(Double(distribution.maximum) - 10_000) <= 100)
        #expect(LatencyDistribution().percentile(99) == 0)
    }

    @Test("per-second series roll over as the injected clock moves")
    func rollOver() {
        let clock = ManualTimeSource(Timestamp(millisecondsSince1970: 1_000_000_000))
        let telemetry = Telemetry(clock: clock)
        for second in 0..<10 {
            for _ in 0..<(second + 1) { record(telemetry, at: clock.now(), status: second == 9 ? 500 : 200) }
            clock.advance(seconds: 1)
        }
        let snapshot = telemetry.snapshot(windowSeconds: 60)
        #expect(snapshot.points.suffix(11).map(\.requests) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0])
        #expect(snapshot.requestsPerSecond == Double(6 + 7 + 8 + 9 + 10) / 5)
        #expect(snapshot.errorRate == 10.0 / 55.0)
        // Fifteen minutes later the old seconds have rolled out of the window.
        clock.advance(seconds: 901)
        let later = telemetry.snapshot(windowSeconds: 900)
        #expect(later.points.allSatisfy { $0.requests == 0 })
        #expect(later.totalRequests == 55)
    }

    @Test("routes are ranked by traffic with their own percentiles")
    func routes() {
        let clock = ManualTimeSource()
        let telemetry = Telemetry(clock: clock)
        for _ in 0..<30 { record(telemetry, at: clock.now(), route: "/fast", micros: 100) }
        for _ in 0..<10 { record(telemetry, at: clock.now(), route: "/slow", micros: 50_000) }
        let routes = telemetry.snapshot(windowSeconds: 60).routes
        #expect(routes.map(\.route) == ["/fast", "/slow"])
        #expect(routes[1].p99Microseconds >= 49_000)
    }

    @Test("a subscriber that falls behind loses its oldest events and is told how many")
    func slowSubscriber() async {
        let clock = ManualTimeSource()
        let telemetry = Telemetry(clock: clock)
        let subscription = telemetry.hub.subscribe(capacity: 10)
        for _ in 0..<25 { record(telemetry, at: clock.now()) }
        #expect(subscription.dropped == 15)
        telemetry.hub.unsubscribe(subscription)
        var received: [UInt64] = []
        for await record in subscription.records { received.append(record.id) }
        #expect(received == Array(16...25))
        #expect(telemetry.hub.subscriberCount == 0)
    }
}
