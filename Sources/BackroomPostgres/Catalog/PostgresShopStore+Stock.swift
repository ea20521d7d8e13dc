import BackroomCore
import PostgresNIO

extension PostgresShopStore {
    /// As `ShopStore.changeStock`: the product's row is locked before its
    /// numbers are read, so concurrent changes of one SKU apply one after
    /// the other, each to the count the previous one committed.
    public func changeStock(_ sku: SKU, _ instruction: StockInstruction, reason: MovementReason, reference: String?, context: WriteContext) async throws -> StockChange {
        try await write { connection, changed in try await self.changeStock(connection, sku, instruction, reason: reason, reference: reference, context: context, changed: changed) }
    }

    func changeStock(
        _ connection: PostgresConnection, _ sku: SKU, _ instruction: StockInstruction, reason: MovementReason, reference: String?,
        context: WriteContext, changed: ChangedAreas
    ) async throws -> StockChange {
        let logger = self.logger
        let productID = try await PostgresInventoryRows.lock(connection, sku: sku, logger: logger)
        try await PostgresHolds.releaseExpired(connection, productID: productID, now: context.at, logger: logger)
        guard let before = try await PostgresInventoryRows.fetch(connection, id: productID, now: context.at, logger: logger) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        let delta = try instruction.delta(onHand: before.stock.onHand, sku: before.sku)
        try reason.validate(manualDelta: delta)
        let after = try before.stock.adjusted(by: delta, sku: before.sku)
        try await connection.query(
            "UPDATE product SET on_hand = \(after.onHand), updated_at = \(context.at.millisecondsSince1970) WHERE id = \(productID)", logger: logger
        )
        let movementID = try await PostgresLedger.append(
            connection, productID: productID, delta: delta, reason: reason, actor: context.principal.name,
            reference: reference, onHandAfter: after.onHand, at: context.at, logger: logger
        )
        var item = before
        item.stock = after
        item.product.updatedAt = context.at
        let movement = StockMovement(
            id: movementID, productID: productID, sku: before.sku, delta: delta, reason: reason,
            actor: context.principal.name, reference: reference, onHandAfter: after.onHand, createdAt: context.at
        )
        let change = StockChange(item: item, before: before.stock, movement: movement)
        if context.isAudited {
            let record = AuditRecord.stockChanged(before.sku, instruction, before: before.stock, after: after, reason: reason, reference: reference)
            try await PostgresAuditLog.append(connection, context: context, record, logger: logger)
        }
        try await PostgresOutbox.stockChanged(connection, change, context: context, logger: logger)
        changed.mark([.stock])
        return change
    }

    public func movements(of sku: SKU, window: ListWindow) async throws -> Window<StockMovement> {
        let logger = self.logger
        return try await read { connection in
            let found = try await connection.query("SELECT id FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(sku.rawValue))", logger: logger)
            guard let productID = try await found.decoded({ try $0.stored("id", as: Int64.self) }).first else {
                throw BackroomError.notFound("No product with SKU \(sku).")
            }
            var query = PostgresKeysetQuery(
                columns: "m.id, m.product_id, p.sku, m.delta, m.reason, m.actor, m.reference, m.on_hand_after, m.created_at",
                columnValues: [], from: "stock_movement m JOIN product p ON p.id = m.product_id",
                sortExpression: "m.id", idExpression: "m.id", direction: .descending, valueKind: .integer
            )
            query.filter("m.product_id = ?", productID)
            return try await query.fetchWindow(connection, window, logger: logger, decode: PostgresLedger.decode)
        }
    }
}

/// Holds are released lazily by writers (for the product they touch), as
/// in the SQLite store, so `held` stays equal to the sum of hold rows.
/// (Checkout releases its products' holds in the statement that locks
/// them: `PostgresShopStore+Checkout.swift`.)
enum PostgresHolds {
    static func releaseExpired(_ connection: PostgresConnection, productID: Int64, now: Timestamp, logger: Logger) async throws {
        try await connection.query("""
            WITH released AS (
                DELETE FROM stock_hold WHERE product_id = \(productID) AND expires_at <= \(now.millisecondsSince1970) RETURNING quantity
            )
            UPDATE product SET held = held - (SELECT SUM(quantity) FROM released)
            WHERE id = \(productID) AND EXISTS (SELECT 1 FROM released)
            """, logger: logger)
    }
}
