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
