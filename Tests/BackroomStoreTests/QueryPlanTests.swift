import BackroomCore
import BackroomStore
import BackroomTestSupport
import GRDB
import Testing

/// The hot list queries must be served by an index: a full scan or a
/// temporary sort would make a million-row store crawl.
@Suite("Query plans")
struct QueryPlanTests {
    static func plan(_ store: SQLiteShopStore, _ sql: String, _ arguments: StatementArguments = []) throws -> String {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: " | ")
        }
    }

    static let cases: [(String, String, String)] = [
        ("product by SKU", "SELECT id FROM product WHERE sku = 'MUG-1'", "INDEX sqlite_autoindex_product_1"),
        ("inventory by SKU, after a key",
         "SELECT p.id FROM product p WHERE +p.status = 'active' AND (p.sku, p.id) > ('MUG-1', 1) ORDER BY p.sku ASC, p.id ASC LIMIT 31",
         "sqlite_autoindex_product_1"),
        ("inventory by name, descending",
         "SELECT p.id FROM product p WHERE +p.status = 'active' AND (p.name, p.id) < ('M', 9) ORDER BY p.name DESC, p.id DESC LIMIT 31",
         "product_by_name"),
        ("inventory by available",
         "SELECT p.id FROM product p WHERE +p.status = 'active' ORDER BY (p.on_hand - p.held - p.allocated) ASC, p.id ASC LIMIT 31",
         "product_by_available"),
        ("low stock",
         "SELECT p.id FROM product p WHERE +p.status = 'active' AND p.on_hand - p.held - p.allocated <= p.reorder_point ORDER BY p.sku, p.id LIMIT 31",
         "product_low_stock"),
        ("ledger of a SKU", "SELECT m.id FROM stock_movement m WHERE m.product_id = 1 ORDER BY m.id DESC LIMIT 31", "stock_movement_by_product"),
        ("orders, newest first", "SELECT o.id FROM shop_order o ORDER BY o.id DESC LIMIT 31", "SCAN o"),
        ("orders by status",
         "SELECT o.id FROM shop_order o WHERE +o.status IN ('paid') AND (o.id) < 100 ORDER BY o.id DESC LIMIT 31",
         "INTEGER PRIMARY KEY (rowid<?)"),
        ("orders of a customer, newest first",
         "SELECT o.id FROM shop_order o WHERE o.customer_id = 7 ORDER BY o.id DESC LIMIT 31",
         "shop_order_by_customer"),
        ("token lookup", "SELECT user_id FROM api_token WHERE token_hash = x'00'", "sqlite_autoindex_api_token_1"),
        ("user by email", "SELECT id FROM user WHERE email = 'a@b.c'", "sqlite_autoindex_user_1"),
        ("live holds of a product", "SELECT SUM(quantity) FROM stock_hold WHERE product_id = 1 AND expires_at <= 5", "stock_hold_by_product"),
        ("expired holds", "SELECT cart_id FROM stock_hold WHERE expires_at <= 5 ORDER BY expires_at LIMIT 10", "stock_hold_by_expiry"),
    ]

    /// Low-selectivity filters are written `+column` in listings (see
    /// `KeysetQuery`), so the sort index drives the scan on an empty store
    /// as on a big one.
    @Test("hot queries use their index and never sort in a temporary B-tree", arguments: cases.indices)
    func usesIndex(index: Int) throws {
        let temporary = try TemporaryStore()
        let (name, sql, expected) = Self.cases[index]
        let plan = try Self.plan(temporary.store, sql)
        #expect(plan.contains(expected), "\(name): \(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(name): \(plan)")
    }
}
