import BackroomCore
import PostgresNIO

enum PostgresCartRows {
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

    /// The cart's header; with `lock`, its row stays locked until the
    /// transaction ends, so writes to one cart apply one after the other.
    static func header(_ connection: PostgresConnection, _ id: CartID, lock: Bool = false, logger: Logger) async throws -> Header? {
        let decode = { (row: PostgresRandomAccessRow) in try header(id, row) }
        return lock
            ? try await connection.rows(LockedHeader(cartID: id.rawValue), logger: logger, decode).first
            : try await connection.rows(SharedHeader(cartID: id.rawValue), logger: logger, decode).first
    }

    /// A header from a row of `SharedHeader`'s columns.
    static func header(_ id: CartID, _ row: PostgresRandomAccessRow) throws -> Header {
        Header(
            id: id, customerID: try row.stored("customer_id"), status: try row.stored("status", as: CartStatus.self),
            currency: try row.currency("currency"), orderID: try row.stored("order_id"),
            firstHoldAt: try row.stored("first_hold_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at")
        )
    }

    /// A cart's header as it is (a read).
    struct SharedHeader: PreparedForCart {
        static let sql = "SELECT \(columns) FROM cart WHERE id = $1::TEXT"
        static let columns = "customer_id, status, currency, order_id, created_at, updated_at, first_hold_at"
        var cartID: String
    }

    /// A cart's header, its row locked until the transaction ends (a write).
    struct LockedHeader: PreparedForCart {
        static let sql = SharedHeader.sql + " FOR UPDATE"
        var cartID: String
    }

    /// A cart's lines with their products' current prices and the live
    /// holds on them (read after every write to a cart: prepared).
    struct Lines: PreparedRows {
        static let sql = """
            SELECT l.product_id, p.sku, p.name, p.price, p.currency, l.quantity, h.quantity AS hold_quantity, h.expires_at AS hold_expires_at
            FROM cart_line l
            JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id AND h.expires_at > $2::BIGINT
            WHERE l.cart_id = $1::TEXT
            ORDER BY l.added_at, l.product_id
            """
        var cartID: String
        var now: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(cartID)
            bindings.append(now)
            return bindings
        }
    }

    /// The cart with its lines, current prices and live holds.
    static func fetch(_ connection: PostgresConnection, _ id: CartID, now: Timestamp, logger: Logger) async throws -> Cart? {
        guard let header = try await header(connection, id, logger: logger) else { return nil }
        let lines = try await connection.rows(Lines(cartID: id.rawValue, now: now.millisecondsSince1970), logger: logger) { row -> CartLine in
            let holdQuantity = try row.stored("hold_quantity", as: Int64?.self)
            let holdExpiry = try row.stored("hold_expires_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))
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
