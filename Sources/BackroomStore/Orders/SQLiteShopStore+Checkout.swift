import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func checkout(_ id: CartID, details: CheckoutDetails, access: CartAccess, context: WriteContext) async throws -> CheckoutResult {
        try await immediateWrite { db in
            guard let header = try CartRows.header(db, id) else { throw BackroomError.notFound("No cart \(id.abbreviated).") }
            try access.authorize(ownerID: header.customerID)
            if let orderID = header.orderID {
                // One order per cart: a repeat with the same key and details is a
                // replay; anything else meets the order that is already there.
                let previous = try OrderRows.detail(db, id: orderID)!
                let previousKey = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT ifnull(checkout_key, idempotency_key) FROM shop_order WHERE id = ?"), arguments: [orderID]
                )
                if let key = details.idempotencyKey, key == previousKey {
                    guard CheckoutRules.isSameRequest(details, as: previous.order) else {
                        throw BackroomError.validation("Idempotency-Key", "This Idempotency-Key was used for a checkout with other details; use a new key for a new request.")
                    }
                    return CheckoutResult(order: previous, isReplay: true)
                }
                throw BackroomError.conflict("This cart was already checked out as \(previous.order.number).")
            }
            guard header.status == .open else {
                throw BackroomError.conflict("This cart was already checked out.")
            }
            let now = context.at
            let lineRows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT l.product_id, l.quantity, p.sku, p.name, p.price, p.status,
                    ifnull(h.quantity, 0) AS hold_quantity, ifnull(h.expires_at, 0) AS hold_expires_at
                FROM cart_line l
                JOIN product p ON p.id = l.product_id
                LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id
                WHERE l.cart_id = ?
                ORDER BY l.added_at, l.product_id
                """), arguments: [id.rawValue])
            var states: [CheckoutLineState] = []
            for row in lineRows {
                let productID: Int64 = try row.stored("product_id")
                let holdExpiry = try row.timestamp("hold_expires_at")
                // Expired holds (this cart's included) are released first, so
                // the availability read next is live.
                try Holds.releaseExpired(db, productID: productID, now: now)
                let available = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT on_hand - held - allocated FROM product WHERE id = ?"), arguments: [productID]
                ) ?? 0
                states.append(CheckoutLineState(
                    productID: productID, sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                    unitPriceMinorUnits: try row.stored("price"), status: try row.stored("status", as: ProductStatus.self),
                    quantity: try row.stored("quantity"), ownHold: holdExpiry > now ? try row.stored("hold_quantity") : 0,
                    available: available
                ))
            }
            let plan = try CheckoutPlan.make(lines: states, currency: header.currency, cartOwnerID: header.customerID, principal: context.principal)
            let lines = plan.lines
            let ownHolds = plan.ownHolds

            for (line, ownHold) in zip(lines, ownHolds) {
                // Holds become allocation. The condition re-checks availability in
                // the statement itself, so no interleaving can oversell.
                try db.cachedStatement(sql: """
                    UPDATE product SET held = held - ?, allocated = allocated + ?
                    WHERE id = ? AND on_hand - (held - ?) - (allocated + ?) >= 0
                    """).execute(arguments: [ownHold, line.quantity, line.productID, ownHold, line.quantity])
                guard db.changesCount == 1 else {
                    throw BackroomError.insufficientStock([StockShortage(sku: line.sku, requested: line.quantity, available: 0)])
                }
            }
            try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ?").execute(arguments: [id.rawValue])

            let subtotal = plan.subtotal
            let itemCount = plan.itemCount
            let address = details.shippingAddress
            let customerID = plan.customerID
            try db.cachedStatement(sql: """
                INSERT INTO shop_order (status, customer_id, email, currency, item_count, subtotal, total,
                    ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country,
                    cart_id, checkout_key, placed_at, updated_at)
                VALUES ('pending_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    customerID, details.email.rawValue, header.currency.code, itemCount, subtotal.minorUnits, subtotal.minorUnits,
                    address.name, address.line1, address.line2, address.city, address.postalCode, address.country,
                    id.rawValue, details.idempotencyKey, now.millisecondsSince1970, now.millisecondsSince1970,
                ])
            let orderID = db.lastInsertedRowID
            let insertLine = try db.cachedStatement(sql: """
                INSERT INTO order_line (order_id, line_number, product_id, sku, name, unit_price, quantity, line_total)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (index, line) in lines.enumerated() {
                try insertLine.execute(arguments: [
                    orderID, index + 1, line.productID, line.sku.rawValue, line.name,
                    line.unitPrice.minorUnits, line.quantity, line.lineTotal.minorUnits,
                ])
            }
            let placed = OrderEvent(at: now, actor: context.principal.name, event: "placed", fromStatus: nil, toStatus: .pendingPayment, note: nil)
            try OrderRows.appendEvent(db, orderID: orderID, event: placed)
            try db.cachedStatement(sql: "UPDATE cart SET status = 'checked_out', order_id = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [orderID, now.millisecondsSince1970, id.rawValue])
            try self.bump(.stock, .orders, in: db)

            let order = Order(
                id: orderID, status: .pendingPayment, customerID: customerID, email: details.email, currency: header.currency,
                itemCount: itemCount, subtotal: subtotal, total: subtotal, shippingAddress: address,
                paymentReference: nil, cartID: id, placedAt: now, updatedAt: now
            )
            let detail = OrderDetail(order: order, lines: lines, timeline: [placed])
            try Outbox.order(db, detail, context: context)
            for (line, ownHold) in zip(lines, ownHolds) where line.quantity != ownHold {
                // Units beyond the cart's own hold came off available stock.
                try Outbox.orderMovedStock(db, productID: line.productID, delta: 0, allocatedDelta: line.quantity, heldDelta: -ownHold,
                                           movementID: nil, reason: .sale, reference: order.number.rawValue, context: context)
            }
            return CheckoutResult(order: detail, isReplay: false)
        }
    }
}
