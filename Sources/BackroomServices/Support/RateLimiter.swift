import BackroomCore
import Synchronization

/// Token buckets by key (an IP address, an account): `capacity` requests at
/// once, refilled at `perSecond`. An empty bucket is `rate_limited` with the
/// seconds until the next token.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Int64
    }

    public let capacity: Double
    public let perSecond: Double
    private let clock: any TimeSource
    private let buckets = Mutex<[String: Bucket]>([:])
    private let maximumKeys: Int

    public init(capacity: Double, perSecond: Double, clock: any TimeSource = SystemTimeSource(), maximumKeys: Int = 100_000) {
        self.capacity = capacity
        self.perSecond = perSecond
        self.clock = clock
        self.maximumKeys = maximumKeys
    }

    /// Takes one token for `key`, or throws `rate_limited` with Retry-After.
    public func consume(_ key: String, what: String) throws(BackroomError) {
        let now = clock.now().millisecondsSince1970
        let waitSeconds = buckets.withLock { buckets -> Int? in
            if buckets.count >= maximumKeys, buckets[key] == nil {
                // Forget full buckets first: they carry no state worth keeping.
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
        if let waitSeconds {
            throw BackroomError(.rateLimited, "Too many \(what); try again in \(waitSeconds) s.", detail: .retryAfter(seconds: waitSeconds))
        }
    }
}
