import BackroomCore
import Foundation

/// The admin's use cases for webhooks: subscriptions (the secret shown once),
/// test events, deliveries, retries and replays. Sending is the delivery
/// worker's job (`WebhookDispatcher` in BackroomHTTP).
public struct WebhookService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    public let targets: WebhookTargetPolicy

    init(store: any ShopStore, clock: any TimeSource, targets: WebhookTargetPolicy) {
        self.store = store
        self.clock = clock
        self.targets = targets
    }

    /// A new subscription and its signing secret (shown this once).
    public func create(url: String, events: [String], description: String?, by principal: Principal) async throws -> (WebhookSubscription, secret: String) {
        try principal.require(.manageWebhooks)
        let selection = try EventSelection(events)
        let checked = try await targets.check(url)
        let text = try TextRules.optionalLine(description, field: "description", label: "description", maximum: 200) ?? ""
        let secret = WebhookSignature.newSecret()
        let created = try await store.createWebhook(
            WebhookDraft(url: checked.absoluteString, events: selection, description: text, secret: secret), context: context(principal)
        )
        return (created, secret)
    }

    public func list(by principal: Principal) async throws -> [WebhookSubscription] {
        try principal.require(.manageWebhooks)
        return try await store.webhooks()
    }

    public func subscription(_ id: Int64, by principal: Principal) async throws -> WebhookSubscription {
        try principal.require(.manageWebhooks)
        guard let found = try await store.webhook(id) else { throw BackroomError.notFound("No webhook subscription \(id).") }
        return found
    }

    public func update(
        _ id: Int64, url: String? = nil, events: [String]? = nil, description: String? = nil, enabled: Bool? = nil, by principal: Principal
    ) async throws -> WebhookSubscription {
        try principal.require(.manageWebhooks)
        var changes = WebhookChanges()
        if let url { changes.url = try await targets.check(url).absoluteString }
        if let events { changes.events = try EventSelection(events) }
        if let description {
            changes.description = try TextRules.optionalLine(description, field: "description", label: "description", maximum: 200) ?? ""
        }
        if let enabled { changes.status = enabled ? .active : .disabled }
        return try await store.updateWebhook(id, changes, context: context(principal))
    }

    public func delete(_ id: Int64, by principal: Principal) async throws {
        try principal.require(.manageWebhooks)
        try await store.deleteWebhook(id, context: context(principal))
    }

    /// A new secret (shown once); the old one stops signing at once.
    public func rotateSecret(_ id: Int64, by principal: Principal) async throws -> (WebhookSubscription, secret: String) {
        try principal.require(.manageWebhooks)
        let secret = WebhookSignature.newSecret()
        return (try await store.rotateWebhookSecret(id, to: secret, context: context(principal)), secret)
    }

    public func sendTestEvent(to id: Int64, by principal: Principal) async throws -> WebhookDelivery {
        try principal.require(.manageWebhooks)
        return try await store.enqueueTestEvent(to: id, context: context(principal))
    }

    public func deliveries(of id: Int64, status: WebhookDelivery.Status? = nil, window: ListWindow, by principal: Principal) async throws -> Window<WebhookDelivery> {
        try principal.require(.manageWebhooks)
        guard try await store.webhook(id) != nil else { throw BackroomError.notFound("No webhook subscription \(id).") }
        return try await store.webhookDeliveries(matching: DeliveryFilter(subscription: id, status: status), window: window)
    }

    /// Deliveries of every subscription (or the filter's), newest first.
    public func deliveries(matching filter: DeliveryFilter, window: ListWindow, by principal: Principal) async throws -> Window<WebhookDelivery> {
        try principal.require(.manageWebhooks)
        var filter = filter
        filter.text = try TextRules.optionalLine(filter.text, field: "q", label: "search text", maximum: 200)
        return try await store.webhookDeliveries(matching: filter, window: window)
    }

    public func countDeliveries(matching filter: DeliveryFilter, by principal: Principal) async throws -> Int {
        try principal.require(.manageWebhooks)
        var filter = filter
        filter.text = try TextRules.optionalLine(filter.text, field: "q", label: "search text", maximum: 200)
        return try await store.countWebhookDeliveries(matching: filter)
    }

    public func retry(delivery id: Int64, of subscription: Int64, by principal: Principal) async throws -> WebhookDelivery {
        try principal.require(.manageWebhooks)
        return try await store.retryDelivery(id, of: subscription, context: context(principal))
    }

    /// Sends the events at or after `since` again (new deliveries, the same event ids).
    public func replay(since: Timestamp, only subscription: Int64? = nil, by principal: Principal) async throws -> Int {
        try principal.require(.manageWebhooks)
        guard since <= clock.now() else { throw BackroomError.validation("since", "\(since.iso8601) is in the future.") }
        return try await store.replayEvents(since: since, only: subscription, context: context(principal))
    }

    public func backlog(by principal: Principal) async throws -> DeliveryBacklog {
        try principal.require(.manageWebhooks)
        return try await store.deliveryBacklog(now: clock.now())
    }

    func context(_ principal: Principal) -> WriteContext {
        WriteContext(principal: principal, at: clock.now())
    }
}

/// The delivery worker's side: no principal, the worker is the system.
extension WebhookService {
    public func fanOut(limit: Int) async throws -> Int {
        try await store.fanOutEvents(now: clock.now(), limit: limit)
    }

    public func claimDue(limit: Int, leaseMilliseconds: Int64) async throws -> [DueDelivery] {
        let now = clock.now()
        return try await store.claimDueDeliveries(
            now: now, leaseUntil: Timestamp(millisecondsSince1970: now.millisecondsSince1970 + leaseMilliseconds), limit: limit
        )
    }

    public func record(_ delivery: WebhookDelivery, outcome: DeliveryAttemptOutcome, policy: WebhookRetryPolicy) async throws {
        try await store.recordDeliveryAttempt(delivery.id, outcome: outcome, at: clock.now(), disableAfterMilliseconds: policy.disableAfterMilliseconds)
    }

    public func prune(olderThanMilliseconds retention: Int64, limit: Int) async throws -> Int {
        try await store.pruneEvents(before: Timestamp(millisecondsSince1970: clock.now().millisecondsSince1970 - retention), limit: limit)
    }

    public func backlog() async throws -> DeliveryBacklog {
        try await store.deliveryBacklog(now: clock.now())
    }

    public var now: Timestamp { clock.now() }
}
