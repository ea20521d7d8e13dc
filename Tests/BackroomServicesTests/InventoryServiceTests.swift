import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import GRDB
import Testing

@Suite("Inventory service")
struct InventoryServiceTests {
    @Test("adjusting writes the ledger row with reason and actor in the same transaction", arguments: TestStoreKind.available)
    func adjust(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 40)
        let change = try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: -1, reason: .correction, by: TestShop.operatorPrincipal)
        #expect(change.summary == "MUG-1 on hand 40 → 39 (correction)")
        let ledger = try await test.shop.inventory.movements(of: test.sku("MUG-1"), window: ListWindow(), by: TestShop.viewer)
        #expect(ledger.items.first?.actor == "ana@backroom.local")
        #expect(ledger.items.first?.delta == -1)
        #expect(ledger.items.reduce(0) { $0 + $1.delta } == 39)
        let audit = try await test.shop.audit.entries(window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.first?.action == "stock.adjust")
        #expect(audit.items.first?.summary == "on hand 40 → 39 (correction)")
    }

    @Test("set count is compare-and-set: a stale expected count is a conflict carrying the current count", arguments: TestStoreKind.available)
    func compareAndSet(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-2", stock: 4)
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-2"), by: 1, reason: .received, by: TestShop.operatorPrincipal)
        let movementsBefore = try await test.number("SELECT COUNT(*) FROM stock_movement")
        await #expect {
            try await test.shop.inventory.setStockCount(test.sku("MUG-2"), to: 3, expected: 4, by: TestShop.operatorPrincipal)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .conflict && error.detail == .currentCount(5)
                && error.message == "MUG-2 changed to 5 while you were editing (you saw 4); nothing written."
        }
        #expect(try await test.number("SELECT COUNT(*) FROM stock_movement") == movementsBefore)
        #expect(try await test.item("MUG-2").stock.onHand == 5)
        let change = try await test.shop.inventory.setStockCount(test.sku("MUG-2"), to: 3, expected: 5, by: TestShop.operatorPrincipal)
        #expect(change.movement.reason == .cycleCount && change.movement.delta == -2)
    }

    @Test("adjusting below committed stock is refused and writes nothing", arguments: TestStoreKind.available)
    func belowCommitted(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-3", stock: 5)
        _ = try await test.placeOrder([("MUG-3", 2)])
        var cart = try await test.shop.carts.createCart(for: nil)
        cart = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-3"), in: cart.id, by: nil)
        #expect(try await test.item("MUG-3").stock == StockLevel(onHand: 5, held: 1, allocated: 2))
        let movementsBefore = try await test.number("SELECT COUNT(*) FROM stock_movement")
        let auditBefore = try await test.number("SELECT COUNT(*) FROM audit_log")
        await #expect {
            try await test.shop.inventory.adjustStock(test.sku("MUG-3"), by: -3, reason: .damaged, by: TestShop.operatorPrincipal)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .insufficientStock
                && error.message == "MUG-3: on hand would drop to 2, below the 3 committed (1 held in carts, 2 allocated to orders)."
        }
        #expect(try await test.number("SELECT COUNT(*) FROM stock_movement") == movementsBefore)
        #expect(try await test.number("SELECT COUNT(*) FROM audit_log") == auditBefore)
        #expect(try await test.item("MUG-3").stock.onHand == 5)
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-3"), by: -2, reason: .damaged, by: TestShop.operatorPrincipal)
        #expect(try await test.item("MUG-3").stock.available == 0)
    }

    @Test("bad input is refused with the field named and nothing written", arguments: [
        (Int64(0), MovementReason.correction, "delta"),
        (5, .damaged, "delta"),
        (-5, .received, "delta"),
        (-1, .sale, "reason"),
        (2_000_000_000, .received, "delta"),
    ])
    func badAdjustments(delta: Int64, reason: MovementReason, field: String) async throws {
        let test = try await TestShop.make(.sqlite)
        try await test.product("MUG-4", stock: 5)
        await #expect {
            try await test.shop.inventory.adjustStock(test.sku("MUG-4"), by: delta, reason: reason, by: TestShop.operatorPrincipal)
        } throws: { ($0 as? BackroomError)?.field == field }
        #expect(try await test.number("SELECT COUNT(*) FROM stock_movement") == 1)
    }

    @Test("roles: viewers read, operators write, customers neither", arguments: TestStoreKind.available)
    func permissions(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-5", stock: 5)
        _ = try await test.shop.inventory.item(test.sku("MUG-5"), by: TestShop.viewer)
        await #expect {
            try await test.shop.inventory.adjustStock(test.sku("MUG-5"), by: 1, reason: .received, by: TestShop.viewer)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        let customer = Principal(userID: 99, name: "c@example.com", role: .customer)
        await #expect {
            try await test.shop.inventory.item(test.sku("MUG-5"), by: customer)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        await #expect {
            try await test.shop.inventory.createProduct(ProductDraft(sku: "X", name: "X", price: test.euros(1)), by: TestShop.viewer)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
    }

    @Test("archived products leave the public catalog but keep their stock and history", arguments: TestStoreKind.available)
    func archive(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-6", stock: 5)
        _ = try await test.shop.inventory.archive(test.sku("MUG-6"), by: TestShop.operatorPrincipal)
        await #expect { try await test.shop.inventory.catalogItem(test.sku("MUG-6")) } throws: { ($0 as? BackroomError)?.code == .notFound }
        #expect(try await test.item("MUG-6").stock.onHand == 5)
        let catalog = try await test.shop.inventory.catalog(text: nil, sort: ProductSort(.sku), window: ListWindow())
        #expect(catalog.items.isEmpty)
        let audit = try await test.shop.audit.entries(window: ListWindow(limit: 1), by: TestShop.admin)
        #expect(audit.items.first?.action == "product.archive")
    }

    @Test("names in CJK and emoji round-trip through the store", arguments: TestStoreKind.available)
    func unicode(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-7", name: "Enamel mug, 藍色 🌲 limited")
        #expect(try await test.item("MUG-7").product.name == "Enamel mug, 藍色 🌲 limited")
    }
}
