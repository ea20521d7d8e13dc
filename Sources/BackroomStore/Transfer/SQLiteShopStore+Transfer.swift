import BackroomCore
import GRDB

/// Reads for imports (many SKUs at once) and exports (whole tables in id
/// order), and an import's one audit entry.
extension SQLiteShopStore {
    public func inventoryItems(skus: [SKU], now: Timestamp) async throws -> [InventoryItem] {
        guard !skus.isEmpty else { return [] }
        return try await snapshotRead { db in
            var items: [InventoryItem] = []
            items.reserveCapacity(skus.count)
            // SQLite binds at most 32,766 arguments; chunks of 500 keep each statement small.
            for start in stride(from: 0, to: skus.count, by: 500) {
                let chunk = skus[start..<min(skus.count, start + 500)]
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var arguments: StatementArguments = [now.millisecondsSince1970]
                arguments += StatementArguments(chunk.map(\.rawValue))
                items += try RowsDecoded.all(
                    db.makeStatement(sql: "SELECT \(InventoryRows.columns) FROM product p WHERE p.sku IN (\(placeholders))"), arguments: arguments,
                    InventoryRows.decode
                )
            }
            return items
        }
    }

    public func movements(afterID: Int64, limit: Int) async throws -> [StockMovement] {
        try await snapshotRead { db in
            try RowsDecoded.all(
                db.cachedStatement(sql: "SELECT \(Ledger.columns) FROM stock_movement m JOIN product p ON p.id = m.product_id WHERE m.id > ? ORDER BY m.id LIMIT ?"),
                arguments: [afterID, limit], Ledger.decode
            )
        }
    }

    public func orderLines(afterOrderID: Int64, orders: Int) async throws -> [OrderLineRecord] {
        let currency = self.currency
        return try await snapshotRead { db in
            try RowsDecoded.all(
                db.cachedStatement(sql: """
                    SELECT o.id, o.placed_at, l.product_id, l.sku, l.name, l.unit_price, l.quantity, l.line_total
                    FROM (SELECT id, placed_at FROM shop_order WHERE id > ? ORDER BY id LIMIT ?) o
                    JOIN order_line l ON l.order_id = o.id
                    ORDER BY o.id, l.line_number
                    """),
                arguments: [afterOrderID, orders]
            ) { row in
                let orderID: Int64 = try row.stored("id")
                return OrderLineRecord(
                    orderID: orderID, number: OrderNumber(id: orderID), placedAt: try row.timestamp("placed_at"),
                    line: OrderLine(
                        productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                        unitPrice: Money(minorUnits: try row.stored("unit_price"), currency: currency),
                        quantity: try row.stored("quantity"), lineTotal: Money(minorUnits: try row.stored("line_total"), currency: currency)
                    )
                )
            }
        }
    }

    public func recordAudit(_ record: AuditRecord, context: WriteContext) async throws {
        try await immediateWrite { db in try AuditLog.append(db, context: context, record) }
    }
}
