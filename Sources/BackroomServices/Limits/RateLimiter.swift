import BackroomCore
import Synchronization

/// Token buckets by key (a client address, an account): `capacity` at
/// once, refilled at `perSecond`. An empty bucket refuses with the seconds
/// until its next token. Keys are forgotten when the table grows past
/// `maximumKeys` (full buckets first), so memory stays bounded whatever
/// the number of clients.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Int64
    }

    public let capacity: Double
    public let perSecond: Double
    public let limit: AbuseLimit
    private let clock: any TimeSource
    private let buckets = Mutex<[String: Bucket]>([:])
    private let maximumKeys: Int

    public init(limit: AbuseLimit, capacity: Double, perSecond: Double, clock: any TimeSource = SystemTimeSource(), maximumKeys: Int = 100_000) {
        self.limit = limit
        self.capacity = max(1, capacity)
        self.perSecond = max(0.000_001, perSecond)
        self.clock = clock
        self.maximumKeys = maximumKeys
    }

    /// `count` per `seconds`, all of them available at once.
    public convenience init(limit: AbuseLimit, count: Int, per seconds: Double, clock: any TimeSource = SystemTimeSource()) {
        self.init(limit: limit, capacity: Double(count), perSecond: Double(count) / seconds, clock: clock)
    }

    /// Takes one token for `key`, or throws `rate_limited` naming the limit,
    /// with the seconds until the next token.
    public func consume(_ key: String, _ message: @autoclosure () -> String) throws(BackroomError) {
        if let waitSeconds = take(key) {
            throw .rateLimited(limit, "\(message()); try again in \(waitSeconds) s.", retryAfterSeconds: waitSeconds)
        }
    }

    /// Gives back a token taken for a request that turned out not to count
    /// (a login that succeeded).
    public func refund(_ key: String) {
        buckets.withLock { buckets in
            guard var bucket = buckets[key] else { return }
            bucket.tokens = min(capacity, bucket.tokens + 1)
            buckets[key] = bucket
        }
    }

    /// Seconds to wait, or nil when a token was taken.
    private func take(_ key: String) -> Int? {
        let now = clock.now().millisecondsSince1970
        return buckets.withLock { buckets -> Int? in
            if buckets.count >= maximumKeys, buckets[key] == nil {
                buckets = buckets.filter { $0.value.tokens < capacity }
                if buckets.count >= maximumKeys { buckets.removeAll() }
            }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedAt: now)
            let elapsed = Double(max(0, now - bucket.updatedAt)) / 1000
            bucket.tokens = min(capacity, bucket.tokens + elapsed * perSecond)
            bucket.updatedAt = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
