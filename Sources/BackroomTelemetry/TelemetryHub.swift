import Synchronization

/// Fans request records out to live viewers. Each subscriber has its own
/// bounded buffer: a viewer that falls behind loses its oldest unseen
/// events (and is told how many), never slows the server down.
public final class TelemetryHub: Sendable {
    public final class Subscription: Sendable {
        public let records: AsyncStream<RequestRecord>
        fileprivate let continuation: AsyncStream<RequestRecord>.Continuation
        private let droppedCount = Atomic<UInt64>(0)

        fileprivate init(capacity: Int) {
            (records, continuation) = AsyncStream.makeStream(of: RequestRecord.self, bufferingPolicy: .bufferingNewest(capacity))
        }

        /// Events this subscriber missed because its buffer was full.
        public var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

        fileprivate func deliver(_ record: RequestRecord) {
            if case .dropped = continuation.yield(record) {
                droppedCount.add(1, ordering: .relaxed)
            }
        }
    }

    private let subscribers = Mutex<[ObjectIdentifier: Subscription]>([:])
    private let hasSubscribers = Atomic<Bool>(false)

    public init() {}

    /// A new subscription; it ends when `unsubscribe` is called.
    public func subscribe(capacity: Int = 4096) -> Subscription {
        let subscription = Subscription(capacity: capacity)
        subscribers.withLock { $0[ObjectIdentifier(subscription)] = subscription }
        hasSubscribers.store(true, ordering: .relaxed)
        return subscription
    }

    public func unsubscribe(_ subscription: Subscription) {
        let remaining = subscribers.withLock { all -> Int in
            all.removeValue(forKey: ObjectIdentifier(subscription))
            return all.count
        }
        subscription.continuation.finish()
        hasSubscribers.store(remaining > 0, ordering: .relaxed)
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    func publish(_ record: RequestRecord) {
        // Without viewers, the request path pays one atomic load.
        guard hasSubscribers.load(ordering: .relaxed) else { return }
        let current = subscribers.withLock { Array($0.values) }
        for subscription in current { subscription.deliver(record) }
    }
}
