@testable import BackroomHTTP
import BackroomCore
import BackroomTelemetry
import Foundation
import NIOCore
import Testing

@Suite("Live stream fan-out")
struct LiveBroadcastTests {
    func record(_ telemetry: Telemetry, _ path: String) {
        telemetry.record(RequestRecord(
            at: telemetry.now, method: "GET", route: "/api/v1/products/{sku}", path: path, status: 200,
            latencyMicroseconds: 100, bytes: 10, user: nil, requestID: "r"
        ))
    }

    @Test("however many viewers, the request path feeds one hub subscriber, and every viewer gets the same bytes")
    func encodeOnce() async throws {
        let telemetry = Telemetry()
        let broadcast = LiveBroadcast(telemetry: telemetry, tick: .milliseconds(20))
        let viewers = try (0..<5).map { _ in try broadcast.subscribe(windowSeconds: 60, maximumEventsPerSecond: 1000) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(telemetry.hub.subscriberCount == 1)
        record(telemetry, "/api/v1/products/A")
        var chunks: [ByteBuffer] = []
        for viewer in viewers {
            for await chunk in viewer.chunks where String(buffer: chunk.bytes).contains("/api/v1/products/A") {
                chunks.append(chunk.bytes)
                break
            }
        }
        #expect(chunks.count == 5 && Set(chunks.map { String(buffer: $0) }).count == 1)
        viewers.forEach(broadcast.unsubscribe)
        try await Task.sleep(for: .milliseconds(50))
        #expect(telemetry.hub.subscriberCount == 0)
    }

    @Test("a viewer that does not keep up is dropped after its backlog, not buffered without bound")
    func slowViewer() async throws {
        let telemetry = Telemetry()
        let broadcast = LiveBroadcast(telemetry: telemetry, backlogChunks: 4, tick: .milliseconds(10))
        let slow = try broadcast.subscribe(windowSeconds: 60, maximumEventsPerSecond: 1000)
        // Generous: under the full suite the broadcast task may wait its
        // turn for seconds. The drop needs only four unread chunks.
        let deadline = ContinuousClock.now + .seconds(60)
        while broadcast.subscriberCount > 0 && ContinuousClock.now < deadline {
            record(telemetry, "/x")
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(broadcast.subscriberCount == 0)
        #expect(slow.wasTooSlow)
        // Ends the stream if the drop never came, so a failure is reported
        // instead of waiting here for ever.
        if broadcast.subscriberCount > 0 { broadcast.unsubscribe(slow) }
        var kept = 0
        for await _ in slow.chunks { kept += 1 }
        #expect(kept == 4)
    }

    @Test("more viewers than the cap: unavailable with Retry-After, naming the limit")
    func cap() throws {
        let broadcast = LiveBroadcast(telemetry: Telemetry(), maximumSubscribers: 1)
        let first = try broadcast.subscribe(windowSeconds: 60, maximumEventsPerSecond: 10)
        #expect {
            try broadcast.subscribe(windowSeconds: 60, maximumEventsPerSecond: 10)
        } throws: { error in
            (error as? BackroomError)?.code == .unavailable && (error as? BackroomError)?.retryAfterSeconds == 10
        }
        broadcast.unsubscribe(first)
        _ = try broadcast.subscribe(windowSeconds: 60, maximumEventsPerSecond: 10)
    }
}
