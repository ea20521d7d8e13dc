import BackroomCore
import Foundation
import PostgresNIO

/// Rows of the outbox and webhook tables, decoded as the SQLite store
/// decodes them.
enum PostgresWebhookRows {
    static let eventColumns = """
        e.id AS event_row_id, e.event_id, e.type AS event_type, e.resource_type, e.resource_id, \
        e.at AS event_at, e.actor AS event_actor, e.payload AS event_payload
        """
    static let subscriptionColumns = "id, url, events, description, status, disabled_reason, failing_since, created_at, updated_at"
    static let deliveryColumns = """
        d.id, d.subscription_id, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code,
        d.last_error, d.created_at, \(eventColumns)
        """

    static func event(_ row: PostgresRandomAccessRow) throws -> OutboxEvent {
        OutboxEvent(
            id: try row.stored("event_row_id"), eventID: try row.stored("event_id"), type: try row.stored("event_type", as: EventType.self),
            resourceType: try row.stored("resource_type"), resourceID: try row.stored("resource_id"),
            at: try row.timestamp("event_at"), actor: try row.stored("event_actor"), payload: try row.stored("event_payload")
        )
    }

    static func subscription(_ row: PostgresRandomAccessRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.stored("id"), url: try row.stored("url"), events: try decodeEvents(try row.stored("events")),
            description: try row.stored("description"),
            status: try row.stored("status", as: WebhookSubscription.Status.self), disabledReason: try row.stored("disabled_reason"),
            failingSince: try row.stored("failing_since", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at")
        )
    }

    static func subscription(_ connection: PostgresConnection, _ id: Int64, lock: Bool = false, logger: Logger) async throws -> WebhookSubscription? {
        let statement = Statement(sql: "SELECT \(subscriptionColumns) FROM webhook_subscription WHERE id = ?" + (lock ? " FOR UPDATE" : ""), values: [id])
        return try await connection.query(statement.query, logger: logger).decoded(subscription).first
    }

    static func require(_ connection: PostgresConnection, _ id: Int64, logger: Logger) async throws -> WebhookSubscription {
        guard let found = try await subscription(connection, id, lock: true, logger: logger) else {
            throw BackroomError.notFound("No webhook subscription \(id).")
        }
        return found
    }

    static func delivery(_ row: PostgresRandomAccessRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.stored("id"), subscriptionID: try row.stored("subscription_id"), event: try event(row),
            status: try row.stored("status", as: WebhookDelivery.Status.self), attempts: Int(try row.stored("attempts", as: Int64.self)),
            nextAttemptAt: try row.timestamp("next_attempt_at"),
            lastAttemptAt: try row.stored("last_attempt_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            lastStatusCode: try row.stored("last_status_code", as: Int64?.self).map(Int.init), lastError: try row.stored("last_error"),
            createdAt: try row.timestamp("created_at")
        )
    }

    static func delivery(_ connection: PostgresConnection, _ id: Int64, lock: Bool = false, logger: Logger) async throws -> WebhookDelivery? {
        let statement = Statement(
            sql: "SELECT \(deliveryColumns) FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id WHERE d.id = ?" + (lock ? " FOR UPDATE OF d" : ""),
            values: [id]
        )
        return try await connection.query(statement.query, logger: logger).decoded(delivery).first
    }

    static func deliveries(_ filter: DeliveryFilter) -> PostgresKeysetQuery {
        var query = PostgresKeysetQuery(
            columns: deliveryColumns, columnValues: [],
            from: "webhook_delivery d JOIN outbox_event e ON e.id = d.event_id",
            sortExpression: "d.id", idExpression: "d.id", direction: .descending, valueKind: .integer
        )
        if let subscription = filter.subscription { query.filter("d.subscription_id = ?", subscription) }
        if let status = filter.status { query.filter("d.status = ?", status.rawValue) }
        if let text = filter.text?.lowercased(), !text.isEmpty {
            query.filter("(strpos(backroom_nocase(e.type), ?) > 0 OR strpos(backroom_nocase(d.resource_key), ?) > 0)", text, text)
        }
        return query
    }

    /// Returns the new delivery's id.
    @discardableResult
    static func insertDelivery(
        _ connection: PostgresConnection, subscriptionID: Int64, eventID: Int64, resourceKey: String, at: Timestamp, logger: Logger
    ) async throws -> Int64 {
        let ms = at.millisecondsSince1970
        return try await connection.query("""
            INSERT INTO webhook_delivery (subscription_id, event_id, resource_key, next_attempt_at, created_at)
            VALUES (\(subscriptionID), \(eventID), \(resourceKey), \(ms), \(ms)) RETURNING id
            """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }[0]
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

    /// The active subscriptions with what each wants.
    static func activeSelections(_ connection: PostgresConnection, only: Int64? = nil, logger: Logger) async throws -> [(id: Int64, selection: EventSelection)] {
        var statement = Statement(sql: "SELECT id, events FROM webhook_subscription WHERE status = 'active'", values: [])
        if let only {
            statement.sql += " AND id = ?"
            statement.values.append(only)
        }
        return try await connection.query(statement.query, logger: logger).decoded { row in
            (id: try row.stored("id", as: Int64.self), selection: try decodeEvents(try row.stored("events")))
        }
    }
}
