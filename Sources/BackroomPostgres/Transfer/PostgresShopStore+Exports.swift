import BackroomCore
import PostgresNIO

/// Whole tables in id order, for exports.
extension PostgresShopStore: ExportStore {
    public func movements(afterID: Int64, limit: Int) async throws -> [StockMovement] {
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT m.id, m.product_id, p.sku, m.delta, m.reason, m.actor, m.reference, m.on_hand_after, m.created_at
                FROM stock_movement m JOIN product p ON p.id = m.product_id WHERE m.id > \(afterID) ORDER BY m.id LIMIT \(Int64(limit))
                """, logger: logger).decoded(PostgresLedger.decode)
        }
    }

    public func orderLines(afterOrderID: Int64, orders: Int) async throws -> [OrderLineRecord] {
        let currency = self.currency
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT o.id, o.placed_at, l.product_id, l.sku, l.name, l.unit_price, l.quantity, l.line_total
                FROM (SELECT id, placed_at FROM shop_order WHERE id > \(afterOrderID) ORDER BY id LIMIT \(Int64(orders))) o
                JOIN order_line l ON l.order_id = o.id
                ORDER BY o.id, l.line_number
                """, logger: logger).decoded { row in
                let orderID = try row.stored("id", as: Int64.self)
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
}
