import BackroomCore
import PostgresNIO

extension PostgresShopStore: CartStore {
    public func createCart(_ id: CartID, customerID: Int64?, currency: Currency, at: Timestamp) async throws -> Cart {
        let logger = self.logger
        return try await write { connection, changed in
            try await Self.insertCart(connection, id, customerID: customerID, currency: currency, at: at, logger: logger)
            return Cart(id: id, customerID: customerID, status: .open, currency: currency, lines: [], createdAt: at, updatedAt: at)
        }
    }

    public func createCart(
        _ id: CartID, customerID: Int64?, currency: Currency, lines: [CartLineQuantity], now: Timestamp, policy: HoldPolicy, limits: CartLimits
    ) async throws -> Cart {
        let logger = self.logger
        return try await write { connection, changed in
            try await Self.insertCart(connection, id, customerID: customerID, currency: currency, at: now, logger: logger)
            // Products locked in one order (by id) before any is changed, as
            // checkout locks them: two writers never wait on each other in a cycle.
            let skus = lines.map { $0.sku.rawValue }
            try await connection.query(
                "SELECT id FROM product WHERE backroom_nocase(sku) = ANY(SELECT backroom_nocase(s) FROM unnest(\(skus)) AS s) ORDER BY id FOR UPDATE",
                logger: logger
            )
            let access = CartAccess(userID: customerID)
            var changedStock = false
            for line in lines {
                changedStock = try await self.applyCartLine(
                    connection, id, sku: line.sku, quantity: line.quantity, now: now, policy: policy, limits: limits, access: access
                ) || changedStock
            }
            guard let cart = try await PostgresCartRows.fetch(connection, id, now: now, logger: logger) else {
                throw BackroomError(.internalError, "store error: the new cart was not found in its own transaction")
            }
            if changedStock { changed.mark([.stock]) }
            return cart
        }
    }

