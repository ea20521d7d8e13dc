/// Somewhere events are sent: a URL, the types it wants, a signing secret.
public struct WebhookSubscription: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case active
        case disabled
    }

    public var id: Int64
    public var url: String
    public var events: EventSelection
    public var description: String
    public var status: Status
    /// Why it was disabled (by whom, or after failing for how long).
    public var disabledReason: String?
    /// The start of the current run of failed attempts; nil after a success.
    public var failingSince: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: Int64, url: String, events: EventSelection, description: String, status: Status, disabledReason: String?,
        failingSince: Timestamp?, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.status = status
        self.disabledReason = disabledReason
        self.failingSince = failingSince
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A new subscription as the store keeps it; the secret is stored, shown
/// to the admin once.
public struct WebhookDraft: Sendable, Hashable {
    public var url: String
    public var events: EventSelection
    public var description: String
    public var secret: String

    public init(url: String, events: EventSelection, description: String, secret: String) {
        self.url = url
        self.events = events
        self.description = description
        self.secret = secret
    }
}

public struct WebhookChanges: Sendable, Hashable {
    public var url: String?
    public var events: EventSelection?
    public var description: String?
    public var status: WebhookSubscription.Status?

    public init(url: String? = nil, events: EventSelection? = nil, description: String? = nil, status: WebhookSubscription.Status? = nil) {
        self.url = url
        self.events = events
        self.description = description
        self.status = status
    }
}

/// One event on its way to one subscription.
public struct WebhookDelivery: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending
        case delivered
        /// Retried for the whole retry period without success.
        case failed
    }

    public var id: Int64
    public var subscriptionID: Int64
    public var event: OutboxEvent
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastAttemptAt: Timestamp?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: Timestamp

    public init(
        id: Int64, subscriptionID: Int64, event: OutboxEvent, status: Status, attempts: Int, nextAttemptAt: Timestamp,
        lastAttemptAt: Timestamp?, lastStatusCode: Int?, lastError: String?, createdAt: Timestamp
    ) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.event = event
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// A delivery claimed for sending, with what sending needs.
public struct DueDelivery: Sendable, Hashable {
    public var delivery: WebhookDelivery
    public var url: String
    public var secret: String

    public init(delivery: WebhookDelivery, url: String, secret: String) {
        self.delivery = delivery
        self.url = url
        self.secret = secret
    }
}

/// How one attempt went.
public enum DeliveryAttemptOutcome: Sendable, Hashable {
    case delivered(statusCode: Int)
    /// Try again at `retryAt`, or give up when nil (the retry period is over).
    case failed(statusCode: Int?, error: String, retryAt: Timestamp?)
}

/// When to retry: exponential backoff with jitter, for a retry period, and
/// when a subscription that keeps failing is disabled.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var firstDelayMilliseconds: Int64
    public var maximumDelayMilliseconds: Int64
    /// How long a delivery is retried before it is marked failed.
    public var retryForMilliseconds: Int64
    /// A subscription whose every attempt failed for this long is disabled.
    public var disableAfterMilliseconds: Int64

    public init(
        firstDelayMilliseconds: Int64 = 10_000, maximumDelayMilliseconds: Int64 = 3_600_000,
        retryForMilliseconds: Int64 = 86_400_000, disableAfterMilliseconds: Int64 = 86_400_000
    ) {
        self.firstDelayMilliseconds = firstDelayMilliseconds
        self.maximumDelayMilliseconds = maximumDelayMilliseconds
        self.retryForMilliseconds = retryForMilliseconds
        self.disableAfterMilliseconds = disableAfterMilliseconds
    }

    /// The delay before attempt `attempts + 1`: doubling from the first
    /// delay up to the maximum, with "full jitter" over its upper half so
    /// that receivers coming back are not hit by every sender at once.
    /// `unit` is a random number in 0..<1.
    public func delay(afterAttempts attempts: Int, unit: Double) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 30)
        let base = min(maximumDelayMilliseconds, firstDelayMilliseconds.multipliedReportingOverflow(by: 1 << exponent).partialValue)
        let ceiling = base < 0 ? maximumDelayMilliseconds : base
        return ceiling / 2 + Int64(Double(ceiling / 2) * min(max(unit, 0), 0.999_999))
    }

    /// The outcome of a failed attempt made at `now` on a delivery created at `createdAt`.
    public func afterFailure(attempts: Int, createdAt: Timestamp, now: Timestamp, unit: Double) -> Timestamp? {
        let next = now.millisecondsSince1970 + delay(afterAttempts: attempts, unit: unit)
        guard next - createdAt.millisecondsSince1970 <= retryForMilliseconds else { return nil }
        return Timestamp(millisecondsSince1970: next)
    }
}

/// Which deliveries a list shows.
public struct DeliveryFilter: Sendable, Hashable {
    public var subscription: Int64?
    public var status: WebhookDelivery.Status?
    /// Part of the event type or the resource (`order.paid`, `BR-000042`).
    public var text: String?

    public init(subscription: Int64? = nil, status: WebhookDelivery.Status? = nil, text: String? = nil) {
        self.subscription = subscription
        self.status = status
        self.text = text
    }
}

/// What the delivery worker has left, for metrics and the console.
public struct DeliveryBacklog: Sendable, Hashable {
    public var pending: Int
    public var failed: Int
    /// Events no subscription has been offered yet.
    public var undistributedEvents: Int
    public var oldestPendingAgeMilliseconds: Int64?

    public init(pending: Int, failed: Int, undistributedEvents: Int, oldestPendingAgeMilliseconds: Int64?) {
        self.pending = pending
        self.failed = failed
        self.undistributedEvents = undistributedEvents
        self.oldestPendingAgeMilliseconds = oldestPendingAgeMilliseconds
    }
}
