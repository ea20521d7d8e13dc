import BackroomCore
import Foundation
import GRDB

/// Rows of the outbox and webhook tables, decoded.
enum WebhookRows {
    static let eventColumns = "e.id, e.event_id, e.type, e.resource_type, e.resource_id, e.at, e.actor, e.payload"
    static let subscriptionColumns = "id, url, events, description, status, disabled_reason, failing_since, created_at, updated_at"
    /// A delivery's columns, then its event's (from `outbox_event e`).
    static let deliveryColumns = """
        d.id, d.subscription_id, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code,
        d.last_error, d.created_at, \(eventColumns)
        """
    static let deliveryColumnCount = 17

    static func event(_ row: Row, from start: Int) throws -> OutboxEvent {
        let typeName: String = row[start + 2]
        guard let type = EventType(rawValue: typeName) else {
            throw BackroomError(.internalError, "The outbox holds an event of unknown type \(typeName).")
        }
        return OutboxEvent(
            id: row[start], eventID: row[start + 1], type: type, resourceType: row[start + 3], resourceID: row[start + 4],
            at: Timestamp(millisecondsSince1970: row[start + 5]), actor: row[start + 6], payload: row[start + 7]
        )
    }

    static func subscription(_ row: Row) throws -> WebhookSubscription {
        WebhookSubscription(
            id: row[0], url: row[1], events: try decodeEvents(row[2]), description: row[3],
            status: WebhookSubscription.Status(rawValue: row[4]) ?? .disabled, disabledReason: row[5],
            failingSince: (row[6] as Int64?).map(Timestamp.init(millisecondsSince1970:)),
            createdAt: Timestamp(millisecondsSince1970: row[7]), updatedAt: Timestamp(millisecondsSince1970: row[8])
        )
    }

    static func subscription(_ db: Database, _ id: Int64) throws -> WebhookSubscription? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(subscriptionColumns) FROM webhook_subscription WHERE id = ?"), arguments: [id])
            .map(subscription)
    }

    static func require(_ db: Database, _ id: Int64) throws -> WebhookSubscription {
        guard let found = try subscription(db, id) else { throw BackroomError.notFound("No webhook subscription \(id).") }
        return found
    }

    static func delivery(_ row: Row) throws -> WebhookDelivery {
        WebhookDelivery(
            id: row[0], subscriptionID: row[1], event: try event(row, from: 9),
            status: WebhookDelivery.Status(rawValue: row[2]) ?? .failed, attempts: row[3],
            nextAttemptAt: Timestamp(millisecondsSince1970: row[4]),
            lastAttemptAt: (row[5] as Int64?).map(Timestamp.init(millisecondsSince1970:)),
            lastStatusCode: row[6], lastError: row[7], createdAt: Timestamp(millisecondsSince1970: row[8])
        )
    }

    static func delivery(_ db: Database, _ id: Int64) throws -> WebhookDelivery? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(deliveryColumns) FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id WHERE d.id = ?
            """), arguments: [id]).map(delivery)
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
