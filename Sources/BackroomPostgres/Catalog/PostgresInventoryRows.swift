import BackroomCore
import PostgresNIO

/// How inventory rows are read, as `InventoryRows` reads them in SQLite:
/// `held` is live, holds that expired count for nothing even before the
/// sweeper deletes them.
enum PostgresInventoryRows {
    /// The columns of an inventory row; `now` is the parameter holding the
    /// moment holds are live at (`?` in a keyset query, `$1` in a prepared one).
    static func columns(now parameter: String) -> String {
        """
        p.id, p.sku, p.name, p.description, p.price, p.currency, p.status, p.reorder_point, \
        p.version, p.created_at, p.updated_at, p.on_hand, p.allocated, \
        p.held - coalesce((SELECT SUM(h.quantity) FROM stock_hold h WHERE h.product_id = p.id AND h.expires_at <= \(parameter)), 0)::BIGINT AS live_held
        """
    }

    static let columns = columns(now: "?")

    /// The query behind every inventory list, as the SQLite store's.
    static func query(filter: ProductFilter, sort: ProductSort, now: Timestamp) -> PostgresKeysetQuery {
        let (expression, kind): (String, PostgresKeysetQuery.ValueKind) = switch sort.key {
        case .sku: ("(backroom_nocase(p.sku) COLLATE \"C\")", .text)
        case .name: ("(backroom_nocase(p.name) COLLATE \"C\")", .text)
        case .onHand: ("p.on_hand", .integer)
        case .held: ("p.held", .integer)
        case .allocated: ("p.allocated", .integer)
        case .available: ("(p.on_hand - p.held - p.allocated)", .integer)
        case .reorderPoint: ("p.reorder_point", .integer)
        case .price: ("p.price", .integer)
        case .status: ("(p.status COLLATE \"C\")", .text)
        case .updatedAt: ("p.updated_at", .integer)
        }
        var query = PostgresKeysetQuery(
            columns: columns, columnValues: [now.millisecondsSince1970], from: "product p",
            sortExpression: expression, idExpression: "p.id", direction: sort.direction, valueKind: kind
        )
        switch filter.status {
        case .active: query.filter("p.status = 'active'")
        case .archived: query.filter("p.status = 'archived'")
        case .all: break
        }
        if filter.lowStockOnly {
            // The stored held counts expired holds too, so the indexed test
            // finds a superset of the low SKUs; the second test is exact.
            query.filter("p.on_hand - p.held - p.allocated <= p.reorder_point")
            query.filter(
                "p.on_hand - p.allocated - (p.held - coalesce((SELECT SUM(h.quantity) FROM stock_hold h WHERE h.product_id = p.id AND h.expires_at <= ?), 0)) <= p.reorder_point",
                now.millisecondsSince1970
            )
        }
        for word in filter.text.flatMap(PostgresTextQuery.words) ?? [] {
            query.filter("backroom_fold(p.sku || ' ' || p.name) ~ backroom_word_prefix(?)", word)
        }
        return query
    }

    static func decode(_ row: PostgresRandomAccessRow) throws -> InventoryItem {
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

    static func fetch(_ connection: PostgresConnection, sku: SKU, now: Timestamp, logger: Logger) async throws -> InventoryItem? {
        try await connection.rows(ItemBySKU(now: now.millisecondsSince1970, sku: sku.rawValue), logger: logger, decode).first
    }

    static func fetch(_ connection: PostgresConnection, id: Int64, now: Timestamp, logger: Logger) async throws -> InventoryItem? {
        try await connection.rows(ItemByID(now: now.millisecondsSince1970, id: id), logger: logger, decode).first
    }

    /// One product by SKU: a product read the cache missed, every
    /// availability read, every write's answer. Prepared.
    struct ItemBySKU: PreparedRows {
        static let sql = """
            SELECT \(columns(now: "$1::BIGINT")) FROM product p
            WHERE backroom_nocase(p.sku) = backroom_nocase($2::TEXT)
            """
        var now: Int64
        var sku: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(now)
            bindings.append(sku)
            return bindings
        }
    }

    /// One product by id. Prepared.
    struct ItemByID: PreparedRows {
        static let sql = """
            SELECT \(columns(now: "$1::BIGINT")) FROM product p WHERE p.id = $2::BIGINT
            """
        var now: Int64
        var id: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(now)
            bindings.append(id)
            return bindings
        }
    }

    /// The product's id, its row locked until the transaction ends: every
    /// writer of a product's numbers takes this lock before reading them.
    static func lock(_ connection: PostgresConnection, sku: SKU, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("SELECT id FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(sku.rawValue)) FOR UPDATE", logger: logger)
        guard let id = try await rows.decoded({ try $0.stored("id", as: Int64.self) }).first else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        return id
    }
}
