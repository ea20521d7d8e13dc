import BackroomCore
import PostgresNIO

enum PostgresPayments {
    static let columns = """
        id, order_id, sequence, idempotency_key, amount, currency, state, lease_until, provider_reference, failure, started_at, settled_at
        """

    static func decode(_ row: PostgresRandomAccessRow) throws -> PaymentAttempt {
        PaymentAttempt(
            id: try row.stored("id"), orderID: try row.stored("order_id"), sequence: Int(try row.stored("sequence", as: Int64.self)),
            idempotencyKey: try row.stored("idempotency_key"),
            amount: Money(minorUnits: try row.stored("amount"), currency: try row.currency("currency")),
            state: try row.stored("state", as: PaymentAttemptState.self),
            leaseUntil: try row.timestamp("lease_until"), providerReference: try row.stored("provider_reference"), failure: try row.stored("failure"),
            startedAt: try row.timestamp("started_at"), settledAt: try row.stored("settled_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))
        )
    }

    /// The order's open (pending or succeeded) attempt, if any.
    static func open(_ connection: PostgresConnection, orderID: Int64, logger: Logger) async throws -> PaymentAttempt? {
        let statement = Statement(sql: "SELECT \(columns) FROM payment_attempt WHERE order_id = ? AND state IN ('pending', 'succeeded')", values: [orderID])
        return try await connection.query(statement.query, logger: logger).decoded(decode).first
    }
}

extension PostgresShopStore: PaymentStore {
    public func beginPayment(_ number: OrderNumber, newKey: String, leaseUntil: Timestamp, context: WriteContext) async throws -> PaymentClaim {
        let logger = self.logger
        return try await write { connection, changed in
            guard let order = try await PostgresOrderRows.fetchOrder(connection, id: number.id, lock: true, logger: logger) else {
                throw BackroomError.notFound("No order \(number).")
            }
            let open = try await PostgresPayments.open(connection, orderID: order.id, logger: logger)
            let attempt: PaymentAttempt
            let resumed: Bool
            if var stale = try PaymentRules.claim(order: order, openAttempt: open, now: context.at) {
                stale.leaseUntil = leaseUntil
                try await connection.query("UPDATE payment_attempt SET lease_until = \(leaseUntil.millisecondsSince1970) WHERE id = \(stale.id)", logger: logger)
                attempt = stale
                resumed = true
            } else {
                let inserted = try await connection.query("""
                    INSERT INTO payment_attempt (order_id, sequence, idempotency_key, amount, currency, state, lease_until, started_at)
                    SELECT \(order.id), coalesce(MAX(sequence), 0) + 1, \(newKey), \(order.total.minorUnits), \(order.total.currency.code),
                        'pending', \(leaseUntil.millisecondsSince1970), \(context.at.millisecondsSince1970)
                    FROM payment_attempt WHERE order_id = \(order.id)
                    RETURNING \(unescaped: PostgresPayments.columns)
                    """, logger: logger)
                attempt = try await inserted.decoded(PostgresPayments.decode)[0]
                resumed = false
            }
            try await PostgresOrderRows.appendEvent(connection, orderID: order.id, event: PaymentRules.startedEvent(
                attempt, resumed: resumed, status: order.status, actor: context.principal.name, at: context.at
            ), logger: logger)
            changed.mark([.orders])
            return PaymentClaim(attempt: attempt, order: order, isResumed: resumed)
        }
    }

    public func settlePayment(attemptID: Int64, outcome: PaymentOutcome, context: WriteContext) async throws -> OrderDetail {
        let logger = self.logger
        return try await write { connection, changed in
            // The order first, as every other write to it locks it.
            let orderID = try await connection.query(
                "SELECT order_id FROM payment_attempt WHERE id = \(attemptID)", logger: logger
            ).decoded { try $0.stored("order_id", as: Int64.self) }.first
            guard let orderID else { throw BackroomError.notFound("No payment attempt \(attemptID).") }
            guard let order = try await PostgresOrderRows.fetchOrder(connection, id: orderID, lock: true, logger: logger) else {
                throw BackroomError.notFound("No order \(OrderNumber(id: orderID)).")
            }
            let attempt = try await connection.query(
                "SELECT \(unescaped: PostgresPayments.columns) FROM payment_attempt WHERE id = \(attemptID) FOR UPDATE", logger: logger
            ).decoded(PostgresPayments.decode)[0]
            guard attempt.state == .pending else {
                throw BackroomError.conflict("Payment attempt \(attempt.sequence) of \(attempt.orderNumber) is already \(attempt.state.rawValue).")
            }
            let ms = context.at.millisecondsSince1970
            var reference: String?
            var failure: String?
            switch outcome {
            case .succeeded(let providerReference):
                // Cancelling waits for pending payments, so the order is still payable.
                let transition = try OrderStateMachine.transition(from: order.status, action: .pay)
                try await connection.query("""
                    UPDATE shop_order SET status = \(transition.to.rawValue), payment_reference = \(providerReference), updated_at = \(ms) WHERE id = \(order.id)
                    """, logger: logger)
                reference = providerReference
            case .declined(let reason), .abandoned(let reason):
                failure = reason
            }
            try await connection.query("""
                UPDATE payment_attempt SET state = \(outcome.state.rawValue), provider_reference = \(reference), failure = \(failure), settled_at = \(ms)
                WHERE id = \(attempt.id)
                """, logger: logger)
            try await PostgresOrderRows.appendEvent(connection, orderID: order.id, event: PaymentRules.settledEvent(
                attempt, outcome: outcome, status: order.status, actor: context.principal.name, at: context.at
            ), logger: logger)
            guard let detail = try await PostgresOrderRows.detail(connection, id: order.id, logger: logger) else {
                throw BackroomError.notFound("No order \(attempt.orderNumber).")
            }
            if reference != nil { try await PostgresOutbox.order(connection, detail, context: context, logger: logger) }
            changed.mark([.orders])
            return detail
        }
    }

    public func extendPaymentLease(attemptID: Int64, until: Timestamp) async throws {
        let logger = self.logger
        try await write { connection, _ in
            _ = try await connection.query(
                "UPDATE payment_attempt SET lease_until = \(until.millisecondsSince1970) WHERE id = \(attemptID) AND state = 'pending'", logger: logger
            )
        }
    }

    public func paymentAttempts(of number: OrderNumber) async throws -> [PaymentAttempt] {
        let logger = self.logger
        return try await read { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresPayments.columns) FROM payment_attempt WHERE order_id = \(number.id) ORDER BY sequence", logger: logger
            ).decoded(PostgresPayments.decode)
        }
    }

    public func stalePaymentAttempts(now: Timestamp, limit: Int) async throws -> [PaymentAttempt] {
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT \(unescaped: PostgresPayments.columns) FROM payment_attempt
                WHERE state = 'pending' AND lease_until < \(now.millisecondsSince1970) ORDER BY lease_until LIMIT \(Int64(limit))
                """, logger: logger).decoded(PostgresPayments.decode)
        }
    }
}