    private static func insertCart(_ connection: PostgresConnection, _ id: CartID, customerID: Int64?, currency: Currency, at: Timestamp, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO cart (id, customer_id, status, currency, created_at, updated_at)
            VALUES (\(id.rawValue), \(customerID), 'open', \(currency.code), \(at.millisecondsSince1970), \(at.millisecondsSince1970))
            """, logger: logger)
    }

    public func cart(_ id: CartID, now: Timestamp) async throws -> Cart? {
        let logger = self.logger
        return try await read { connection in try await PostgresCartRows.fetch(connection, id, now: now, logger: logger) }
    }

    public func setCartLine(_ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess) async throws -> Cart {
        let logger = self.logger
        return try await write { connection, changed in
            let changedStock = try await self.applyCartLine(connection, id, sku: sku, quantity: quantity, now: now, policy: policy, limits: limits, access: access)
            try await connection.query("UPDATE cart SET updated_at = \(now.millisecondsSince1970) WHERE id = \(id.rawValue)", logger: logger)
            guard let cart = try await PostgresCartRows.fetch(connection, id, now: now, logger: logger) else {
                throw BackroomError.notFound("No cart \(id.abbreviated).")
            }
            if changedStock { changed.mark([.stock]) }
            return cart
        }
    }

    /// One line set, its hold taken or given back, inside the caller's
    /// transaction: the cart's row and then the product's are locked before
    /// anything is read, so the decision (`CartLinePlan`) is made on
    /// numbers no one else can change before the commit. Returns whether
    /// stock numbers changed.
    private func applyCartLine(
        _ connection: PostgresConnection, _ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess
    ) async throws -> Bool {
        let logger = self.logger
        guard let header = try await PostgresCartRows.header(connection, id, lock: true, logger: logger) else {
            throw BackroomError.notFound("No cart \(id.abbreviated).")
        }
        try access.authorize(ownerID: header.customerID)
        guard header.status == .open else {
            throw BackroomError.conflict("This cart was already checked out; start a new cart.")
        }
        let product = try await connection.query("""
            SELECT id, status, currency FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(sku.rawValue)) FOR UPDATE
            """, logger: logger).decoded { row in
            (id: try row.stored("id", as: Int64.self), status: try row.stored("status", as: ProductStatus.self), currency: try row.stored("currency", as: String.self))
        }.first
        guard let product else { throw BackroomError(.notFound, "No product with SKU \(sku).", field: "sku") }
        guard product.currency == header.currency.code else {
            throw BackroomError.validation("sku", "\(sku) is priced in \(product.currency), this cart in \(header.currency.code).")
        }
        try await PostgresHolds.releaseExpired(connection, productID: product.id, now: now, logger: logger)
        let ownHold = try await connection.query(
            "SELECT quantity FROM stock_hold WHERE cart_id = \(id.rawValue) AND product_id = \(product.id)", logger: logger
        ).decoded { try $0.stored("quantity", as: Int64.self) }.first ?? 0
        let ms = now.millisecondsSince1970
        if quantity == 0 {
            try await connection.query("DELETE FROM cart_line WHERE cart_id = \(id.rawValue) AND product_id = \(product.id)", logger: logger)
            guard ownHold > 0 else { return false }
            try await connection.query("DELETE FROM stock_hold WHERE cart_id = \(id.rawValue) AND product_id = \(product.id)", logger: logger)
            try await connection.query("UPDATE product SET held = held - \(ownHold) WHERE id = \(product.id)", logger: logger)
            return true
        }
        guard product.status != .archived else {
            throw BackroomError.validation("sku", "\(sku) is archived and can no longer be bought.")
        }
        let lines = try await connection.query("""
            SELECT COUNT(*) AS line_count, COUNT(*) FILTER (WHERE product_id = \(product.id)) AS this_line FROM cart_line WHERE cart_id = \(id.rawValue)
            """, logger: logger).decoded { (count: try $0.stored("line_count", as: Int64.self), this: try $0.stored("this_line", as: Int64.self)) }[0]
        let available = try await connection.query(
            "SELECT on_hand - held - allocated AS available FROM product WHERE id = \(product.id)", logger: logger
        ).decoded { try $0.stored("available", as: Int64.self) }.first ?? 0
        let plan = try CartLinePlan.decide(
            sku: sku, quantity: quantity, lineExists: lines.this > 0, lineCount: Int(lines.count), ownHold: ownHold,
            availableToOthers: available, firstHoldAt: header.firstHoldAt, now: now, policy: policy, limits: limits
        )
        let extra = plan.heldUnits - ownHold
        if extra > 0 {
            // The row is locked; the condition is the last line of defence.
            let taken = try await connection.query(
                "UPDATE product SET held = held + \(extra) WHERE id = \(product.id) AND on_hand - held - allocated >= \(extra) RETURNING id", logger: logger
            ).decoded { try $0.stored("id", as: Int64.self) }
            guard taken.count == 1 else {
                throw BackroomError.insufficientStock([StockShortage(sku: sku, requested: quantity, available: available + ownHold)])
            }
        } else if extra < 0 {
            try await connection.query("UPDATE product SET held = held + \(extra) WHERE id = \(product.id)", logger: logger)
        }
        try await connection.query("""
            INSERT INTO cart_line (cart_id, product_id, quantity, added_at) VALUES (\(id.rawValue), \(product.id), \(quantity), \(ms))
            ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity
            """, logger: logger)
        if plan.heldUnits > 0 {
            try await connection.query("""
                INSERT INTO stock_hold (cart_id, product_id, quantity, expires_at)
                VALUES (\(id.rawValue), \(product.id), \(plan.heldUnits), \(plan.holdUntil.millisecondsSince1970))
                ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at
                """, logger: logger)
            if header.firstHoldAt == nil {
                try await connection.query("UPDATE cart SET first_hold_at = \(ms) WHERE id = \(id.rawValue)", logger: logger)
            }
        } else if ownHold > 0 {
            try await connection.query("DELETE FROM stock_hold WHERE cart_id = \(id.rawValue) AND product_id = \(product.id)", logger: logger)
        }
        return extra != 0 || plan.heldUnits > 0
    }

    public func releaseExpiredHolds(now: Timestamp, limit: Int) async throws -> Int {
        let logger = self.logger
        let ms = now.millisecondsSince1970
        return try await write { connection, changed in
            let productIDs = try await connection.query("""
                SELECT DISTINCT product_id FROM (
                    SELECT product_id FROM stock_hold WHERE expires_at <= \(ms) ORDER BY expires_at LIMIT \(Int64(limit))
                ) due
                """, logger: logger).decoded { try $0.stored("product_id", as: Int64.self) }
            guard !productIDs.isEmpty else { return 0 }
            // Holds change only under their product's lock (carts, checkout,
            // stock changes take it): locked in id order, as everyone does.
            try await connection.query("SELECT id FROM product WHERE id = ANY(\(productIDs)) ORDER BY id FOR UPDATE", logger: logger)
            let released = try await connection.query("""
                DELETE FROM stock_hold WHERE product_id = ANY(\(productIDs)) AND expires_at <= \(ms) RETURNING product_id, quantity
                """, logger: logger).decoded { (product: try $0.stored("product_id", as: Int64.self), quantity: try $0.stored("quantity", as: Int64.self)) }
            var totals: [Int64: Int64] = [:]
            for hold in released { totals[hold.product, default: 0] += hold.quantity }
            for (product, quantity) in totals.sorted(by: { $0.key < $1.key }) {
                try await connection.query("UPDATE product SET held = held - \(quantity) WHERE id = \(product)", logger: logger)
            }
            if !released.isEmpty { changed.mark([.stock]) }
            return released.count
        }
    }
}
