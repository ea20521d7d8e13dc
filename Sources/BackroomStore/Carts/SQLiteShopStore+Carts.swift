import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func createCart(_ id: CartID, customerID: Int64?, currency: Currency, at: Timestamp) async throws -> Cart {
        try await immediateWrite { db in
            try Self.insertCart(db, id, customerID: customerID, currency: currency, at: at)
            return Cart(id: id, customerID: customerID, status: .open, currency: currency, lines: [], createdAt: at, updatedAt: at)
        }
    }

    public func createCart(
        _ id: CartID, customerID: Int64?, currency: Currency, lines: [CartLineQuantity], now: Timestamp, policy: HoldPolicy, limits: CartLimits
    ) async throws -> Cart {
        try await immediateWrite { db in
            try Self.insertCart(db, id, customerID: customerID, currency: currency, at: now)
            let access = CartAccess(userID: customerID)
            for line in lines {
                try self.applyCartLine(db, id, sku: line.sku, quantity: line.quantity, now: now, policy: policy, limits: limits, access: access)
            }
            return try CartRows.fetch(db, id, now: now)!
        }
    }

    private static func insertCart(_ db: Database, _ id: CartID, customerID: Int64?, currency: Currency, at: Timestamp) throws {
        try db.cachedStatement(sql: "INSERT INTO cart (id, customer_id, status, currency, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?)")
            .execute(arguments: [id.rawValue, customerID, currency.code, at.millisecondsSince1970, at.millisecondsSince1970])
    }

    public func cart(_ id: CartID, now: Timestamp) async throws -> Cart? {
        try await snapshotRead { db in try CartRows.fetch(db, id, now: now) }
    }

    public func setCartLine(_ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess) async throws -> Cart {
        try await immediateWrite { db in
            try self.applyCartLine(db, id, sku: sku, quantity: quantity, now: now, policy: policy, limits: limits, access: access)
            try db.cachedStatement(sql: "UPDATE cart SET updated_at = ? WHERE id = ?").execute(arguments: [now.millisecondsSince1970, id.rawValue])
            return try CartRows.fetch(db, id, now: now)!
        }
    }

    /// One line set, its hold taken or given back, inside the caller's transaction.
    private func applyCartLine(
        _ db: Database, _ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess
    ) throws {
        guard let header = try CartRows.header(db, id) else { throw BackroomError.notFound("No cart \(id.abbreviated).") }
        try access.authorize(ownerID: header.customerID)
        guard header.status == .open else {
            throw BackroomError.conflict("This cart was already checked out; start a new cart.")
        }
        let productRow = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, status, currency FROM product WHERE sku = ?"), arguments: [sku.rawValue]
        )
        guard let productRow else { throw BackroomError(.notFound, "No product with SKU \(sku).", field: "sku") }
        let productID: Int64 = try productRow.stored("id")
        let isArchived = try productRow.stored("status", as: ProductStatus.self) == .archived
        let currencyCode: String = try productRow.stored("currency")
        guard currencyCode == header.currency.code else {
            throw BackroomError.validation("sku", "\(sku) is priced in \(currencyCode), this cart in \(header.currency.code).")
        }
        try Holds.releaseExpired(db, productID: productID, now: now)
        let ownHold = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT quantity FROM stock_hold WHERE cart_id = ? AND product_id = ?"),
            arguments: [id.rawValue, productID]
        ) ?? 0
        let ms = now.millisecondsSince1970
        if quantity == 0 {
            try db.cachedStatement(sql: "DELETE FROM cart_line WHERE cart_id = ? AND product_id = ?").execute(arguments: [id.rawValue, productID])
            if ownHold > 0 {
                try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ? AND product_id = ?").execute(arguments: [id.rawValue, productID])
                try db.cachedStatement(sql: "UPDATE product SET held = held - ? WHERE id = ?").execute(arguments: [ownHold, productID])
                try self.bump(.stock, in: db)
            }
        } else {
            guard !isArchived else {
                throw BackroomError.validation("sku", "\(sku) is archived and can no longer be bought.")
            }
            let lines = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) AS line_count, ifnull(SUM(product_id = ?), 0) AS this_line FROM cart_line WHERE cart_id = ?"),
                arguments: [productID, id.rawValue]
            )!
            let available = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT on_hand - held - allocated FROM product WHERE id = ?"), arguments: [productID]
            ) ?? 0
            let plan = try CartLinePlan.decide(
                sku: sku, quantity: quantity, lineExists: try lines.stored("this_line", as: Int64.self) > 0, lineCount: try lines.stored("line_count"), ownHold: ownHold,
                availableToOthers: available, firstHoldAt: header.firstHoldAt, now: now, policy: policy, limits: limits
            )
            let extra = plan.heldUnits - ownHold
            if extra > 0 {
                // Conditional update: the row changes only if the extra units are available now.
                try db.cachedStatement(sql: "UPDATE product SET held = held + ? WHERE id = ? AND on_hand - held - allocated >= ?")
                    .execute(arguments: [extra, productID, extra])
                guard db.changesCount == 1 else {
                    throw BackroomError.insufficientStock([StockShortage(sku: sku, requested: quantity, available: available + ownHold)])
                }
            } else if extra < 0 {
                try db.cachedStatement(sql: "UPDATE product SET held = held + ? WHERE id = ?").execute(arguments: [extra, productID])
            }
            try db.cachedStatement(sql: """
                INSERT INTO cart_line (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity
                """).execute(arguments: [id.rawValue, productID, quantity, ms])
            if plan.heldUnits > 0 {
                try db.cachedStatement(sql: """
                    INSERT INTO stock_hold (cart_id, product_id, quantity, expires_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at
                    """).execute(arguments: [id.rawValue, productID, plan.heldUnits, plan.holdUntil.millisecondsSince1970])
                if header.firstHoldAt == nil {
                    try db.cachedStatement(sql: "UPDATE cart SET first_hold_at = ? WHERE id = ?").execute(arguments: [ms, id.rawValue])
                }
            } else if ownHold > 0 {
                try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ? AND product_id = ?").execute(arguments: [id.rawValue, productID])
            }
            if extra != 0 || plan.heldUnits > 0 { try self.bump(.stock, in: db) }
        }
    }

    public func releaseExpiredHolds(now: Timestamp, limit: Int) async throws -> Int {
        try await immediateWrite { db in
            let expired = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT cart_id, product_id, quantity FROM stock_hold WHERE expires_at <= ? ORDER BY expires_at LIMIT ?"),
                arguments: [now.millisecondsSince1970, limit]
            )
            guard !expired.isEmpty else { return 0 }
            for row in expired {
                let cartID: String = try row.stored("cart_id")
                let productID: Int64 = try row.stored("product_id")
                let quantity: Int64 = try row.stored("quantity")
                try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ? AND product_id = ?").execute(arguments: [cartID, productID])
                try db.cachedStatement(sql: "UPDATE product SET held = held - ? WHERE id = ?").execute(arguments: [quantity, productID])
            }
            try self.bump(.stock, in: db)
            return expired.count
        }
    }
}
