import BackroomCore
@testable import BackroomStore
import BackroomTestSupport
import GRDB
import Testing

/// The hot list queries must be served by an index: a full scan or a
/// temporary sort would make a million-row store crawl. The SQL checked is
/// the SQL the store generates.
@Suite("Query plans")
struct QueryPlanTests {
    static let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    static let textKey = KeysetKey(value: .text("M"), id: 9)
    static let numberKey = KeysetKey(value: .integer(5), id: 9)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var sql: String
        var arguments: [any DatabaseValueConvertible & Sendable]
        var expectedIndex: String
        var testDescription: String { name }
    }

    /// The last statement of a window read: for a read past a key, the seek
    /// beyond the key's value (the seek among its ties is checked by `ties`).
    static func listing(_ name: String, _ query: KeysetQuery, _ anchor: WindowAnchor, _ index: String, part: Int = -1) -> Case {
        let parts = try! query.windowParts(ListWindow(anchor: anchor, limit: 30)).parts
        let statement = part < 0 ? parts.last! : parts[part]
        return Case(name: name, sql: statement.sql, arguments: statement.arguments.map { $0.databaseValue }, expectedIndex: index)
    }

    static let cases: [Case] = [
        Case(name: "product by SKU", sql: "SELECT id FROM product WHERE sku = ?", arguments: ["MUG-1"], expectedIndex: "sqlite_autoindex_product_1"),
        listing("inventory by SKU, first page", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.sku), now: now), .first, "sqlite_autoindex_product_1"),
        listing("inventory by SKU, after a key", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.sku), now: now), .after(textKey), "sqlite_autoindex_product_1 (sku>?)"),
        listing("inventory by name, before a key", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.name, .descending), now: now), .before(textKey), "product_by_name (name>?)"),
        listing("inventory by available, deep", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.available, .descending), now: now), .after(numberKey), "product_by_available (<expr><?)"),
        listing("inventory by available, among ties", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.available, .descending), now: now), .after(numberKey), "product_by_available (<expr>=? AND rowid<?)", part: 0),
        listing("inventory by status, among ties", InventoryRows.query(filter: ProductFilter(status: .all), sort: ProductSort(.status), now: now), .after(textKey), "product_by_status (status=? AND rowid>?)", part: 0),
        listing("inventory by price, last page", InventoryRows.query(filter: ProductFilter(), sort: ProductSort(.price), now: now), .last, "product_by_price"),
        listing("low stock by SKU", InventoryRows.query(filter: ProductFilter(lowStockOnly: true), sort: ProductSort(.sku), now: now), .after(textKey), "product_low_stock"),
        listing("ledger of a SKU", {
            var query = KeysetQuery(columns: Ledger.columns, columnArguments: [], from: "stock_movement m JOIN product p ON p.id = m.product_id",
                                    sortExpression: "m.id", idExpression: "m.id", direction: .descending, valueKind: .integer)
            query.filter("m.product_id = ?", 1)
            return query
        }(), .after(numberKey), "stock_movement_by_product"),
        listing("orders, newest first", OrderRows.query(filter: OrderFilter(), sort: OrderSort(.number, .descending)), .after(numberKey), "INTEGER PRIMARY KEY"),
        listing("orders by status", OrderRows.query(filter: OrderFilter(statuses: [.paid]), sort: OrderSort(.number, .descending)), .after(numberKey), "INTEGER PRIMARY KEY"),
        listing("orders by time placed", OrderRows.query(filter: OrderFilter(), sort: OrderSort(.placedAt)), .after(numberKey), "shop_order_by_placed_at (placed_at>?)"),
        listing("orders of a customer", OrderRows.query(filter: OrderFilter(customerID: 7), sort: OrderSort(.number, .descending)), .first, "shop_order_by_customer"),
        listing("users by last login", UserRows.query(filter: UserFilter(), sort: UserSort(.lastLoginAt, .descending)), .after(numberKey), "user_by_last_login (<expr><?)"),
        listing("users by email", UserRows.query(filter: UserFilter(role: .customer), sort: UserSort(.email)), .after(textKey), "sqlite_autoindex_user_1 (email>?)"),
        Case(name: "token lookup", sql: "SELECT user_id FROM api_token WHERE token_hash = ?", arguments: ["x"], expectedIndex: "sqlite_autoindex_api_token_1"),
        Case(name: "live holds of a product", sql: "SELECT SUM(quantity) FROM stock_hold WHERE product_id = ? AND expires_at <= ?", arguments: [1, 5], expectedIndex: "stock_hold_by_product"),
        Case(name: "expired holds", sql: "SELECT cart_id FROM stock_hold WHERE expires_at <= ? ORDER BY expires_at LIMIT 10", arguments: [5], expectedIndex: "stock_hold_by_expiry"),
    ]

    /// Low-selectivity filters are written `+column` in listings (see
    /// `KeysetQuery`), so the sort index drives the scan on an empty store as
    /// on a big one.
    @Test("hot queries use their index and never sort in a temporary B-tree", arguments: cases)
    func usesIndex(testCase: Case) throws {
        let temporary = try TemporaryStore()
        let plan = try temporary.store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + testCase.sql, arguments: StatementArguments(testCase.arguments))
                .map { $0["detail"] as String }.joined(separator: " | ")
        }
        #expect(plan.contains(testCase.expectedIndex), "\(testCase.name): \(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(testCase.name): \(plan)")
        #expect(!plan.hasPrefix("SCAN p |") && plan != "SCAN p", "\(testCase.name): \(plan)")
    }

    /// Sorts on columns every checkout or shipment writes are served by a
    /// sort of the rows, not an index (migration v9, `docs/INDEXES.md`):
    /// the write path must not grow an index on them again unnoticed.
    @Test("no index on the columns checkouts and shipments write; their sorts still work")
    func noIndexOnHotColumns() throws {
        let temporary = try TemporaryStore()
        let indexed = try temporary.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT m.name || '.' || ifnull(i.name, '<expr>') FROM sqlite_master m, pragma_index_info(m.name) i
                WHERE m.type = 'index' AND m.tbl_name IN ('product', 'shop_order')
                """)
        }
        for hot in ["held", "allocated", "on_hand", "item_count", "total"] {
            let covering = indexed.filter { $0.hasSuffix(".\(hot)") && !$0.hasPrefix("product_low_stock_figures.") }
            #expect(covering.isEmpty, "an index on \(hot): \(covering)")
        }
        for sort in [ProductSort(.held, .descending), ProductSort(.allocated), ProductSort(.onHand)] {
            let query = InventoryRows.query(filter: ProductFilter(), sort: sort, now: Self.now)
            let part = try query.windowParts(ListWindow(anchor: .after(Self.numberKey), limit: 30)).parts.last!
            let arguments = StatementArguments(part.arguments.map { $0.databaseValue })
            let plan = try temporary.store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + part.sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: " | ")
            }
            #expect(plan.contains("TEMP B-TREE FOR ORDER BY"), "\(plan)")
        }
    }
}
