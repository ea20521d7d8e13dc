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
        return try await write { connection, _ in
            let lockCart = CheckoutStatements.LockCart(cartID: id.rawValue)
            guard let header = try await connection.rows(lockCart, logger: logger, { try PostgresCartRows.header(id, $0) }).first else {
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
            // The products are locked and their expired holds released
            // before the numbers the plan decides on are read.
            try await connection.run(CheckoutStatements.LockProducts(cartID: id.rawValue, now: ms), logger: logger)
            let states = try await connection.rows(CheckoutStatements.LineStates(cartID: id.rawValue), logger: logger) { row in
                CheckoutLineState(
                    productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                    unitPriceMinorUnits: try row.stored("price"), status: try row.stored("status", as: ProductStatus.self),
                    quantity: try row.stored("quantity"),
                    ownHold: try row.stored("hold_expires_at", as: Int64.self) > ms ? try row.stored("hold_quantity") : 0,
                    available: try row.stored("available")
                )
            }
            let plan = try CheckoutPlan.make(lines: states, currency: header.currency, cartOwnerID: header.customerID, principal: context.principal)
            let allocation = CheckoutStatements.Allocate(productIDs: plan.lines.map(\.productID), ownHolds: plan.ownHolds, quantities: plan.lines.map(\.quantity))
            let allocatedRows = try await connection.rows(allocation, logger: logger) {
                (product: try $0.stored("id", as: Int64.self), order: try $0.stored("order_id", as: Int64.self))
            }
            let allocated = Set(allocatedRows.map(\.product))
            if let short = plan.lines.first(where: { !allocated.contains($0.productID) }) {
                throw BackroomError.insufficientStock([StockShortage(sku: short.sku, requested: short.quantity, available: 0)])
            }
            guard let orderID = allocatedRows.first?.order else {
                throw BackroomError(.internalError, "store error: cart \(id.abbreviated) has no lines to order")
            }
            let subtotal = plan.subtotal
            let address = details.shippingAddress
            let placed = OrderEvent(at: now, actor: context.principal.name, event: "placed", fromStatus: nil, toStatus: .pendingPayment, note: nil)
            let order = Order(
                id: orderID, status: .pendingPayment, customerID: plan.customerID, email: details.email, currency: header.currency,
                itemCount: plan.itemCount, subtotal: subtotal, total: subtotal, shippingAddress: address,
                paymentReference: nil, cartID: id, placedAt: now, updatedAt: now
            )
            let detail = OrderDetail(order: order, lines: plan.lines, timeline: [placed])
            // The order with everything it writes, its event and the
            // revision bump included: one statement (so `write` has
            // nothing left to bump for it).
            let placement = CheckoutStatements.PlaceOrder(
                orderID: orderID, cartID: id.rawValue, customerID: plan.customerID, email: details.email.rawValue,
                currency: header.currency.code, itemCount: plan.itemCount, subtotal: subtotal.minorUnits, address: address,
                checkoutKey: details.idempotencyKey, at: ms, lines: plan.lines, placed: placed,
                event: try PostgresOutbox.orderEvent(detail, context: context),
                revision: PostgresRevision.Bump(shard: PostgresRevision.shard(of: connection), areas: [RevisionArea.orders.rawValue, RevisionArea.stock.rawValue])
            )
            guard try await connection.rows(placement, logger: logger, { try $0.stored("id", as: Int64.self) }).first == orderID else {
                throw BackroomError(.internalError, "store error: the order of cart \(id.abbreviated) was not written")
            }
            for (line, ownHold) in zip(plan.lines, plan.ownHolds) where line.quantity != ownHold {
                // Units beyond the cart's own hold came off available stock.
                try await PostgresOutbox.orderMovedStock(
                    connection, productID: line.productID, delta: 0, allocatedDelta: line.quantity, heldDelta: -ownHold,
                    movementID: nil, reason: .sale, reference: order.number.rawValue, context: context, logger: logger
                )
            }
            return CheckoutResult(order: detail, isReplay: false)
        }
    }
}
