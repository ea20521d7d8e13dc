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
        #expect(try temporary.store.appliedMigrations() == ["v1"])
        let schemaBefore = try temporary.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        try temporary.store.close()
        let reopened = try SQLiteShopStore(path: path)
        let schemaAfter = try reopened.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schemaBefore == schemaAfter)
        #expect(try reopened.appliedMigrations() == ["v1"])
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
