import BackroomCore
import GRDB

enum CartRows {
    struct Header {
        var id: CartID
        var customerID: Int64?
        var status: CartStatus
        var currency: Currency
        var orderID: Int64?
        var firstHoldAt: Timestamp?
        var createdAt: Timestamp
        var updatedAt: Timestamp
    }

    static func header(_ db: Database, _ id: CartID) throws -> Header? {
        let statement = try db.cachedStatement(sql: "SELECT customer_id, status, currency, order_id, created_at, updated_at, first_hold_at FROM cart WHERE id = ?")
        return try RowsDecoded.one(statement, arguments: [id.rawValue]) { row in
            Header(
                id: id, customerID: try row.stored("customer_id"), status: try row.stored("status", as: CartStatus.self),
                currency: try row.currency("currency"), orderID: try row.stored("order_id"), firstHoldAt: try row.timestampIfPresent("first_hold_at"),
                createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at")
            )
        }
    }

    /// The cart with its lines, current prices and live holds.
    static func fetch(_ db: Database, _ id: CartID, now: Timestamp) throws -> Cart? {
        guard let header = try header(db, id) else { return nil }
        let statement = try db.cachedStatement(sql: """
            SELECT l.product_id, p.sku, p.name, p.price, p.currency, l.quantity, h.quantity AS hold_quantity, h.expires_at AS hold_expires_at
            FROM cart_line l
            JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id AND h.expires_at > ?
            WHERE l.cart_id = ?
            ORDER BY l.added_at, l.product_id
            """)
        let lines = try RowsDecoded.all(statement, arguments: [now.millisecondsSince1970, id.rawValue]) { row -> CartLine in
            let holdQuantity: Int64? = try row.stored("hold_quantity")
            let holdExpiry = try row.timestampIfPresent("hold_expires_at")
            let hold = holdQuantity.flatMap { quantity in holdExpiry.map { Hold(quantity: quantity, expiresAt: $0) } }
            return CartLine(
                productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), name: try row.stored("name"),
                unitPrice: Money(minorUnits: try row.stored("price"), currency: try row.currency("currency")),
                quantity: try row.stored("quantity"), hold: hold
            )
        }
        return Cart(
            id: id, customerID: header.customerID, status: header.status, currency: header.currency,
            lines: lines, createdAt: header.createdAt, updatedAt: header.updatedAt
        )
    }
}
