import BackroomCore
import PostgresNIO

extension PostgresShopStore {
    /// As `ShopStore.checkout`. The cart's row is locked first (a second
    /// checkout of the same cart waits, then finds its order), then every
    /// product of the cart in id order; the plan is made on the locked
    /// numbers, and each allocation re-checks availability in its own
    /// statement.
    public func checkout(_ id: CartID, details: CheckoutDetails, access: CartAccess, context: WriteContext) async throws -> CheckoutResult {
        let logger = self.logger
        return try await write { connection, changed in
            guard let header = try await PostgresCartRows.header(connection, id, lock: true, logger: logger) else {
                throw BackroomError.notFound("No cart \(id.abbreviated).")
            }
            try access.authorize(ownerID: header.customerID)
            if let orderID = header.orderID {
                // One order per cart: a repeat with the same key and details is a
                // replay; anything else meets the order that is already there.
                guard let previous = try await PostgresOrderRows.detail(connection, id: orderID, logger: logger) else {
                    throw BackroomError(.internalError, "store error: cart \(id.abbreviated) names an order that does not exist")
                }
                let previousKey = try await connection.query(
                    "SELECT checkout_key FROM shop_order WHERE id = \(orderID)", logger: logger
                ).decoded { try $0.stored("checkout_key", as: String?.self) }.first ?? nil
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
            let ms = now.millisecondsSince1970
            // The cart's products are locked in id order, and their expired
            // holds (this cart's included) released, in one statement, so
            // the availability read next is live. The locks are taken as
            // the sorted `locked` rows are produced; a hold is deleted only
            // once its product's row came out of `locked` (holds change
            // only under their product's lock); the final count reads every
            // row of `locked`, so every product is locked by the statement's
            // end even when no hold had expired.
            try await connection.query("""
                WITH locked AS (
                    SELECT p.id FROM product p WHERE p.id IN (SELECT product_id FROM cart_line WHERE cart_id = \(id.rawValue)) ORDER BY p.id FOR UPDATE
                ), released AS (
                    DELETE FROM stock_hold h USING locked WHERE h.product_id = locked.id AND h.expires_at <= \(ms) RETURNING h.product_id, h.quantity
                ), totals AS (
                    SELECT product_id, SUM(quantity)::BIGINT AS quantity FROM released GROUP BY product_id
                ), updated AS (
                    UPDATE product p SET held = p.held - t.quantity FROM totals t WHERE p.id = t.product_id
                )
                SELECT count(*) AS locked FROM locked
                """, logger: logger)
            let states = try await connection.query("""
                SELECT l.product_id, l.quantity, p.sku, p.name, p.price, p.status,
                    coalesce(h.quantity, 0) AS hold_quantity, coalesce(h.expires_at, 0) AS hold_expires_at,
                    p.on_hand - p.held - p.allocated AS available
                FROM cart_line l
                JOIN product p ON p.id = l.product_id
                LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id
                WHERE l.cart_id = \(id.rawValue)
                ORDER BY l.added_at, l.product_id
                """, logger: logger).decoded { row in
                CheckoutLineState(
                    productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                    unitPriceMinorUnits: try row.stored("price"), status: try row.stored("status", as: ProductStatus.self),
                    quantity: try row.stored("quantity"),
                    ownHold: try row.stored("hold_expires_at", as: Int64.self) > ms ? try row.stored("hold_quantity") : 0,
                    available: try row.stored("available")
                )
            }
            let plan = try CheckoutPlan.make(lines: states, currency: header.currency, cartOwnerID: header.customerID, principal: context.principal)
            // Holds become allocation, every line in one statement; its
            // condition re-checks availability row by row.
            let allocated = Set(try await connection.query("""
                UPDATE product p SET held = p.held - v.own, allocated = p.allocated + v.quantity
                FROM unnest(\(plan.lines.map(\.productID))::BIGINT[], \(plan.ownHolds)::BIGINT[], \(plan.lines.map(\.quantity))::BIGINT[])
                    AS v(id, own, quantity)
                WHERE p.id = v.id AND p.on_hand - (p.held - v.own) - (p.allocated + v.quantity) >= 0
                RETURNING p.id
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) })
            if let short = plan.lines.first(where: { !allocated.contains($0.productID) }) {
                throw BackroomError.insufficientStock([StockShortage(sku: short.sku, requested: short.quantity, available: 0)])
            }
            // The cart's holds go, the order, its lines and its first event
            // are written and the cart is closed, in one statement (its
            // foreign keys are checked at its end, when the order exists).
            let subtotal = plan.subtotal
            let address = details.shippingAddress
            let lines = plan.lines
            let placed = OrderEvent(at: now, actor: context.principal.name, event: "placed", fromStatus: nil, toStatus: .pendingPayment, note: nil)
            let orderID = try await connection.query("""
                WITH released AS (
                    DELETE FROM stock_hold WHERE cart_id = \(id.rawValue)
                ), placed AS (
                    INSERT INTO shop_order (status, customer_id, email, currency, item_count, subtotal, total,
                        ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country,
                        cart_id, checkout_key, placed_at, updated_at)
                    VALUES ('pending_payment', \(plan.customerID), \(details.email.rawValue), \(header.currency.code), \(plan.itemCount),
                        \(subtotal.minorUnits), \(subtotal.minorUnits), \(address.name), \(address.line1), \(address.line2), \(address.city),
                        \(address.postalCode), \(address.country), \(id.rawValue), \(details.idempotencyKey), \(ms), \(ms))
                    RETURNING id
                ), order_lines AS (
                    INSERT INTO order_line (order_id, line_number, product_id, sku, name, unit_price, quantity, line_total)
                    SELECT placed.id, v.number, v.product, v.sku, v.name, v.price, v.quantity, v.total
                    FROM placed, unnest(\(lines.indices.map { Int64($0 + 1) })::BIGINT[], \(lines.map(\.productID))::BIGINT[],
                                        \(lines.map(\.sku.rawValue))::TEXT[], \(lines.map(\.name))::TEXT[], \(lines.map(\.unitPrice.minorUnits))::BIGINT[],
                                        \(lines.map(\.quantity))::BIGINT[], \(lines.map(\.lineTotal.minorUnits))::BIGINT[])
                        AS v(number, product, sku, name, price, quantity, total)
                ), first_event AS (
                    INSERT INTO order_event (order_id, at, actor, event, from_status, to_status, note)
                    SELECT placed.id, \(ms), \(placed.actor), \(placed.event), NULL, \(placed.toStatus.rawValue), NULL FROM placed
                ), closed AS (
                    UPDATE cart SET status = 'checked_out', order_id = placed.id, updated_at = \(ms) FROM placed WHERE cart.id = \(id.rawValue)
                )
                SELECT id FROM placed
                """, logger: logger).decoded { try $0.stored("id", as: Int64.self) }[0]
            let order = Order(
                id: orderID, status: .pendingPayment, customerID: plan.customerID, email: details.email, currency: header.currency,
                itemCount: plan.itemCount, subtotal: subtotal, total: subtotal, shippingAddress: address,
                paymentReference: nil, cartID: id, placedAt: now, updatedAt: now
            )
            let detail = OrderDetail(order: order, lines: plan.lines, timeline: [placed])
            try await PostgresOutbox.order(connection, detail, context: context, logger: logger)
            for (line, ownHold) in zip(plan.lines, plan.ownHolds) where line.quantity != ownHold {
                // Units beyond the cart's own hold came off available stock.
                try await PostgresOutbox.orderMovedStock(
                    connection, productID: line.productID, delta: 0, allocatedDelta: line.quantity, heldDelta: -ownHold,
                    movementID: nil, reason: .sale, reference: order.number.rawValue, context: context, logger: logger
                )
            }
            changed.mark([.stock, .orders])
            return CheckoutResult(order: detail, isReplay: false)
        }
    }
}
