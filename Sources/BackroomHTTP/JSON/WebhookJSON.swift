import BackroomCore

public struct WebhookJSON: Codable, Sendable {
    public var id: Int64
    public var url: String
    public var events: [String]
    public var description: String
    public var status: String
    public var disabledReason: String?
    public var failingSince: String?
    public var createdAt: String
    public var updatedAt: String

    public init(_ subscription: WebhookSubscription) {
        id = subscription.id
        url = subscription.url
        events = subscription.events.names
        description = subscription.description
        status = subscription.status.rawValue
        disabledReason = subscription.disabledReason
        failingSince = subscription.failingSince?.iso8601
        createdAt = subscription.createdAt.iso8601
        updatedAt = subscription.updatedAt.iso8601
    }
}

/// A subscription with its signing secret: only in the answer that made the secret.
public struct WebhookWithSecretJSON: Codable, Sendable {
    public var webhook: WebhookJSON
    public var secret: String
}

public struct WebhookDeliveryJSON: Codable, Sendable {
    public var id: Int64
    public var webhookId: Int64
    public var eventId: String
    public var eventType: String
    public var resource: String
    public var eventAt: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastAttemptAt: String?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: String

    public init(_ delivery: WebhookDelivery) {
        id = delivery.id
        webhookId = delivery.subscriptionID
        eventId = delivery.event.eventID
        eventType = delivery.event.type.rawValue
        resource = delivery.event.resourceKey
        eventAt = delivery.event.at.iso8601
        status = delivery.status.rawValue
        attempts = delivery.attempts
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt.iso8601 : nil
        lastAttemptAt = delivery.lastAttemptAt?.iso8601
        lastStatusCode = delivery.lastStatusCode
        lastError = delivery.lastError
        createdAt = delivery.createdAt.iso8601
    }
}

public struct CreateWebhookRequest: Codable, Sendable {
    public var url: String
    public var events: [String]
    public var description: String?
}

public struct UpdateWebhookRequest: Codable, Sendable {
    public var url: String?
    public var events: [String]?
    public var description: String?
    public var enabled: Bool?
}

public struct ReplayRequest: Codable, Sendable {
    public var since: String
}

public struct ReplayResponse: Codable, Sendable {
    public var deliveries: Int
}
