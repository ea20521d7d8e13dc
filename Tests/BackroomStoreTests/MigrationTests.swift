import BackroomCore
import BackroomStore
import BackroomTestSupport
import Foundation
import GRDB
import Testing

@Suite("Store migrations")
struct MigrationTests {
    @Test("a new file is created and migrated; reopening an up-to-date file changes nothing")
    func migrateAndReopen() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path
        #expect(try temporary.store.appliedMigrations() == Self.allMigrations)
        let schemaBefore = try temporary.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        try temporary.store.close()
        let reopened = try SQLiteShopStore(path: path)
        let schemaAfter = try reopened.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schemaBefore == schemaAfter)
        #expect(try reopened.appliedMigrations() == Self.allMigrations)
        try reopened.close()
    }

    /// In the order `appliedMigrations` lists them (sorted by identifier).
    static let allMigrations = [
        "v1", "v2 low-stock figures index", "v3 product counts by status", "v4 payment attempts, hold lifetime, scoped checkout keys",
        "v5 audit by actor and action", "v6 idempotent replies", "v7 stock takes", "v8 outbox and webhooks",
        "v9 no sort indexes on columns every checkout writes", "v10 node heartbeats",
    ].sorted()

    @Test("a store made by an older Backroom is brought up to date on open, its data kept")
    func upgrade() async throws {
        let test = try TestShop()
        let temporary = test.temporary
        let path = temporary.path
        _ = try await test.product("OLD-1", name: "Old", stock: 2, reorderPoint: 5)
        // As v1 left it: no figures index, no counts, no payment attempts, no
        // audit indexes, no idempotent replies, no stock takes, no outbox,
        // v1's sort indexes on hot columns, no node heartbeats, no record of v2–v10.
        try await temporary.store.pool.write { db in
            try db.execute(sql: """
                DROP INDEX product_low_stock_figures;
                DROP TRIGGER product_count_insert; DROP TRIGGER product_recounted; DROP TRIGGER product_uncounted;
                DROP TABLE product_status_count;
                DROP TABLE payment_attempt;
                DROP INDEX audit_log_by_actor; DROP INDEX audit_log_by_action;
                DROP TABLE idempotent_reply;
                DROP TABLE stock_take_line; DROP TABLE stock_take;
                DROP TABLE webhook_delivery; DROP TABLE webhook_subscription; DROP TABLE outbox_event;
                DROP TABLE node_heartbeat;
                ALTER TABLE cart DROP COLUMN first_hold_at;
                ALTER TABLE shop_order DROP COLUMN checkout_key;
                CREATE INDEX product_by_on_hand ON product (on_hand);
                CREATE INDEX product_by_held ON product (held);
                CREATE INDEX product_by_allocated ON product (allocated);
                CREATE INDEX shop_order_by_items ON shop_order (item_count);
                CREATE INDEX shop_order_by_total ON shop_order (total);
                DELETE FROM grdb_migrations WHERE identifier <> 'v1'
                """)
        }
        try temporary.store.close()
        let reopened = try SQLiteShopStore(path: path)
        #expect(try reopened.appliedMigrations() == Self.allMigrations)
        let indexed = try await reopened.pool.read { db in try db.indexes(on: "product").map(\.name) }
        #expect(indexed.contains("product_low_stock_figures"))
        #expect(!indexed.contains("product_by_held") && !indexed.contains("product_by_on_hand"))
        let item = try await reopened.inventoryItem(test.sku("OLD-1"), now: test.clock.now())
        #expect(item?.product.name == "Old" && item?.stock.onHand == 2)
        #expect(try await reopened.countInventoryItems(matching: ProductFilter(lowStockOnly: true), now: test.clock.now()) == 1)
        // The counts start from the products already there.
        #expect(try await reopened.countInventoryItems(matching: ProductFilter(), now: test.clock.now()) == 1)
        #expect(try await reopened.checkInvariants(now: test.clock.now()).isEmpty)
        try reopened.close()
    }

    @Test("the store runs in WAL mode with foreign keys and a busy timeout")
    func pragmas() throws {
        let temporary = try TemporaryStore()
        let (journal, foreignKeys, busyTimeout) = try temporary.store.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(busyTimeout >= 1000)
    }

    @Test("the shop currency is fixed when the store is created")
    func currency() throws {
        let temporary = try TemporaryStore(currency: "USD")
        #expect(temporary.store.currency == .usd)
        let path = temporary.path
        try temporary.store.close()
        let reopened = try SQLiteShopStore(path: path, configuration: StoreConfiguration(currency: "EUR"))
        #expect(reopened.currency == .usd)
        try reopened.close()
    }

    @Test("the schema refuses negative stock even from raw SQL")
    func constraints() async throws {
        let shop = try TestShop()
        try await shop.product("MUG-1", stock: 3)
        #expect(throws: DatabaseError.self) {
            try shop.store.pool.write { db in try db.execute(sql: "UPDATE product SET on_hand = -1") }
        }
        #expect(throws: DatabaseError.self) {
            try shop.store.pool.write { db in try db.execute(sql: "UPDATE product SET allocated = 4") }
        }
        #expect(try await shop.item("MUG-1").stock.onHand == 3)
    }
}
