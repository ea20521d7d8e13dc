import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func changeStock(_ sku: SKU, _ instruction: StockInstruction, reason: MovementReason, reference: String?, context: WriteContext) async throws -> StockChange {
        try await immediateWrite { db in try self.changeStockInTransaction(db, sku, instruction, reason: reason, reference: reference, context: context) }
    }

    func changeStockInTransaction(_ db: Database, _ sku: SKU, _ instruction: StockInstruction, reason: MovementReason, reference: String?, context: WriteContext) throws -> StockChange {
        guard let productID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM product WHERE sku = ?"), arguments: [sku.rawValue]) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        try Holds.releaseExpired(db, productID: productID, now: context.at)
        let before = try InventoryRows.fetch(db, id: productID, now: context.at)!
        let delta = try instruction.delta(onHand: before.stock.onHand, sku: before.sku)
        try reason.validate(manualDelta: delta)
        let after = try before.stock.adjusted(by: delta, sku: before.sku)
        try db.cachedStatement(sql: "UPDATE product SET on_hand = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [after.onHand, context.at.millisecondsSince1970, productID])
        let movementID = try Ledger.append(
            db, productID: productID, delta: delta, reason: reason, actor: context.principal.name,
            reference: reference, onHandAfter: after.onHand, at: context.at
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
            try AuditLog.append(db, context: context, .stockChanged(before.sku, instruction, before: before.stock, after: after, reason: reason, reference: reference))
        }
        try Outbox.stockChanged(db, change, context: context)
        try self.bump(.stock, in: db)
        return change
    }

    public func movements(of sku: SKU, window: ListWindow) async throws -> Window<StockMovement> {
        try await snapshotRead { db in
            guard let productID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM product WHERE sku = ?"), arguments: [sku.rawValue]) else {
                throw BackroomError.notFound("No product with SKU \(sku).")
            }
            var query = KeysetQuery(
                columns: Ledger.columns, columnArguments: [], from: "stock_movement m JOIN product p ON p.id = m.product_id",
                sortExpression: "m.id", idExpression: "m.id", direction: .descending, valueKind: .integer
            )
            query.filter("m.product_id = ?", productID)
            return try query.fetchWindow(db, window, decode: Ledger.decode)
        }
    }
}
