import BackroomCore
import GRDB

/// What `backroom bench` needs below the service layer: the raw statements
/// a use case runs (the schema's floor, to measure the services against),
/// the cheapest reads, and the sample rows a benchmark works through. They
/// live in the store so that no module above it speaks SQL or GRDB.
extension SQLiteShopStore {
    /// Products in the store, archived ones included.
    public func productRowCount() async throws -> Int {
        try await snapshotRead { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product") ?? 0 }
    }

    /// Every SKU, or one in `every` (by id) up to `limit`.
    public func sampleSKUs(every: Int = 1, limit: Int = Int.max) async throws -> [SKU] {
        try await snapshotRead { db in
            try String.fetchAll(db, sql: "SELECT sku FROM product WHERE id % ? = 0 ORDER BY id LIMIT ?", arguments: [every, limit])
        }.map(SKU.init(trusted:))
    }

    /// The newest `limit` active products with what they have on hand and
    /// what is committed (allocated plus held).
    public func activeStockSample(limit: Int) async throws -> [(sku: SKU, onHand: Int64, committed: Int64)] {
        try await snapshotRead { db in
            try RowsDecoded.all(db.cachedStatement(sql: """
                SELECT sku, on_hand, allocated + held AS committed FROM product
                WHERE status = 'active' ORDER BY id DESC LIMIT ?
                """), arguments: [limit]) { row in
                (SKU(trusted: try row.stored("sku")), try row.stored("on_hand"), try row.stored("committed"))
            }
        }
    }

    /// A million units of every product, active, recorded in the ledger as
    /// one delivery each: a checkout benchmark never runs out.
    public func stockEveryProductForBenchmark() async throws {
        try await immediateWrite { db in
            try db.execute(sql: """
                DELETE FROM stock_movement;
                UPDATE product SET on_hand = 1000000, status = 'active';
                INSERT INTO stock_movement (product_id, delta, reason, actor, on_hand_after, created_at)
                    SELECT id, 1000000, 'received', 'bench', 1000000, 0 FROM product;
                """)
        }
    }

    /// The floor of any read: `SELECT 1` through the async read path.
    public func trivialRead() async throws {
        _ = try await snapshotRead { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// A product row by SKU as a blocking read, decoding nothing: the floor
    /// under `inventoryItem`.
    public func blockingProductRead(_ sku: SKU) throws {
        _ = try pool.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM product WHERE sku = ?"), arguments: [sku.rawValue]) }
    }

    /// The rows a checkout reads and writes, without validation,
    /// authorisation, events or result building; all `carts` in one
    /// transaction.
    public func rawCheckouts(_ carts: [CartID]) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                for cart in carts { try Self.rawCheckout(db, cart: cart) }
                return .commit
            }
        }
    }

    private static func rawCheckout(_ db: Database, cart: CartID) throws {
        let lines = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.product_id, l.quantity, p.sku, p.name, p.price, ifnull(h.quantity, 0) AS held
            FROM cart_line l JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id
            WHERE l.cart_id = ?
            """), arguments: [cart.rawValue])
        var total: Int64 = 0
        var items: Int64 = 0
        for line in lines {
            let quantity: Int64 = try line.stored("quantity")
            let held: Int64 = try line.stored("held")
            let price: Int64 = try line.stored("price")
            try db.cachedStatement(sql: "UPDATE product SET held = held - ?, allocated = allocated + ? WHERE id = ? AND on_hand - (held - ?) - (allocated + ?) >= 0")
                .execute(arguments: [held, quantity, try line.stored("product_id", as: Int64.self), held, quantity])
            total += price * quantity
            items += quantity
        }
        try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ?").execute(arguments: [cart.rawValue])
        try db.cachedStatement(sql: """
            INSERT INTO shop_order (status, email, currency, item_count, subtotal, total, ship_name, ship_line1, ship_city,
                ship_postal_code, ship_country, cart_id, placed_at, updated_at)
            VALUES ('pending_payment', 'bench@example.com', 'EUR', ?, ?, ?, 'Bench', 'Street 1', 'Berlin', '10115', 'DE', ?, 0, 0)
            """).execute(arguments: [items, total, total, cart.rawValue])
        let orderID = db.lastInsertedRowID
        for (index, line) in lines.enumerated() {
            let quantity: Int64 = try line.stored("quantity")
            let price: Int64 = try line.stored("price")
            try db.cachedStatement(sql: "INSERT INTO order_line VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(arguments: [
                orderID, index + 1, try line.stored("product_id", as: Int64.self), try line.stored("sku", as: String.self),
                try line.stored("name", as: String.self), price, quantity, price * quantity,
            ])
        }
        try db.cachedStatement(sql: "INSERT INTO order_event (order_id, at, actor, event, to_status) VALUES (?, 0, 'bench', 'placed', 'pending_payment')")
            .execute(arguments: [orderID])
        try db.cachedStatement(sql: "UPDATE cart SET status = 'checked_out', order_id = ? WHERE id = ?").execute(arguments: [orderID, cart.rawValue])
    }
}
