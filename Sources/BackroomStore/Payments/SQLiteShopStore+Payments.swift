import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func beginPayment(_ number: OrderNumber, newKey: String, leaseUntil: Timestamp, context: WriteContext) async throws -> PaymentClaim {
        try await immediateWrite { db in
            guard let order = try OrderRows.fetchOrder(db, id: number.id) else {
                throw BackroomError.notFound("No order \(number).")
            }
            let open = try PaymentAttemptRecord.open(db, orderID: order.id)
            let attempt: PaymentAttempt
            let resumed: Bool
            if var stale = try PaymentRules.claim(order: order, openAttempt: open, now: context.at) {
                stale.leaseUntil = leaseUntil
                try db.cachedStatement(sql: "UPDATE payment_attempt SET lease_until = ? WHERE id = ?")
                    .execute(arguments: [leaseUntil.millisecondsSince1970, stale.id])
                attempt = stale
                resumed = true
            } else {
                let sequence = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT ifnull(MAX(sequence), 0) + 1 FROM payment_attempt WHERE order_id = ?"), arguments: [order.id]
                ) ?? 1
                var record = PaymentAttemptRecord(PaymentAttempt(
                    id: 0, orderID: order.id, sequence: sequence, idempotencyKey: newKey, amount: order.total, state: .pending,
                    leaseUntil: leaseUntil, providerReference: nil, failure: nil, startedAt: context.at, settledAt: nil
                ))
                try record.insert(db)
                record.id = db.lastInsertedRowID
                attempt = try record.attempt()
                resumed = false
            }
            try OrderRows.appendEvent(db, orderID: order.id, event: PaymentRules.startedEvent(
                attempt, resumed: resumed, status: order.status, actor: context.principal.name, at: context.at
            ))
            try self.bump(.orders, in: db)
            return PaymentClaim(attempt: attempt, order: order, isResumed: resumed)
        }
    }

    public func settlePayment(attemptID: Int64, outcome: PaymentOutcome, context: WriteContext) async throws -> OrderDetail {
        try await immediateWrite { db in
            guard let record = try PaymentAttemptRecord.fetchOne(db, key: attemptID) else {
                throw BackroomError.notFound("No payment attempt \(attemptID).")
            }
            let attempt = try record.attempt()
            guard attempt.state == .pending else {
                throw BackroomError.conflict("Payment attempt \(attempt.sequence) of \(attempt.orderNumber) is already \(attempt.state.rawValue).")
            }
            guard let order = try OrderRows.fetchOrder(db, id: attempt.orderID) else {
                throw BackroomError.notFound("No order \(attempt.orderNumber).")
            }
            var reference: String?
            var failure: String?
            switch outcome {
            case .succeeded(let providerReference):
                // Cancelling waits for pending payments, so the order is still payable.
                let transition = try OrderStateMachine.transition(from: order.status, action: .pay)
                try db.cachedStatement(sql: "UPDATE shop_order SET status = ?, payment_reference = ?, updated_at = ? WHERE id = ?")
                    .execute(arguments: [transition.to.rawValue, providerReference, context.at.millisecondsSince1970, order.id])
                reference = providerReference
            case .declined(let reason), .abandoned(let reason):
                failure = reason
            }
            try db.cachedStatement(sql: """
                UPDATE payment_attempt SET state = ?, provider_reference = ?, failure = ?, settled_at = ? WHERE id = ?
                """).execute(arguments: [outcome.state.rawValue, reference, failure, context.at.millisecondsSince1970, attempt.id])
            try OrderRows.appendEvent(db, orderID: order.id, event: PaymentRules.settledEvent(
                attempt, outcome: outcome, status: order.status, actor: context.principal.name, at: context.at
            ))
            try self.bump(.orders, in: db)
            let detail = try OrderRows.detail(db, id: order.id)!
            if reference != nil { try Outbox.order(db, detail, context: context) }
            return detail
        }
    }

    public func extendPaymentLease(attemptID: Int64, until: Timestamp) async throws {
        try await immediateWrite { db in
            try db.cachedStatement(sql: "UPDATE payment_attempt SET lease_until = ? WHERE id = ? AND state = 'pending'")
                .execute(arguments: [until.millisecondsSince1970, attemptID])
        }
    }

    public func paymentAttempts(of number: OrderNumber) async throws -> [PaymentAttempt] {
        try await snapshotRead { db in
            try PaymentAttemptRecord
                .filter(PaymentAttemptRecord.Columns.orderID == number.id)
                .order(PaymentAttemptRecord.Columns.sequence)
                .fetchAll(db)
                .map { try $0.attempt() }
        }
    }

    public func stalePaymentAttempts(now: Timestamp, limit: Int) async throws -> [PaymentAttempt] {
        try await snapshotRead { db in
            // The literal state lets the planner use the partial index of pending attempts.
            try PaymentAttemptRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM payment_attempt WHERE state = 'pending' AND lease_until < ? ORDER BY lease_until LIMIT ?"),
                arguments: [now.millisecondsSince1970, limit]
            ).map { try $0.attempt() }
        }
    }
}
