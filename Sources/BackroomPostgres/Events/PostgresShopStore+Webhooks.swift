import BackroomCore
import PostgresNIO

/// Subscriptions, deliveries claimed with a lease (a sender that dies
/// leaves its deliveries due again; several nodes never claim the same
/// one), attempts and their consequences, replay and pruning.
extension PostgresShopStore: EventStore {
    public func outboxEvents(afterID: Int64, since: Timestamp?, limit: Int) async throws -> [OutboxEvent] {
        let logger = self.logger
        return try await read { connection in
            var statement = Statement(sql: "SELECT \(PostgresWebhookRows.eventColumns) FROM outbox_event e WHERE e.id > ?", values: [afterID])
            if let since {
                statement.sql += " AND e.at >= ?"
                statement.values.append(since.millisecondsSince1970)
            }
            statement.sql += " ORDER BY e.id LIMIT ?"
            statement.values.append(Int64(limit))
            return try await connection.query(statement.query, logger: logger).decoded(PostgresWebhookRows.event)
        }
    }

    public func createWebhook(_ draft: WebhookDraft, context: WriteContext) async throws -> WebhookSubscription {
        let logger = self.logger
        let now = context.at.millisecondsSince1970
        return try await write { connection, _ in
            let id = try await connection.query("""
                INSERT INTO webhook_subscription (url, events, description, secret, cursor, created_at, updated_at)
                VALUES (\(draft.url), \(PostgresWebhookRows.encode(draft.events)), \(draft.description), \(draft.secret),
                        (SELECT coalesce(max(id), 0) FROM outbox_event), \(now), \(now))
                RETURNING id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }[0]
            try await PostgresAuditLog.append(connection, context: context, .webhookCreated(id, draft), logger: logger)
            return try await PostgresWebhookRows.require(connection, id, logger: logger)
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        let logger = self.logger
        return try await read { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresWebhookRows.subscriptionColumns) FROM webhook_subscription ORDER BY id", logger: logger
            ).decoded(PostgresWebhookRows.subscription)
        }
    }

    public func webhook(_ id: Int64) async throws -> WebhookSubscription? {
        let logger = self.logger
        return try await read { connection in try await PostgresWebhookRows.subscription(connection, id, logger: logger) }
    }

    public func updateWebhook(_ id: Int64, _ changes: WebhookChanges, context: WriteContext) async throws -> WebhookSubscription {
        let logger = self.logger
        return try await write { connection, _ in
            let current = try await PostgresWebhookRows.require(connection, id, logger: logger)
            guard let record = AuditRecord.webhookUpdated(changes, current: current) else { return current }
            var statement = Statement(sql: "UPDATE webhook_subscription SET updated_at = ?", values: [context.at.millisecondsSince1970])
            if let url = changes.url, url != current.url {
                statement.sql += ", url = ?"; statement.values.append(url)
            }
            if let events = changes.events, events != current.events {
                statement.sql += ", events = ?"; statement.values.append(PostgresWebhookRows.encode(events))
            }
            if let description = changes.description, description != current.description {
                statement.sql += ", description = ?"; statement.values.append(description)
            }
            if let status = changes.status, status != current.status {
                statement.sql += ", status = ?"; statement.values.append(status.rawValue)
                switch status {
                case .active:
                    // Events from while it was disabled are not sent (replay them if wanted).
                    statement.sql += ", disabled_reason = NULL, failing_since = NULL, cursor = (SELECT coalesce(max(id), 0) FROM outbox_event)"
                case .disabled:
                    statement.sql += ", disabled_reason = ?"; statement.values.append("disabled by \(context.principal.name)")
                }
            }
            statement.sql += " WHERE id = ?"
            statement.values.append(id)
            try await connection.query(statement.query, logger: logger)
            try await PostgresAuditLog.append(connection, context: context, record, logger: logger)
            return try await PostgresWebhookRows.require(connection, id, logger: logger)
        }
    }

    public func rotateWebhookSecret(_ id: Int64, to secret: String, context: WriteContext) async throws -> WebhookSubscription {
        let logger = self.logger
        return try await write { connection, _ in
            _ = try await PostgresWebhookRows.require(connection, id, logger: logger)
            try await connection.query(
                "UPDATE webhook_subscription SET secret = \(secret), updated_at = \(context.at.millisecondsSince1970) WHERE id = \(id)", logger: logger
            )
            try await PostgresAuditLog.append(connection, context: context, .webhookSecretRotated(id), logger: logger)
            return try await PostgresWebhookRows.require(connection, id, logger: logger)
        }
    }

    public func deleteWebhook(_ id: Int64, context: WriteContext) async throws {
        let logger = self.logger
        try await write { connection, _ in
            let current = try await PostgresWebhookRows.require(connection, id, logger: logger)
            try await connection.query("DELETE FROM webhook_subscription WHERE id = \(id)", logger: logger)
            try await PostgresAuditLog.append(connection, context: context, .webhookDeleted(current), logger: logger)
        }
    }

    public func enqueueTestEvent(to id: Int64, context: WriteContext) async throws -> WebhookDelivery {
        let logger = self.logger
        return try await write { connection, _ in
            _ = try await PostgresWebhookRows.require(connection, id, logger: logger)
            let eventID = try await PostgresOutbox.append(
                connection, .webhookTest, resourceType: "webhook", resourceID: String(id),
                payload: ["message": "A test event from Backroom, sent by \(context.principal.name)."], context: context, logger: logger
            )
            let deliveryID = try await PostgresWebhookRows.insertDelivery(
                connection, subscriptionID: id, eventID: eventID, resourceKey: "webhook/\(id)", at: context.at, logger: logger
            )
            guard let delivery = try await PostgresWebhookRows.delivery(connection, deliveryID, logger: logger) else {
                throw BackroomError(.internalError, "store error: the test delivery was not found in its own transaction")
            }
            return delivery
        }
    }

    /// Deliveries are made with their events (`PostgresOutbox.append`):
    /// nothing is left to fan out.
    public func fanOutEvents(now: Timestamp, limit: Int) async throws -> Int {
        0
    }

    public func claimDueDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [DueDelivery] {
        let logger = self.logger
        let ms = now.millisecondsSince1970
        return try await write { connection, _ in
            // SKIP LOCKED: a delivery another node is claiming right now is
            // left to it. Its row lock is rechecked against the conditions,
            // so a delivery claimed and leased meanwhile is not taken twice.
            let rows = try await connection.query("""
                SELECT \(unescaped: PostgresWebhookRows.deliveryColumns), s.url, s.secret
                FROM webhook_delivery d
                JOIN webhook_subscription s ON s.id = d.subscription_id
                JOIN outbox_event e ON e.id = d.event_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= \(ms) AND d.lease_until <= \(ms)
                  AND (s.status = 'active' OR e.type = 'webhook.test')
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_delivery earlier
                      WHERE earlier.subscription_id = d.subscription_id AND earlier.resource_key = d.resource_key
                        AND earlier.status = 'pending' AND earlier.event_id < d.event_id)
                ORDER BY d.next_attempt_at, d.id
                LIMIT \(Int64(limit))
                FOR UPDATE OF d SKIP LOCKED
                """, logger: logger).decoded { row in
                DueDelivery(delivery: try PostgresWebhookRows.delivery(row), url: try row.stored("url"), secret: try row.stored("secret"))
            }
            guard !rows.isEmpty else { return [] }
            let ids = rows.map(\.delivery.id)
            try await connection.query("UPDATE webhook_delivery SET lease_until = \(leaseUntil.millisecondsSince1970) WHERE id = ANY(\(ids))", logger: logger)
            return rows
        }
    }

    public func recordDeliveryAttempt(_ deliveryID: Int64, outcome: DeliveryAttemptOutcome, at: Timestamp, disableAfterMilliseconds: Int64) async throws {
        let logger = self.logger
        let time = at.millisecondsSince1970
        try await write { connection, _ in
            guard let delivery = try await PostgresWebhookRows.delivery(connection, deliveryID, lock: true, logger: logger) else { return }
            switch outcome {
            case .delivered(let code):
                try await connection.query("""
                    UPDATE webhook_delivery SET status = 'delivered', attempts = attempts + 1, lease_until = 0,
                        last_attempt_at = \(time), last_status_code = \(Int64(code)), last_error = NULL WHERE id = \(deliveryID)
                    """, logger: logger)
                try await connection.query(
                    "UPDATE webhook_subscription SET failing_since = NULL WHERE id = \(delivery.subscriptionID) AND failing_since IS NOT NULL", logger: logger
                )
            case .failed(let code, let error, let retryAt):
                try await connection.query("""
                    UPDATE webhook_delivery SET status = \(retryAt == nil ? "failed" : "pending"), attempts = attempts + 1, lease_until = 0,
                        next_attempt_at = \(retryAt?.millisecondsSince1970 ?? time), last_attempt_at = \(time), last_status_code = \(code.map(Int64.init)),
                        last_error = \(String(error.prefix(500)))
                    WHERE id = \(deliveryID)
                    """, logger: logger)
                guard delivery.event.type != .webhookTest else { return }
                try await connection.query(
                    "UPDATE webhook_subscription SET failing_since = coalesce(failing_since, \(time)) WHERE id = \(delivery.subscriptionID)", logger: logger
                )
                guard let subscription = try await PostgresWebhookRows.subscription(connection, delivery.subscriptionID, lock: true, logger: logger),
                      subscription.status == .active,
                      let since = subscription.failingSince, time - since.millisecondsSince1970 >= disableAfterMilliseconds
                else { return }
                let reason = AuditRecord.webhookFailingReason(failingFor: time - since.millisecondsSince1970, lastError: error)
                try await connection.query(
                    "UPDATE webhook_subscription SET status = 'disabled', disabled_reason = \(reason), updated_at = \(time) WHERE id = \(subscription.id)",
                    logger: logger
                )
                try await PostgresAuditLog.append(
                    connection, context: WriteContext(principal: .system("webhooks"), at: at), .webhookDisabledAutomatically(subscription.id, reason: reason),
                    logger: logger
                )
            }
        }
    }

    public func webhookDeliveries(matching filter: DeliveryFilter, window: ListWindow) async throws -> Window<WebhookDelivery> {
        let logger = self.logger
        return try await read { connection in
            try await PostgresWebhookRows.deliveries(filter).fetchWindow(connection, window, logger: logger, decode: PostgresWebhookRows.delivery)
        }
    }

    public func countWebhookDeliveries(matching filter: DeliveryFilter) async throws -> Int {
        let logger = self.logger
        return try await read { connection in try await PostgresWebhookRows.deliveries(filter).count(connection, logger: logger) }
    }

    public func retryDelivery(_ deliveryID: Int64, of subscriptionID: Int64, context: WriteContext) async throws -> WebhookDelivery {
        let logger = self.logger
        let ms = context.at.millisecondsSince1970
        return try await write { connection, _ in
            guard let delivery = try await PostgresWebhookRows.delivery(connection, deliveryID, lock: true, logger: logger), delivery.subscriptionID == subscriptionID else {
                throw BackroomError.notFound("No delivery \(deliveryID) for webhook subscription \(subscriptionID).")
            }
            guard delivery.status != .delivered else {
                throw BackroomError.conflict("Delivery \(deliveryID) was delivered; replay its event to send it again.")
            }
            try await connection.query("""
                UPDATE webhook_delivery SET status = 'pending', next_attempt_at = \(ms), lease_until = 0, created_at = \(ms) WHERE id = \(deliveryID)
                """, logger: logger)
            try await PostgresAuditLog.append(connection, context: context, .webhookDeliveryRetried(delivery), logger: logger)
            guard let retried = try await PostgresWebhookRows.delivery(connection, deliveryID, logger: logger) else {
                throw BackroomError.notFound("No delivery \(deliveryID) for webhook subscription \(subscriptionID).")
            }
            return retried
        }
    }

    public func replayEvents(since: Timestamp, only: Int64?, context: WriteContext) async throws -> Int {
        let logger = self.logger
        return try await write { connection, _ in
            if let only { _ = try await PostgresWebhookRows.require(connection, only, logger: logger) }
            var made = 0
            for subscription in try await PostgresWebhookRows.activeSelections(connection, only: only, logger: logger) {
                // Only events written since the subscription was last
                // (re)started: those are the ones it was offered.
                let events = try await connection.query("""
                    SELECT id, type, resource_type, resource_id FROM outbox_event
                    WHERE at >= \(since.millisecondsSince1970) AND id > (SELECT cursor FROM webhook_subscription WHERE id = \(subscription.id))
                    ORDER BY id
                    """, logger: logger).decoded { row in
                    (id: try row.stored("id", as: Int64.self), type: try row.stored("type", as: String.self),
                     key: "\(try row.stored("resource_type", as: String.self))/\(try row.stored("resource_id", as: String.self))")
                }
                for event in events {
                    // An event type this version does not know (written by a
                    // newer node) is not offered rather than stopping the replay.
                    guard let type = EventType(rawValue: event.type), type != .webhookTest, subscription.selection.matches(type) else { continue }
                    try await PostgresWebhookRows.insertDelivery(
                        connection, subscriptionID: subscription.id, eventID: event.id, resourceKey: event.key, at: context.at, logger: logger
                    )
                    made += 1
                }
            }
            try await PostgresAuditLog.append(connection, context: context, .webhookEventsReplayed(made, since: since, only: only), logger: logger)
            return made
        }
    }

    public func pruneEvents(before: Timestamp, limit: Int) async throws -> Int {
        let logger = self.logger
        return try await write { connection, _ in
            // Oldest first: events still being delivered stay.
            try await connection.query("""
                DELETE FROM outbox_event WHERE id IN (
                    SELECT e.id FROM outbox_event e
                    WHERE e.at < \(before.millisecondsSince1970)
                      AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id AND d.status = 'pending')
                    ORDER BY e.id LIMIT \(Int64(limit)))
                RETURNING id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }.count
        }
    }

    public func deliveryBacklog(now: Timestamp) async throws -> DeliveryBacklog {
        let logger = self.logger
        return try await read { connection in
            let figures = try await connection.query("""
                SELECT COUNT(*) FILTER (WHERE status = 'pending') AS pending, COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                    min(created_at) FILTER (WHERE status = 'pending') AS oldest
                FROM webhook_delivery
                """, logger: logger).decoded { row in
                (pending: try row.stored("pending", as: Int64.self), failed: try row.stored("failed", as: Int64.self),
                 oldest: try row.stored("oldest", as: Int64?.self))
            }[0]
            return DeliveryBacklog(
                pending: Int(figures.pending), failed: Int(figures.failed), undistributedEvents: 0,
                oldestPendingAgeMilliseconds: figures.oldest.map { max(0, now.millisecondsSince1970 - $0) }
            )
        }
    }
}
