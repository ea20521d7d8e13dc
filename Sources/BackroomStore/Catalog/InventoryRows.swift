import BackroomCore
import GRDB

/// How inventory rows are selected and decoded. `held` is live: holds that
/// expired count for nothing, even before the sweeper deletes them.
enum InventoryRows {
    /// Binds one argument: now (ms).
    static let columns = """
        p.id, p.sku, p.name, p.description, p.price, p.currency, p.status, p.reorder_point, \
        p.version, p.created_at, p.updated_at, p.on_hand, p.allocated, \
        p.held - ifnull((SELECT SUM(h.quantity) FROM stock_hold h WHERE h.product_id = p.id AND h.expires_at <= ?), 0) AS live_held
        """

    static func decode(_ row: Row) throws -> InventoryItem {
        let currency = try row.currency("currency")
        let product = Product(
            id: try row.stored("id"),
            sku: SKU(trusted: try row.stored("sku")),
            name: try row.stored("name"),
            description: try row.stored("description"),
            price: Money(minorUnits: try row.stored("price"), currency: currency),
            status: try row.stored("status", as: ProductStatus.self),
            reorderPoint: try row.stored("reorder_point"),
            version: try row.stored("version"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at")
        )
        let stock = StockLevel(onHand: try row.stored("on_hand"), held: try row.stored("live_held"), allocated: try row.stored("allocated"))
        return InventoryItem(product: product, stock: stock)
    }

    static func fetch(_ db: Database, sku: SKU, now: Timestamp) throws -> InventoryItem? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM product p WHERE p.sku = ?")
        return try RowsDecoded.one(statement, arguments: [now.millisecondsSince1970, sku.rawValue], decode)
    }

    static func fetch(_ db: Database, id: Int64, now: Timestamp) throws -> InventoryItem? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM product p WHERE p.id = ?")
        return try RowsDecoded.one(statement, arguments: [now.millisecondsSince1970, id], decode)
    }

    static func require(_ db: Database, sku: SKU, now: Timestamp) throws -> InventoryItem {
        guard let item = try fetch(db, sku: sku, now: now) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        return item
    }

    /// The query behind every inventory list.
    static func query(filter: ProductFilter, sort: ProductSort, now: Timestamp) -> KeysetQuery {
        let (expression, kind): (String, KeysetQuery.ValueKind) = switch sort.key {
        case .sku: ("p.sku", .text)
        case .name: ("p.name", .text)
        case .onHand: ("p.on_hand", .integer)
        case .held: ("p.held", .integer)
        case .allocated: ("p.allocated", .integer)
        case .available: ("(p.on_hand - p.held - p.allocated)", .integer)
        case .reorderPoint: ("p.reorder_point", .integer)
        case .price: ("p.price", .integer)
        case .status: ("p.status", .text)
        case .updatedAt: ("p.updated_at", .integer)
        }
        var query = KeysetQuery(
            columns: columns, columnArguments: [now.millisecondsSince1970], from: "product p",
            sortExpression: expression, idExpression: "p.id", direction: sort.direction, valueKind: kind
        )
        switch filter.status {
        case .active: query.filter(scanning: "p.status = 'active'")
        case .archived: query.filter(scanning: "p.status = 'archived'")
        case .all: break
        }
        if filter.lowStockOnly {
            // The stored held counts expired holds too, so this indexed test
            // finds a superset of the low SKUs; the second test is exact.
            query.filter("p.on_hand - p.held - p.allocated <= p.reorder_point")
            query.filter(
                "p.on_hand - p.allocated - (p.held - ifnull((SELECT SUM(h.quantity) FROM stock_hold h WHERE h.product_id = p.id AND h.expires_at <= ?), 0)) <= p.reorder_point",
                now.millisecondsSince1970
            )
        }
        if let text = filter.text, let match = FullTextQuery.prefixQuery(text) {
            query.filter("p.id IN (SELECT rowid FROM product_fts WHERE product_fts MATCH ?)", match)
        }
        return query
    }
}
