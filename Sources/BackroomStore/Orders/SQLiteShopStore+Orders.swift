import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func order(_ number: OrderNumber) async throws -> OrderDetail? {
        try await snapshotRead { db in try OrderRows.detail(db, id: number.id) }
    }

    public func orders(matching filter: OrderFilter, sort: OrderSort, window: ListWindow) async throws -> Window<Order> {
        try await snapshotRead { db in
            try OrderRows.query(filter: filter, sort: sort).fetchWindow(db, window, decode: OrderRows.decode)
        }
    }

    public func countOrders(matching filter: OrderFilter) async throws -> Int {
        try await snapshotRead { db in try OrderRows.query(filter: filter, sort: OrderSort(.number)).count(db) }
    }

    public func orderPosition(of key: KeysetKey, matching filter: OrderFilter, sort: OrderSort) async throws -> Int {
        try await snapshotRead { db in try OrderRows.query(filter: filter, sort: sort).position(db, of: key) }
    }

    public func transitionOrder(_ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext) async throws -> OrderDetail {
        try await immediateWrite { db in try self.transitionOrderInTransaction(db, number, request, context: context) }
    }

    func transitionOrderInTransaction(_ db: Database, _ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext) throws -> OrderDetail {
        guard let order = try OrderRows.fetchOrder(db, id: number.id) else {
            throw BackroomError.notFound("No order \(number).")
        }
        let transition = try OrderStateMachine.transition(from: order.status, action: request.action)
        if order.status == .pendingPayment {
            try PaymentRules.checkNoPaymentPending(order, openAttempt: try PaymentAttemptRecord.open(db, orderID: order.id), action: request.action)
        }
        let lines = try OrderRows.lines(db, orderID: order.id, currency: order.currency)
        var stockChanged = false
        switch transition.stockEffect {
        case .none:
            break
        case .consumeAllocation:
            for line in lines {
                let onHandAfter = try Int64.fetchOne(db.cachedStatement(sql: """
                    UPDATE product SET on_hand = on_hand - ?, allocated = allocated - ?, updated_at = ?
                    WHERE id = ? RETURNING on_hand
                    """), arguments: [line.quantity, line.quantity, context.at.millisecondsSince1970, line.productID])!
                let movementID = try Ledger.append(
                    db, productID: line.productID, delta: -line.quantity, reason: .sale, actor: context.principal.name,
                    reference: number.rawValue, onHandAfter: onHandAfter, at: context.at
                )
                try Outbox.orderMovedStock(db, productID: line.productID, delta: -line.quantity, allocatedDelta: -line.quantity,
                                           movementID: movementID, reason: .sale, reference: number.rawValue, context: context)
            }
            stockChanged = true
        case .releaseAllocation:
            for line in lines {
                try db.cachedStatement(sql: "UPDATE product SET allocated = allocated - ? WHERE id = ?")
                    .execute(arguments: [line.quantity, line.productID])
                try Outbox.orderMovedStock(db, productID: line.productID, delta: 0, allocatedDelta: -line.quantity,
                                           movementID: nil, reason: .correction, reference: number.rawValue, context: context)
            }
            stockChanged = true
        case .restockIfRequested:
            if request.restock {
                for line in lines {
                    let onHandAfter = try Int64.fetchOne(db.cachedStatement(sql: """
                        UPDATE product SET on_hand = on_hand + ?, updated_at = ? WHERE id = ? RETURNING on_hand
                        """), arguments: [line.quantity, context.at.millisecondsSince1970, line.productID])!
                    let movementID = try Ledger.append(
                        db, productID: line.productID, delta: line.quantity, reason: .return, actor: context.principal.name,
                        reference: number.rawValue, onHandAfter: onHandAfter, at: context.at
                    )
                    try Outbox.orderMovedStock(db, productID: line.productID, delta: line.quantity, allocatedDelta: 0,
                                               movementID: movementID, reason: .return, reference: number.rawValue, context: context)
                }
                stockChanged = true
            }
        }
        try db.cachedStatement(sql: """
            UPDATE shop_order SET status = ?, payment_reference = ifnull(?, payment_reference), updated_at = ? WHERE id = ?
            """).execute(arguments: [transition.to.rawValue, request.paymentReference, context.at.millisecondsSince1970, order.id])
        let note = OrderEvent.transitionNote(
            request.note, restockEffect: transition.stockEffect == .restockIfRequested, restocked: request.restock,
            paymentReference: request.paymentReference
        )
        let event = OrderEvent(
            at: context.at, actor: context.principal.name, event: request.action.rawValue,
            fromStatus: order.status, toStatus: transition.to, note: note
        )
        try OrderRows.appendEvent(db, orderID: order.id, event: event)
        if context.isAudited {
            try AuditLog.append(db, context: context, .orderTransition(number, request.action, from: order.status, to: transition.to, note: note))
        }
        if stockChanged { try self.bump(.stock, in: db) }
        try self.bump(.orders, in: db)
        let detail = try OrderRows.detail(db, id: order.id)!
        try Outbox.order(db, detail, context: context)
        return detail
    }
}
