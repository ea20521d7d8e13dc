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
            try await connection.run(CartLineStatements.LockProducts(skus: lines.map(\.sku.rawValue)), logger: logger)
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
        try await connection.run(CartLineStatements.InsertCart(cartID: id.rawValue, customerID: customerID, currency: currency.code, at: at.millisecondsSince1970), logger: logger)
    }

    public func cart(_ id: CartID, now: Timestamp) async throws -> Cart? {
        let logger = self.logger
        return try await read { connection in try await PostgresCartRows.fetch(connection, id, now: now, logger: logger) }
    }

    public func setCartLine(_ id: CartID, sku: SKU, quantity: Int64, now: Timestamp, policy: HoldPolicy, limits: CartLimits, access: CartAccess) async throws -> Cart {
        let logger = self.logger
        return try await write { connection, changed in
            let changedStock = try await self.applyCartLine(connection, id, sku: sku, quantity: quantity, now: now, policy: policy, limits: limits, access: access)
            guard let cart = try await PostgresCartRows.fetch(connection, id, now: now, logger: logger) else {
                throw BackroomError.notFound("No cart \(id.abbreviated).")
            }
            if changedStock { changed.mark([.stock]) }
            return cart
        }
    }

    /// One line set, its hold taken or given back and the cart touched,
    /// inside the caller's transaction: the cart's row and then the
    /// product's are locked before anything is read, so the decision
    /// (`CartLinePlan`) is made on numbers no one else can change before
    /// the commit (`CartLineStatements`). Returns whether stock numbers
    /// changed.
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
        let ms = now.millisecondsSince1970
        let product = try await connection.rows(CartLineStatements.LockProduct(sku: sku.rawValue, now: ms), logger: logger) { row in
            (id: try row.stored("id", as: Int64.self), status: try row.stored("status", as: ProductStatus.self), currency: try row.stored("currency", as: String.self))
        }.first
        guard let product else { throw BackroomError(.notFound, "No product with SKU \(sku).", field: "sku") }
        guard product.currency == header.currency.code else {
            throw BackroomError.validation("sku", "\(sku) is priced in \(product.currency), this cart in \(header.currency.code).")
        }
        if quantity == 0 {
            let released = try await connection.rows(CartLineStatements.RemoveLine(cartID: id.rawValue, productID: product.id, now: ms), logger: logger) {
                try $0.stored("released", as: Int64.self)
            }.first ?? 0
            return released > 0
        }
        guard product.status != .archived else {
            throw BackroomError.validation("sku", "\(sku) is archived and can no longer be bought.")
        }
        let state = try await connection.rows(CartLineStatements.LineState(cartID: id.rawValue, productID: product.id), logger: logger) { row in
            (
                ownHold: try row.stored("own_hold", as: Int64.self), lineCount: try row.stored("line_count", as: Int64.self),
                lineExists: try row.stored("line_exists", as: Bool.self), available: try row.stored("available", as: Int64.self)
            )
        }[0]
        let plan = try CartLinePlan.decide(
            sku: sku, quantity: quantity, lineExists: state.lineExists, lineCount: Int(state.lineCount), ownHold: state.ownHold,
            availableToOthers: state.available, firstHoldAt: header.firstHoldAt, now: now, policy: policy, limits: limits
        )
        let extra = plan.heldUnits - state.ownHold
        let written = CartLineStatements.SetLine(
            cartID: id.rawValue, productID: product.id, extra: extra, quantity: quantity, now: ms,
            heldUnits: plan.heldUnits, holdUntil: plan.holdUntil.millisecondsSince1970
        )
        let taken = try await connection.rows(written, logger: logger) { try $0.stored("taken", as: Int64.self) }.first ?? 0
        guard extra <= 0 || taken == 1 else {
            throw BackroomError.insufficientStock([StockShortage(sku: sku, requested: quantity, available: state.available + state.ownHold)])
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
