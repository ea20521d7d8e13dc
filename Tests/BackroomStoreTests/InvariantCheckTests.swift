import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import GRDB
import Testing

/// `check` must find what the write paths never produce: rows changed
/// behind the store's back.
@Suite("Invariant check")
struct InvariantCheckTests {
    @Test("rows changed behind the store's back are each reported with what was expected and found")
    func tampering() async throws {
        let test = try TestShop()
        _ = try await test.product("MUG-1", stock: 10)
        _ = try await test.product("MUG-2", stock: 4)
        let now = test.clock.now()
        #expect(try await test.store.checkInvariants(now: now).isEmpty)

        try await test.store.pool.write { db in
            try db.execute(sql: """
                UPDATE product SET on_hand = 12 WHERE sku = 'MUG-1';
                UPDATE product SET held = 1 WHERE sku = 'MUG-2';
                UPDATE product_status_count SET products = 5 WHERE status = 'active';
                """)
        }
        let violations = try await test.store.checkInvariants(now: now)
        #expect(violations == [
            InvariantViolation(subject: "MUG-1", rule: .onHandMatchesLedger, expected: 10, found: 12),
            InvariantViolation(subject: "MUG-2", rule: .heldMatchesHolds, expected: 0, found: 1),
            InvariantViolation(subject: "products active", rule: .productCountMatches, expected: 2, found: 5),
        ])
        #expect(violations[2].description == "products active: products per status = stored count: expected 2, found 5")
    }
}

@Suite("Seeding")
struct SeedingTests {
    @Test("a bulk load (indexes and counting trigger dropped, rebuilt after) leaves a consistent store", arguments: [200, 12_000])
    func bulkLoad(products: Int) async throws {
        let temporary = try TemporaryStore()
        let now = Timestamp(millisecondsSince1970: 1_795_000_000_000)
        // Twice: the second load adds to a store that already has rows.
        for seed in [1, 2] as [UInt64] {
            _ = try StoreSeeder(store: temporary.store).run(SeedPlan(products: products, users: 0, orders: 0, seed: seed, passwordHash: "unused", now: now))
        }
        let store = temporary.store
        #expect(try await store.checkInvariants(now: now).isEmpty)
        let active = try await store.countInventoryItems(matching: ProductFilter(), now: now)
        let archived = try await store.countInventoryItems(matching: ProductFilter(status: .archived), now: now)
        #expect(active + archived == 2 * products)
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product WHERE status = 'active'") } == active)
        let indexes = try await store.pool.read { db in try db.indexes(on: "product").map(\.name) }
        #expect(indexes.contains("product_low_stock_figures"))
    }
}

/// A value the store cannot read is an error naming the column: never a
/// crash, never relabelled as something it is not.
@Suite("Unreadable stored values")
struct StoredValueTests {
    @Test("an order status, a role and a product status this Backroom does not know are internal errors naming them")
    func unknownEnumerations() async throws {
        let test = try TestShop()
        _ = try await test.product("MUG-1", stock: 10)
        let placed = try await test.placeOrder([("MUG-1", 1)])
        let user = try await test.shop.users.create(email: "li@example.com", displayName: "Li", role: .customer, password: "correct horse", by: .system("test"))
        try await test.store.pool.write { db in
            // As a newer Backroom (or a hand edit) could leave them.
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE shop_order SET status = 'teleported' WHERE id = ?", arguments: [placed.order.order.id])
            try db.execute(sql: "UPDATE user SET role = 'overlord' WHERE id = ?", arguments: [user.id])
            try db.execute(sql: "UPDATE product SET status = 'haunted' WHERE sku = 'MUG-1'")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let now = test.clock.now()
        let orderError = await #expect(throws: BackroomError.self) { _ = try await test.store.order(placed.order.order.number) }
        #expect(orderError?.code == .internalError)
        #expect(orderError?.message.contains("status \"teleported\"") == true)
        let userError = await #expect(throws: BackroomError.self) { _ = try await test.store.user(id: user.id) }
        #expect(userError?.message.contains("role \"overlord\"") == true)
        let productError = await #expect(throws: BackroomError.self) {
            _ = try await test.store.inventoryItem(SKU(trusted: "MUG-1"), now: now)
        }
        #expect(productError?.message.contains("status \"haunted\"") == true)
    }

    @Test("text where a number belongs is an internal error naming the column, not a trap")
    func textInNumber() async throws {
        let test = try TestShop()
        _ = try await test.product("MUG-1", stock: 10)
        try await test.store.pool.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE product SET reorder_point = 'lots' WHERE sku = 'MUG-1'")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let error = await #expect(throws: BackroomError.self) {
            _ = try await test.store.inventoryItem(SKU(trusted: "MUG-1"), now: test.clock.now())
        }
        #expect(error?.code == .internalError)
        #expect(error?.message == "The store holds text in reorder_point, where Backroom reads Int64; nothing was changed.",
                "the column and the kind of value, never the statement or the row")
    }

    @Test("a failure SQLite reports beyond the known cases leaves the store as internal_error with SQLite's reason, not its statement")
    func unknownStoreFailure() async throws {
        let test = try TestShop()
        _ = try await test.product("MUG-1", stock: 10)
        try await test.store.pool.write { db in try db.execute(sql: "DROP TABLE audit_log") }
        let read = await #expect(throws: BackroomError.self) {
            _ = try await test.store.auditLog(matching: AuditFilter(), window: ListWindow(limit: 10))
        }
        #expect(read?.code == .internalError)
        #expect(read?.message == "store error: no such table: audit_log")
        let write = await #expect(throws: BackroomError.self) {
            _ = try await test.store.changeStock(SKU(trusted: "MUG-1"), .adjust(by: 1), reason: .received, reference: nil,
                                                 context: WriteContext(principal: .system("test"), at: test.clock.now()))
        }
        #expect(write?.code == .internalError && write?.message.contains("audit_log") == true)
        #expect(try await test.store.inventoryItem(SKU(trusted: "MUG-1"), now: test.clock.now())?.stock.onHand == 10, "nothing was written")
    }
}
