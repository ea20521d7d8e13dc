import BackroomCore
import PostgresNIO

extension PostgresShopStore: OrderStore {
    public func order(_ number: OrderNumber) async throws -> OrderDetail? {
        let logger = self.logger
        return try await read { connection in try await PostgresOrderRows.detail(connection, id: number.id, logger: logger) }
    }

    public func orders(matching filter: OrderFilter, sort: OrderSort, window: ListWindow) async throws -> Window<Order> {
        let logger = self.logger
        return try await read { connection in
            try await PostgresOrderRows.query(filter: filter, sort: sort).fetchWindow(connection, window, logger: logger, decode: PostgresOrderRows.decode)
        }
    }

    public func countOrders(matching filter: OrderFilter) async throws -> Int {
        let logger = self.logger
        return try await read { connection in try await PostgresOrderRows.query(filter: filter, sort: OrderSort(.number)).count(connection, logger: logger) }
    }

    public func orderPosition(of key: KeysetKey, matching filter: OrderFilter, sort: OrderSort) async throws -> Int {
        let logger = self.logger
        return try await read { connection in
            try await PostgresOrderRows.query(filter: filter, sort: sort).position(connection, of: key, logger: logger)
        }
    }

    public func transitionOrder(_ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext) async throws -> OrderDetail {
        try await write { connection, changed in try await self.transitionOrder(connection, number, request, context: context, changed: changed) }
    }

    /// The order's row is locked, then its products in id order, before
    /// the state machine decides.
    func transitionOrder(
        _ connection: PostgresConnection, _ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext, changed: ChangedAreas
    ) async throws -> OrderDetail {
        let logger = self.logger
        guard let order = try await PostgresOrderRows.fetchOrder(connection, id: number.id, lock: true, logger: logger) else {
            throw BackroomError.notFound("No order \(number).")
        }
        let transition = try OrderStateMachine.transition(from: order.status, action: request.action)
        if order.status == .pendingPayment {
            let open = try await PostgresPayments.open(connection, orderID: order.id, logger: logger)
            try PaymentRules.checkNoPaymentPending(order, openAttempt: open, action: request.action)
        }
        let lines = try await PostgresOrderRows.lines(connection, orderID: order.id, currency: order.currency, logger: logger)
        let ms = context.at.millisecondsSince1970
        var stockChanged = false
        if transition.stockEffect != .none {
            try await connection.query("""
                SELECT id FROM product WHERE id IN (SELECT product_id FROM order_line WHERE order_id = \(order.id)) ORDER BY id FOR UPDATE
                """, logger: logger)
        }
        switch transition.stockEffect {
        case .none:
            break
        case .consumeAllocation:
            for line in lines {
                let onHandAfter = try await connection.query("""
                    UPDATE product SET on_hand = on_hand - \(line.quantity), allocated = allocated - \(line.quantity), updated_at = \(ms)
                    WHERE id = \(line.productID) RETURNING on_hand
                    """, logger: logger).decoded { try $0.stored("on_hand", as: Int64.self) }[0]
                let movementID = try await PostgresLedger.append(
                    connection, productID: line.productID, delta: -line.quantity, reason: .sale, actor: context.principal.name,
                    reference: number.rawValue, onHandAfter: onHandAfter, at: context.at, logger: logger
                )
                try await PostgresOutbox.orderMovedStock(
                    connection, productID: line.productID, delta: -line.quantity, allocatedDelta: -line.quantity,
                    movementID: movementID, reason: .sale, reference: number.rawValue, context: context, logger: logger
                )
            }
            stockChanged = true
        case .releaseAllocation:
            for line in lines {
                try await connection.query("UPDATE product SET allocated = allocated - \(line.quantity) WHERE id = \(line.productID)", logger: logger)
                try await PostgresOutbox.orderMovedStock(
                    connection, productID: line.productID, delta: 0, allocatedDelta: -line.quantity,
                    movementID: nil, reason: .correction, reference: number.rawValue, context: context, logger: logger
                )
            }
            stockChanged = true
        case .restockIfRequested:
            if request.restock {
                for line in lines {
                    let onHandAfter = try await connection.query("""
                        UPDATE product SET on_hand = on_hand + \(line.quantity), updated_at = \(ms) WHERE id = \(line.productID) RETURNING on_hand
                        """, logger: logger).decoded { try $0.stored("on_hand", as: Int64.self) }[0]
                    let movementID = try await PostgresLedger.append(
                        connection, productID: line.productID, delta: line.quantity, reason: .return, actor: context.principal.name,
                        reference: number.rawValue, onHandAfter: onHandAfter, at: context.at, logger: logger
                    )
                    try await PostgresOutbox.orderMovedStock(
                        connection, productID: line.productID, delta: line.quantity, allocatedDelta: 0,
                        movementID: movementID, reason: .return, reference: number.rawValue, context: context, logger: logger
                    )
                }
                stockChanged = true
            }
        }
        try await connection.query("""
            UPDATE shop_order SET status = \(transition.to.rawValue), payment_reference = coalesce(\(request.paymentReference), payment_reference),
                updated_at = \(ms)
            WHERE id = \(order.id)
            """, logger: logger)
        let note = OrderEvent.transitionNote(
            request.note, restockEffect: transition.stockEffect == .restockIfRequested, restocked: request.restock,
            paymentReference: request.paymentReference
        )
        let event = OrderEvent(
            at: context.at, actor: context.principal.name, event: request.action.rawValue,
            fromStatus: order.status, toStatus: transition.to, note: note
        )
        try await PostgresOrderRows.appendEvent(connection, orderID: order.id, event: event, logger: logger)
        if context.isAudited {
            let record = AuditRecord.orderTransition(number, request.action, from: order.status, to: transition.to, note: note)
            try await PostgresAuditLog.append(connection, context: context, record, logger: logger)
        }
        guard let detail = try await PostgresOrderRows.detail(connection, id: order.id, logger: logger) else {
            throw BackroomError.notFound("No order \(number).")
        }
        try await PostgresOutbox.order(connection, detail, context: context, logger: logger)
        changed.mark(stockChanged ? [.stock, .orders] : [.orders])
        return detail
    }
}
