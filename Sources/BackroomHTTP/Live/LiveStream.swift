import BackroomCore
import BackroomTelemetry
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// One Server-Sent Events stream for a live viewer: each request as an
/// `event: request`, and a `event: metrics` snapshot every second. A viewer
/// that cannot keep up is sampled (at most `maximumEventsPerSecond` request
/// events go out) and every snapshot says how many events it missed; the
/// server never waits for a slow viewer.
struct LiveStream {
    let telemetry: Telemetry
    let windowSeconds: Int
    let maximumEventsPerSecond: Int

    private static let tick = Duration.milliseconds(250)

    func run(into writer: inout any ResponseBodyWriter) async throws {
        let subscription = telemetry.hub.subscribe(capacity: 4096)
        let pending = PendingRecords(capacity: 8192)
        let consumer = Task {
            for await record in subscription.records { pending.append(record) }
        }
        defer {
            consumer.cancel()
            telemetry.hub.unsubscribe(subscription)
        }
        var sampledOut: UInt64 = 0
        try await writer.write(ByteBuffer(string: ": connected to Backroom live\nretry: 2000\n\n"))
        try await writer.write(metricsEvent(dropped: 0))
        let perTick = max(1, maximumEventsPerSecond / 4)
        var ticks = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try await Task.sleep(for: Self.tick)
            let (records, overflowed) = pending.take()
            sampledOut += overflowed
            let chosen = Self.sample(records, keeping: perTick)
            sampledOut += UInt64(records.count - chosen.count)
            if !chosen.isEmpty {
                var buffer = ByteBuffer()
                for record in chosen { Self.appendRequestEvent(record, to: &buffer) }
                try await writer.write(buffer)
            }
            ticks += 1
            if ticks % 4 == 0 {
                try await writer.write(metricsEvent(dropped: subscription.dropped + sampledOut))
            }
        }
    }

    /// Evenly spaced records, so a burst keeps its shape.
    static func sample(_ records: [RequestRecord], keeping limit: Int) -> [RequestRecord] {
        guard records.count > limit else { return records }
        let step = Double(records.count) / Double(limit)
        return (0..<limit).map { records[Int(Double($0) * step)] }
    }

    static func appendRequestEvent(_ record: RequestRecord, to buffer: inout ByteBuffer) {
        guard let data = try? JSONCoders.encoder.encode(record) else { return }
        buffer.writeString("event: request\nid: \(record.id)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
    }

    private func metricsEvent(dropped: UInt64) -> ByteBuffer {
        var buffer = ByteBuffer()
        let snapshot = telemetry.snapshot(windowSeconds: windowSeconds, droppedEvents: dropped)
        guard let data = try? JSONCoders.encoder.encode(snapshot) else { return buffer }
        buffer.writeString("event: metrics\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}

/// Records waiting to be written, bounded; what overflows is counted.
final class PendingRecords: Sendable {
    private struct State {
        var records: [RequestRecord] = []
        var overflowed: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func append(_ record: RequestRecord) {
        state.withLock { state in
            if state.records.count < capacity {
                state.records.append(record)
            } else {
                state.overflowed += 1
            }
        }
    }

    func take() -> ([RequestRecord], UInt64) {
        state.withLock { state in
            defer { state = State() }
            return (state.records, state.overflowed)
        }
    }
}
