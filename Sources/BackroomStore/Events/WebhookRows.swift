import BackroomCore
import Foundation
import GRDB

/// Rows of the outbox and webhook tables, decoded.
enum WebhookRows {
    /// An event's columns (from `outbox_event e`), named so they can sit
    /// beside a delivery's.
    static let eventColumns = """
        e.id AS event_row_id, e.event_id, e.type AS event_type, e.resource_type, e.resource_id, \
        e.at AS event_at, e.actor AS event_actor, e.payload AS event_payload
        """
    static let subscriptionColumns = "id, url, events, description, status, disabled_reason, failing_since, created_at, updated_at"
    /// A delivery's columns, then its event's.
    static let deliveryColumns = """
        d.id, d.subscription_id, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code,
        d.last_error, d.created_at, \(eventColumns)
        """

    static func event(_ row: Row) throws -> OutboxEvent {
        OutboxEvent(
            id: try row.stored("event_row_id"), eventID: try row.stored("event_id"), type: try row.stored("event_type", as: EventType.self),
            resourceType: try row.stored("resource_type"), resourceID: try row.stored("resource_id"),
            at: try row.timestamp("event_at"), actor: try row.stored("event_actor"), payload: try row.stored("event_payload")
        )
    }

    /// What deliveries of one resource are ordered by (`resource_type/resource_id`).
    static func resourceKey(_ row: Row) throws -> String {
        "\(try row.stored("resource_type", as: String.self))/\(try row.stored("resource_id", as: String.self))"
    }

    static func subscription(_ row: Row) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.stored("id"), url: try row.stored("url"), events: try decodeEvents(try row.stored("events")),
            description: try row.stored("description"),
            status: try row.stored("status", as: WebhookSubscription.Status.self), disabledReason: try row.stored("disabled_reason"),
            failingSince: try row.timestampIfPresent("failing_since"),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at")
        )
    }

    static func subscription(_ db: Database, _ id: Int64) throws -> WebhookSubscription? {
        try RowsDecoded.one(db.cachedStatement(sql: "SELECT \(subscriptionColumns) FROM webhook_subscription WHERE id = ?"), arguments: [id], subscription)
    }

    static func require(_ db: Database, _ id: Int64) throws -> WebhookSubscription {
        guard let found = try subscription(db, id) else { throw BackroomError.notFound("No webhook subscription \(id).") }
        return found
    }

    static func delivery(_ row: Row) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.stored("id"), subscriptionID: try row.stored("subscription_id"), event: try event(row),
            status: try row.stored("status", as: WebhookDelivery.Status.self), attempts: try row.stored("attempts"),
            nextAttemptAt: try row.timestamp("next_attempt_at"),
            lastAttemptAt: try row.timestampIfPresent("last_attempt_at"),
            lastStatusCode: try row.stored("last_status_code"), lastError: try row.stored("last_error"), createdAt: try row.timestamp("created_at")
        )
    }

    static func delivery(_ db: Database, _ id: Int64) throws -> WebhookDelivery? {
        try RowsDecoded.one(db.cachedStatement(sql: """
            SELECT \(deliveryColumns) FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id WHERE d.id = ?
            """), arguments: [id], delivery)
    }

    static func deliveries(_ filter: DeliveryFilter) -> KeysetQuery {
        var query = KeysetQuery(
            columns: deliveryColumns, columnArguments: [],
            from: "webhook_delivery d JOIN outbox_event e ON e.id = d.event_id",
            sortExpression: "d.id", idExpression: "d.id", direction: .descending, valueKind: .integer
        )
        if let subscription = filter.subscription { query.filter("d.subscription_id = ?", subscription) }
        if let status = filter.status { query.filter(scanning: "d.status = ?", status.rawValue) }
        if let text = filter.text?.lowercased(), !text.isEmpty {
            let pattern = "%" + AuditLog.likeEscaped(text) + "%"
            query.filter(scanning: "(lower(e.type) LIKE ? ESCAPE '\\' OR lower(d.resource_key) LIKE ? ESCAPE '\\')", pattern, pattern)
        }
        return query
    }

    static func insertDelivery(_ db: Database, subscriptionID: Int64, eventID: Int64, resourceKey: String, at: Timestamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO webhook_delivery (subscription_id, event_id, resource_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [subscriptionID, eventID, resourceKey, at.millisecondsSince1970, at.millisecondsSince1970])
    }

    static func encode(_ selection: EventSelection) -> String {
        String(decoding: (try? JSONEncoder().encode(selection.names)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decodeEvents(_ text: String) throws -> EventSelection {
        do {
            return try EventSelection(try JSONDecoder().decode([String].self, from: Data(text.utf8)))
        } catch {
            throw BackroomError(.internalError, "A webhook subscription's event list cannot be read: \(text).")
        }
    }
}
