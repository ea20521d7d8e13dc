/// Domain events and their webhook deliveries.
public protocol EventStore: Sendable {
    /// Outbox events with ids above `afterID` (oldest first), optionally
    /// only those at or after `since`.
    func outboxEvents(afterID: Int64, since: Timestamp?, limit: Int) async throws -> [OutboxEvent]

    func createWebhook(_ draft: WebhookDraft, context: WriteContext) async throws -> WebhookSubscription

    func webhooks() async throws -> [WebhookSubscription]

    func webhook(_ id: Int64) async throws -> WebhookSubscription?

    /// `notFound` when there is no such subscription.
    func updateWebhook(_ id: Int64, _ changes: WebhookChanges, context: WriteContext) async throws -> WebhookSubscription

    func rotateWebhookSecret(_ id: Int64, to secret: String, context: WriteContext) async throws -> WebhookSubscription

    /// Deletes the subscription and its deliveries.
    func deleteWebhook(_ id: Int64, context: WriteContext) async throws

    /// A delivery of a test event to one subscription (also when disabled).
    func enqueueTestEvent(to id: Int64, context: WriteContext) async throws -> WebhookDelivery

    /// Turns new outbox events into deliveries for the active subscriptions
    /// that want them; returns how many deliveries it made.
    func fanOutEvents(now: Timestamp, limit: Int) async throws -> Int

    /// Claims up to `limit` deliveries that are due, the oldest pending one
    /// of each subscription and resource only (so one resource's events
    /// arrive in order), leasing each until `leaseUntil`.
    func claimDueDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [DueDelivery]

    /// Records an attempt; a subscription failing for longer than
    /// `disableAfterMilliseconds` is disabled (and audited).
    func recordDeliveryAttempt(_ deliveryID: Int64, outcome: DeliveryAttemptOutcome, at: Timestamp, disableAfterMilliseconds: Int64) async throws

    /// Deliveries (of every subscription, or the filter's), newest first.
    func webhookDeliveries(matching filter: DeliveryFilter, window: ListWindow) async throws -> Window<WebhookDelivery>

    func countWebhookDeliveries(matching filter: DeliveryFilter) async throws -> Int

    /// Makes a failed (or pending) delivery of the subscription due now.
    func retryDelivery(_ deliveryID: Int64, of subscriptionID: Int64, context: WriteContext) async throws -> WebhookDelivery

    /// New deliveries of the events at or after `since` to every active
    /// subscription that wants them (`only`: one subscription).
    func replayEvents(since: Timestamp, only: Int64?, context: WriteContext) async throws -> Int

    /// Deletes up to `limit` events older than `before` whose deliveries are
    /// all settled; returns how many.
    func pruneEvents(before: Timestamp, limit: Int) async throws -> Int

    /// Pending and failed deliveries, and the age of the oldest pending one.
    func deliveryBacklog(now: Timestamp) async throws -> DeliveryBacklog
}
