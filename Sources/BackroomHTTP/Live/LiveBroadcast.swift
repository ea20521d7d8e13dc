import BackroomCore
import BackroomTelemetry
import Foundation
import NIOCore
import Synchronization

/// Fans the live stream out to its viewers. One task reads new requests
/// from the telemetry hub four times a second and encodes each one once;
/// every viewer gets the same bytes (sampled to its own rate), and a
/// metrics snapshot a second, encoded once per window. The request path
/// pays for one hub subscriber however many viewers there are.
///
/// At most `maximumSubscribers` watch at once (503 beyond). A viewer whose
/// connection cannot take its chunks as fast as they come is dropped after
/// `backlogChunks` unsent chunks (four seconds), not buffered without bound.
public final class LiveBroadcast: Sendable {
    public let maximumSubscribers: Int
    let backlogChunks: Int
    private let telemetry: Telemetry
    private let metrics: ShopMetrics?
    private let state = Mutex(State())
    private let tick: Duration
    /// The node every metrics snapshot names (a console watching several
    /// nodes tells their streams apart by it).
    private let node: String?

    private struct State {
        var subscribers: [Int: LiveSubscriber] = [:]
        var nextID = 0
        var task: Task<Void, Never>?
    }

    public init(telemetry: Telemetry, metrics: ShopMetrics? = nil, maximumSubscribers: Int = 16, backlogChunks: Int = 16, tick: Duration = .milliseconds(250), node: String? = nil) {
        self.node = node
        self.telemetry = telemetry
        self.metrics = metrics
        self.maximumSubscribers = maximumSubscribers
        self.backlogChunks = backlogChunks
        self.tick = tick
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    private var ticksPerSecond: Int {
        let milliseconds = tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000
        return Int(max(1, 1000 / max(1, milliseconds)))
    }

    /// A new viewer, or `unavailable` (503) when every place is taken.
    func subscribe(windowSeconds: Int, maximumEventsPerSecond: Int) throws(BackroomError) -> LiveSubscriber {
        let subscriber: LiveSubscriber? = state.withLock { state in
            guard state.subscribers.count < maximumSubscribers else { return nil }
            state.nextID += 1
            let subscriber = LiveSubscriber(
                id: state.nextID, windowSeconds: windowSeconds,
                perTick: max(1, maximumEventsPerSecond / ticksPerSecond),
                backlog: backlogChunks
            )
            state.subscribers[subscriber.id] = subscriber
            if state.task == nil { state.task = Task.detached { [self] in await self.broadcast() } }
            return subscriber
        }
        guard let subscriber else {
            throw BackroomError(
                .unavailable, "The live stream has \(maximumSubscribers) viewers already; try again later.",
                detail: .limit(.liveSubscribers, retryAfterSeconds: 10)
            )
        }
        metrics?.liveSubscribers(subscriberCount)
        return subscriber
    }

    func unsubscribe(_ subscriber: LiveSubscriber) {
        let task: Task<Void, Never>? = state.withLock { state in
            state.subscribers.removeValue(forKey: subscriber.id)
            guard state.subscribers.isEmpty else { return nil }
            defer { state.task = nil }
            return state.task
        }
        subscriber.finish()
        task?.cancel()
        metrics?.liveSubscribers(subscriberCount)
    }

    /// The first snapshot a new viewer gets, before the next broadcast.
    public func snapshotEvent(windowSeconds: Int) -> ByteBuffer {
        Self.metricsEvent(snapshot(windowSeconds: windowSeconds, droppedEvents: 0))
    }

    private func broadcast() async {
        let subscription = telemetry.hub.subscribe(capacity: 8192)
        let pending = PendingRecords(capacity: 8192)
        let consumer = Task { for await record in subscription.records { pending.append(record) } }
        defer {
            consumer.cancel()
            telemetry.hub.unsubscribe(subscription)
        }
        var ticks = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let (records, overflowed) = pending.take()
            let encoded = records.map(Self.requestEvent)
            let subscribers = state.withLock { Array($0.subscribers.values) }
            ticks += 1
            let isSecond = ticks % ticksPerSecond == 0
            var chunks: [Int: ByteBuffer] = [:]
            var snapshots: [SnapshotKey: ByteBuffer] = [:]
            for subscriber in subscribers {
                var chunk: ByteBuffer
                if encoded.count <= subscriber.perTick {
                    chunk = chunks[Int.max] ?? Self.joined(encoded)
                    chunks[Int.max] = chunk
                } else {
                    chunk = chunks[subscriber.perTick] ?? Self.joined(Self.sample(encoded, keeping: subscriber.perTick))
                    chunks[subscriber.perTick] = chunk
                    subscriber.noteSampledOut(encoded.count - subscriber.perTick)
                }
                subscriber.noteSampledOut(Int(overflowed))
                if isSecond {
                    let key = SnapshotKey(window: subscriber.windowSeconds, dropped: subscriber.missed)
                    let snapshot = snapshots[key] ?? Self.metricsEvent(snapshot(windowSeconds: key.window, droppedEvents: key.dropped))
                    snapshots[key] = snapshot
                    chunk = chunk.readableBytes == 0 ? snapshot : Self.joined([chunk, snapshot])
                }
                guard chunk.readableBytes > 0 || isSecond else { continue }
                if !subscriber.deliver(LiveChunk(bytes: chunk, endsSecond: isSecond)) {
                    unsubscribe(subscriber)
                }
            }
        }
    }

