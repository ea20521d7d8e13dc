import BackroomCore
import Foundation
import GRDB

/// Subscriptions, the fan-out of outbox events into deliveries, claims with
/// a lease (a sender that dies leaves its deliveries due again), attempts
/// and their consequences, replay and pruning.
extension SQLiteShopStore {
    public func outboxEvents(afterID: Int64, since: Timestamp?, limit: Int) async throws -> [OutboxEvent] {
        try await snapshotRead { db in
            var sql = "SELECT \(WebhookRows.eventColumns) FROM outbox_event e WHERE e.id > ?"
            var arguments: [any DatabaseValueConvertible] = [afterID]
            if let since {
                sql += " AND e.at >= ?"
                arguments.append(since.millisecondsSince1970)
            }
            sql += " ORDER BY e.id LIMIT ?"
            arguments.append(limit)
            return try RowsDecoded.all(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments), WebhookRows.event)
        }
    }

    public func createWebhook(_ draft: WebhookDraft, context: WriteContext) async throws -> WebhookSubscription {
        try await immediateWrite { db in
            let now = context.at.millisecondsSince1970
            try db.execute(sql: """
                INSERT INTO webhook_subscription (url, events, description, secret, cursor, created_at, updated_at)
                VALUES (?, ?, ?, ?, (SELECT ifnull(max(id), 0) FROM outbox_event), ?, ?)
                """, arguments: [draft.url, WebhookRows.encode(draft.events), draft.description, draft.secret, now, now])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, context: context, .webhookCreated(id, draft))
            return try WebhookRows.subscription(db, id)!
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await snapshotRead { db in
            try Row.fetchAll(db, sql: "SELECT \(WebhookRows.subscriptionColumns) FROM webhook_subscription ORDER BY id").map(WebhookRows.subscription)
        }
    }

    public func webhook(_ id: Int64) async throws -> WebhookSubscription? {
        try await snapshotRead { db in try WebhookRows.subscription(db, id) }
    }

    public func updateWebhook(_ id: Int64, _ changes: WebhookChanges, context: WriteContext) async throws -> WebhookSubscription {
        try await immediateWrite { db in
            let current = try WebhookRows.require(db, id)
            var parts: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            guard let record = AuditRecord.webhookUpdated(changes, current: current) else { return current }
            if let url = changes.url, url != current.url {
                parts.append("url = ?"); arguments.append(url)
            }
            if let events = changes.events, events != current.events {
                parts.append("events = ?"); arguments.append(WebhookRows.encode(events))
            }
            if let description = changes.description, description != current.description {
                parts.append("description = ?"); arguments.append(description)
            }
            if let status = changes.status, status != current.status {
                parts.append("status = ?"); arguments.append(status.rawValue)
                switch status {
                case .active:
                    // Events from while it was disabled are not sent (replay them if wanted).
                    parts.append("disabled_reason = NULL, failing_since = NULL, cursor = (SELECT ifnull(max(id), 0) FROM outbox_event)")
                case .disabled:
                    parts.append("disabled_reason = ?"); arguments.append("disabled by \(context.principal.name)")
                }
            }
            parts.append("updated_at = ?"); arguments.append(context.at.millisecondsSince1970)
            arguments.append(id)
            try db.execute(sql: "UPDATE webhook_subscription SET \(parts.joined(separator: ", ")) WHERE id = ?", arguments: StatementArguments(arguments))
            try AuditLog.append(db, context: context, record)
            return try WebhookRows.subscription(db, id)!
        }
    }

    public func rotateWebhookSecret(_ id: Int64, to secret: String, context: WriteContext) async throws -> WebhookSubscription {
        try await immediateWrite { db in
            _ = try WebhookRows.require(db, id)
            try db.execute(sql: "UPDATE webhook_subscription SET secret = ?, updated_at = ? WHERE id = ?",
                           arguments: [secret, context.at.millisecondsSince1970, id])
            try AuditLog.append(db, context: context, .webhookSecretRotated(id))
            return try WebhookRows.subscription(db, id)!
        }
    }

    public func deleteWebhook(_ id: Int64, context: WriteContext) async throws {
        try await immediateWrite { db in
            let current = try WebhookRows.require(db, id)
            try db.execute(sql: "DELETE FROM webhook_subscription WHERE id = ?", arguments: [id])
            try AuditLog.append(db, context: context, .webhookDeleted(current))
        }
    }

    public func enqueueTestEvent(to id: Int64, context: WriteContext) async throws -> WebhookDelivery {
        try await immediateWrite { db in
            _ = try WebhookRows.require(db, id)
            try Outbox.append(db, .webhookTest, resourceType: "webhook", resourceID: String(id),
                              payload: ["message": "A test event from Backroom, sent by \(context.principal.name)."], context: context)
            let eventID = db.lastInsertedRowID
            try WebhookRows.insertDelivery(db, subscriptionID: id, eventID: eventID, resourceKey: "webhook/\(id)", at: context.at)
            return try WebhookRows.delivery(db, db.lastInsertedRowID)!
        }
    }

    public func fanOutEvents(now: Timestamp, limit: Int) async throws -> Int {
        // The worker asks several times a second: a read answers the usual
        // "nothing new" without taking the write lock.
        let behind = try await snapshotRead { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM webhook_subscription
                               WHERE status = 'active' AND cursor < (SELECT ifnull(max(id), 0) FROM outbox_event))
                """) ?? false
        }
        guard behind else { return 0 }
        return try await immediateWrite { db in
            let subscriptions = try Row.fetchAll(db, sql: "SELECT id, events, cursor FROM webhook_subscription WHERE status = 'active'")
            var made = 0
            for subscription in subscriptions {
                let id: Int64 = try subscription.stored("id")
                let selection = try WebhookRows.decodeEvents(try subscription.stored("events"))
                let events = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT id, type, resource_type, resource_id FROM outbox_event WHERE id > ? ORDER BY id LIMIT ?
                    """), arguments: [try subscription.stored("cursor", as: Int64.self), limit])
                guard let last = events.last else { continue }
                for event in events {
                    // An event type this version does not know (written by a
                    // newer node) is not offered rather than stopping every
                    // subscription's fan-out.
                    guard let type = EventType(rawValue: try event.stored("type")), type != .webhookTest, selection.matches(type) else { continue }
                    try WebhookRows.insertDelivery(db, subscriptionID: id, eventID: try event.stored("id"), resourceKey: try WebhookRows.resourceKey(event), at: now)
                    made += 1
                }
                try db.cachedStatement(sql: "UPDATE webhook_subscription SET cursor = ? WHERE id = ?").execute(arguments: [try last.stored("id", as: Int64.self), id])
            }
            return made
        }
    }

    public func claimDueDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [DueDelivery] {
        let anyDue = try await snapshotRead { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?)
                """), arguments: [now.millisecondsSince1970, now.millisecondsSince1970]) ?? false
        }
        guard anyDue else { return [] }
        return try await immediateWrite { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(WebhookRows.deliveryColumns), s.url, s.secret
                FROM webhook_delivery d
                JOIN webhook_subscription s ON s.id = d.subscription_id
                JOIN outbox_event e ON e.id = d.event_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND d.lease_until <= ?1
                  AND (s.status = 'active' OR e.type = 'webhook.test')
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_delivery earlier
                      WHERE earlier.subscription_id = d.subscription_id AND earlier.resource_key = d.resource_key
                        AND earlier.status = 'pending' AND earlier.event_id < d.event_id)
                ORDER BY d.next_attempt_at, d.id
                LIMIT ?2
                """), arguments: [now.millisecondsSince1970, limit])
            let lease = try db.cachedStatement(sql: "UPDATE webhook_delivery SET lease_until = ? WHERE id = ?")
            return try rows.map { row in
                let delivery = try WebhookRows.delivery(row)
                try lease.execute(arguments: [leaseUntil.millisecondsSince1970, delivery.id])
                return DueDelivery(delivery: delivery, url: try row.stored("url"), secret: try row.stored("secret"))
            }
        }
    }

    public func recordDeliveryAttempt(_ deliveryID: Int64, outcome: DeliveryAttemptOutcome, at: Timestamp, disableAfterMilliseconds: Int64) async throws {
        try await immediateWrite { db in
            guard let delivery = try WebhookRows.delivery(db, deliveryID) else { return }
            let time = at.millisecondsSince1970
            switch outcome {
            case .delivered(let code):
                try db.cachedStatement(sql: """
                    UPDATE webhook_delivery SET status = 'delivered', attempts = attempts + 1, lease_until = 0,
                        last_attempt_at = ?, last_status_code = ?, last_error = NULL WHERE id = ?
                    """).execute(arguments: [time, code, deliveryID])
                try db.cachedStatement(sql: "UPDATE webhook_subscription SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL")
                    .execute(arguments: [delivery.subscriptionID])
            case .failed(let code, let error, let retryAt):
                try db.cachedStatement(sql: """
                    UPDATE webhook_delivery SET status = ?, attempts = attempts + 1, lease_until = 0, next_attempt_at = ?,
                        last_attempt_at = ?, last_status_code = ?, last_error = ? WHERE id = ?
                    """).execute(arguments: [
                        retryAt == nil ? "failed" : "pending", retryAt?.millisecondsSince1970 ?? time, time, code,
                        String(error.prefix(500)), deliveryID,
                    ])
                guard delivery.event.type != .webhookTest else { return }
                try db.cachedStatement(sql: "UPDATE webhook_subscription SET failing_since = ifnull(failing_since, ?) WHERE id = ?")
                    .execute(arguments: [time, delivery.subscriptionID])
                guard let subscription = try WebhookRows.subscription(db, delivery.subscriptionID), subscription.status == .active,
                      let since = subscription.failingSince, time - since.millisecondsSince1970 >= disableAfterMilliseconds
                else { return }
                let reason = AuditRecord.webhookFailingReason(failingFor: time - since.millisecondsSince1970, lastError: error)
                try db.execute(sql: "UPDATE webhook_subscription SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?",
                               arguments: [reason, time, subscription.id])
                try AuditLog.append(db, context: WriteContext(principal: .system("webhooks"), at: at), .webhookDisabledAutomatically(subscription.id, reason: reason))
            }
        }
    }

    public func webhookDeliveries(matching filter: DeliveryFilter, window: ListWindow) async throws -> Window<WebhookDelivery> {
        try await snapshotRead { db in try WebhookRows.deliveries(filter).fetchWindow(db, window, decode: WebhookRows.delivery) }
    }

    public func countWebhookDeliveries(matching filter: DeliveryFilter) async throws -> Int {
        try await snapshotRead { db in try WebhookRows.deliveries(filter).count(db) }
    }

    public func retryDelivery(_ deliveryID: Int64, of subscriptionID: Int64, context: WriteContext) async throws -> WebhookDelivery {
        try await immediateWrite { db in
            guard let delivery = try WebhookRows.delivery(db, deliveryID), delivery.subscriptionID == subscriptionID else {
                throw BackroomError.notFound("No delivery \(deliveryID) for webhook subscription \(subscriptionID).")
            }
            guard delivery.status != .delivered else {
                throw BackroomError.conflict("Delivery \(deliveryID) was delivered; replay its event to send it again.")
            }
            try db.execute(sql: """
                UPDATE webhook_delivery SET status = 'pending', next_attempt_at = ?, lease_until = 0, created_at = ? WHERE id = ?
                """, arguments: [context.at.millisecondsSince1970, context.at.millisecondsSince1970, deliveryID])
            try AuditLog.append(db, context: context, .webhookDeliveryRetried(delivery))
            return try WebhookRows.delivery(db, deliveryID)!
        }
    }

    public func replayEvents(since: Timestamp, only: Int64?, context: WriteContext) async throws -> Int {
        try await immediateWrite { db in
            var sql = "SELECT id, events FROM webhook_subscription WHERE status = 'active'"
            var arguments: StatementArguments = []
            if let only {
                _ = try WebhookRows.require(db, only)
                sql += " AND id = ?"
                arguments = [only]
            }
            let subscriptions = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var made = 0
            for subscription in subscriptions {
                let id: Int64 = try subscription.stored("id")
                let selection = try WebhookRows.decodeEvents(try subscription.stored("events"))
                // Only events already offered: newer ones reach it by the fan-out.
                let events = try Row.fetchAll(db, sql: """
                    SELECT id, type, resource_type, resource_id FROM outbox_event
                    WHERE at >= ? AND id <= (SELECT cursor FROM webhook_subscription WHERE id = ?) ORDER BY id
                    """, arguments: [since.millisecondsSince1970, id])
                for event in events {
                    // An event type this version does not know (written by a
                    // newer node) is not offered rather than stopping every
                    // subscription's fan-out.
                    guard let type = EventType(rawValue: try event.stored("type")), type != .webhookTest, selection.matches(type) else { continue }
                    try WebhookRows.insertDelivery(db, subscriptionID: id, eventID: try event.stored("id"), resourceKey: try WebhookRows.resourceKey(event), at: context.at)
                    made += 1
                }
            }
            try AuditLog.append(db, context: context, .webhookEventsReplayed(made, since: since, only: only))
            return made
        }
    }

    public func pruneEvents(before: Timestamp, limit: Int) async throws -> Int {
        try await immediateWrite { db in
            // Oldest first, by id: stop at events some active subscription has
            // not been offered yet, and at events still being delivered.
            try db.execute(sql: """
                DELETE FROM outbox_event WHERE id IN (
                    SELECT e.id FROM outbox_event e
                    WHERE e.at < ?
                      AND e.id <= ifnull((SELECT min(cursor) FROM webhook_subscription WHERE status = 'active'), e.id)
                      AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id AND d.status = 'pending')
                    ORDER BY e.id LIMIT ?)
                """, arguments: [before.millisecondsSince1970, limit])
            return db.changesCount
        }
    }

    public func deliveryBacklog(now: Timestamp) async throws -> DeliveryBacklog {
        try await snapshotRead { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'pending'") ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'failed'") ?? 0
            let oldest = try Int64.fetchOne(db, sql: "SELECT min(created_at) FROM webhook_delivery WHERE status = 'pending'")
            let undistributed = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM outbox_event WHERE type != 'webhook.test'
                  AND id > (SELECT min(cursor) FROM webhook_subscription WHERE status = 'active')
                """) ?? 0
            return DeliveryBacklog(
                pending: pending, failed: failed, undistributedEvents: undistributed,
                oldestPendingAgeMilliseconds: oldest.map { max(0, now.millisecondsSince1970 - $0) }
            )
        }
    }
}
