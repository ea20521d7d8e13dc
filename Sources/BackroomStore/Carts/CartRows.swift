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
        guard let row = try Row.fetchOne(statement, arguments: [id.rawValue]) else { return nil }
        return Header(
            id: id, customerID: row[0], status: CartStatus(rawValue: row[1]) ?? .open,
            currency: try Currency(code: row[2]), orderID: row[3], firstHoldAt: (row[6] as Int64?).map(Timestamp.init(millisecondsSince1970:)),
            createdAt: Timestamp(millisecondsSince1970: row[4]), updatedAt: Timestamp(millisecondsSince1970: row[5])
        )
    }

    /// The cart with its lines, current prices and live holds.
    static func fetch(_ db: Database, _ id: CartID, now: Timestamp) throws -> Cart? {
        guard let header = try header(db, id) else { return nil }
        let statement = try db.cachedStatement(sql: """
            SELECT l.product_id, p.sku, p.name, p.price, p.currency, l.quantity, h.quantity, h.expires_at
            FROM cart_line l
            JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id AND h.expires_at > ?
            WHERE l.cart_id = ?
            ORDER BY l.added_at, l.product_id
            """)
        let lines = try Row.fetchAll(statement, arguments: [now.millisecondsSince1970, id.rawValue]).map { row -> CartLine in
            let holdQuantity: Int64? = row[6]
            let holdExpiry: Int64? = row[7]
            let hold = holdQuantity.flatMap { quantity in
                holdExpiry.map { Hold(quantity: quantity, expiresAt: Timestamp(millisecondsSince1970: $0)) }
            }
            return CartLine(
                productID: row[0], sku: SKU(trusted: row[1]), name: row[2],
                unitPrice: Money(minorUnits: row[3], currency: try Currency(code: row[4])),
                quantity: row[5], hold: hold
            )
        }
        return Cart(
            id: id, customerID: header.customerID, status: header.status, currency: header.currency,
            lines: lines, createdAt: header.createdAt, updatedAt: header.updatedAt
        )
    }
}