    private func snapshot(windowSeconds: Int, droppedEvents: UInt64) -> MetricsSnapshot {
        var snapshot = telemetry.snapshot(windowSeconds: windowSeconds, droppedEvents: droppedEvents)
        snapshot.node = node
        return snapshot
    }

    private struct SnapshotKey: Hashable {
        var window: Int
        var dropped: UInt64
    }

    static func requestEvent(_ record: RequestRecord) -> ByteBuffer {
        var buffer = ByteBuffer()
        guard let data = try? JSONCoders.encoder.encode(record) else { return buffer }
        buffer.writeString("event: request\nid: \(record.id)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    static func metricsEvent(_ snapshot: MetricsSnapshot) -> ByteBuffer {
        var buffer = ByteBuffer()
        guard let data = try? JSONCoders.encoder.encode(snapshot) else { return buffer }
        buffer.writeString("event: metrics\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    /// Evenly spaced events, so a burst keeps its shape.
    static func sample<Element>(_ items: [Element], keeping limit: Int) -> [Element] {
        guard items.count > limit else { return items }
        let step = Double(items.count) / Double(limit)
        return (0..<limit).map { items[Int(Double($0) * step)] }
    }

    private static func joined(_ buffers: [ByteBuffer]) -> ByteBuffer {
        guard buffers.count != 1 else { return buffers[0] }
        var result = ByteBuffer()
        result.reserveCapacity(buffers.reduce(0) { $0 + $1.readableBytes })
        for buffer in buffers { result.writeImmutableBuffer(buffer) }
        return result
    }
}

/// What one broadcast tick sends a viewer.
struct LiveChunk: Sendable {
    var bytes: ByteBuffer
    /// The tick that carries the second's metrics snapshot.
    var endsSecond: Bool
}

/// One viewer: its chunks, bounded, and what it missed.
final class LiveSubscriber: Sendable {
    let id: Int
    let windowSeconds: Int
    let perTick: Int
    let chunks: AsyncStream<LiveChunk>
    private let continuation: AsyncStream<LiveChunk>.Continuation
    private let missedCount = Atomic<UInt64>(0)
    private let droppedForSlowness = Atomic<Bool>(false)

    init(id: Int, windowSeconds: Int, perTick: Int, backlog: Int) {
        self.id = id
        self.windowSeconds = windowSeconds
        self.perTick = perTick
        (chunks, continuation) = AsyncStream.makeStream(of: LiveChunk.self, bufferingPolicy: .bufferingOldest(backlog))
    }

    /// Events sampled out or lost so far.
    var missed: UInt64 { missedCount.load(ordering: .relaxed) }

    /// Whether the viewer was dropped for not keeping up.
    var wasTooSlow: Bool { droppedForSlowness.load(ordering: .relaxed) }

    func noteSampledOut(_ count: Int) {
        if count > 0 { missedCount.add(UInt64(count), ordering: .relaxed) }
    }

    /// False when the viewer's backlog is full: it is too slow to keep.
    func deliver(_ chunk: LiveChunk) -> Bool {
        switch continuation.yield(chunk) {
        case .enqueued: return true
        case .dropped:
            droppedForSlowness.store(true, ordering: .relaxed)
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }

    func finish() {
        continuation.finish()
    }
}

/// Records waiting for the next tick, bounded; what overflows is counted.
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
