import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import Testing

/// Every change writes its event in its own transaction; a refused change
/// writes none.
@Suite("Outbox events")
struct OutboxTests {
    func events(_ test: TestShop, after id: Int64 = 0) async throws -> [OutboxEvent] {
        try await test.anyStore.outboxEvents(afterID: id, since: nil, limit: 10_000)
    }

    func lastID(_ test: TestShop) async throws -> Int64 {
        try await events(test).last?.id ?? 0
    }

    func payload(_ event: OutboxEvent) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any] ?? [:]
    }

    @Test("deliveries go to the active subscriptions that asked for the event, one each", arguments: TestStoreKind.available)
    func deliveriesBySubscription(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let webhooks = test.shop.webhooks
        let target = "https://93.184.216.34/hook"
        let placed = try await webhooks.create(url: target, events: ["order.placed"], description: "placed", by: TestShop.admin).0
        let everything = try await webhooks.create(url: target, events: ["*"], description: "all", by: TestShop.admin).0
        let stock = try await webhooks.create(url: target, events: ["stock.low", "product.archived"], description: "stock", by: TestShop.admin).0
        let disabled = try await webhooks.create(url: target, events: ["*"], description: "off", by: TestShop.admin).0
        _ = try await webhooks.update(disabled.id, enabled: false, by: TestShop.admin)
        try await test.product("MUG-1", stock: 50)
        let cart = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        _ = try await test.shop.carts.checkout(
            cart.id, email: try Email("li@example.com"),
            shippingAddress: ShippingAddress(name: "Li", line1: "Rua 1", line2: nil, city: "Lisbon", postalCode: "1100", country: "PT"),
            idempotencyKey: nil, by: nil
        )
        // SQLite offers events to subscriptions later, from a cursor; PostgreSQL in the event's own write.
        while try await webhooks.fanOut(limit: 100) > 0 {}
        let written = try await events(test).count
        func deliveries(_ id: Int64) async throws -> Int {
            Int(try await test.number("SELECT COUNT(*) FROM webhook_delivery WHERE subscription_id = \(id)"))
        }
        #expect(try await deliveries(placed.id) == 1)
        #expect(try await deliveries(everything.id) == written, "\(written) events")
        #expect(try await deliveries(stock.id) == 0)
        #expect(try await deliveries(disabled.id) == 0)
    }

    @Test("catalog writes: created (with its initial stock row), updated, archived, restored", arguments: TestStoreKind.available)
    func catalog(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 5)
        var written = try await events(test)
        #expect(written.map(\.type) == [.productCreated, .stockAdjusted])
        #expect(written.allSatisfy { $0.resourceType == "product" && $0.resourceID == "MUG-1" && $0.actor == "test-admin" })
        #expect(try payload(written[0])["sku"] as? String == "MUG-1")
        let change = try payload(written[1])
        #expect((change["movement"] as? [String: Any])?["reason"] as? String == "received")
        #expect(written.allSatisfy { $0.eventID.hasPrefix("evt_") && $0.eventID.count == 36 })
        #expect(Set(written.map(\.eventID)).count == written.count)

        var mark = try await lastID(test)
        _ = try await test.shop.inventory.updateProduct(test.sku("MUG-1"), changes: ProductChanges(name: "Big mug"), by: TestShop.admin)
        _ = try await test.shop.inventory.archive(test.sku("MUG-1"), by: TestShop.admin)
        _ = try await test.shop.inventory.restore(test.sku("MUG-1"), by: TestShop.admin)
        written = try await events(test, after: mark)
        #expect(written.map(\.type) == [.productUpdated, .productArchived, .productUpdated])
        #expect(try payload(written[0])["name"] as? String == "Big mug")

        // Nothing changed: no write, no event.
        mark = try await lastID(test)
        _ = try await test.shop.inventory.updateProduct(test.sku("MUG-1"), changes: ProductChanges(name: "Big mug"), by: TestShop.admin)
        #expect(try await events(test, after: mark).isEmpty)
    }

    @Test("stock: each ledger row is stock.adjusted; crossing the reorder point is stock.low, then stock.restocked", arguments: TestStoreKind.available)
    func stock(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 10, reorderPoint: 3)
        let mark = try await lastID(test)
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: -5, reason: .damaged, by: TestShop.admin)  // 5: not low
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: -2, reason: .damaged, by: TestShop.admin)  // 3: low
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: -1, reason: .damaged, by: TestShop.admin)  // 2: still low
        _ = try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: 20, reason: .received, by: TestShop.admin) // 22: restocked
        let written = try await events(test, after: mark)
        #expect(written.map(\.type) == [.stockAdjusted, .stockAdjusted, .stockLow, .stockAdjusted, .stockAdjusted, .stockRestocked])
        let low = try payload(written[2])
        #expect((low["stock"] as? [String: Any])?["available"] as? Int == 3)
    }

    @Test("a refused change writes no event: below committed stock, a stale count, a batch undone by reject-all", arguments: TestStoreKind.available)
    func refused(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 3)
        _ = try await test.placeOrder([("MUG-1", 2)])
        let mark = try await lastID(test)
        await #expect(throws: BackroomError.self) {
            try await test.shop.inventory.adjustStock(test.sku("MUG-1"), by: -2, reason: .damaged, by: TestShop.admin)
        }
        await #expect(throws: BackroomError.self) {
            try await test.shop.inventory.setStockCount(test.sku("MUG-1"), to: 9, expected: 7, by: TestShop.admin)
        }
        let items = [StockBatchItem(sku: "MUG-1", delta: 4, reason: "received"), StockBatchItem(sku: "NOPE-1", delta: 1, reason: "received")]
        let (reply, _) = try await test.shop.inventory.applyStockBatch(items, policy: .rejectAll, by: TestShop.admin) { outcomes in
            StoredReply(status: outcomes.contains { if case .refused = $0 { true } else { false } } ? 422 : 200, body: Data())
        }
        #expect(reply.status == 422)
        #expect(try await events(test, after: mark).isEmpty)
        #expect(try await test.item("MUG-1").stock.onHand == 3)
    }

    @Test("orders: placed, paid, shipped (with the sale rows), delivered, refunded with restock; cancelled", arguments: TestStoreKind.available)
    func orders(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 10)
        var mark = try await lastID(test)
        let beforeOrder = try await test.shop.revision()
        let number = try await test.placeOrder([("MUG-1", 2)]).order.order.number
        // The checkout moves the orders and stock revisions (PostgreSQL's
        // does it inside the order's own statement), not the catalog's.
        let afterOrder = try await test.shop.revision()
        #expect(afterOrder.orders > beforeOrder.orders && afterOrder.stock > beforeOrder.stock && afterOrder.catalog == beforeOrder.catalog)
        let cartToken = try await test.shop.orders.order(number, by: TestShop.admin).order.cartID
        _ = try await test.shop.orders.pay(number, by: nil, cartToken: cartToken)
        _ = try await test.shop.orders.transition(number, .ship, by: TestShop.operatorPrincipal)
        _ = try await test.shop.orders.transition(number, .deliver, by: TestShop.operatorPrincipal)
        _ = try await test.shop.orders.transition(number, .refund, restock: true, by: TestShop.operatorPrincipal)
        var written = try await events(test, after: mark)
        #expect(written.map(\.type) == [.orderPlaced, .orderPaid, .stockAdjusted, .orderShipped, .orderDelivered, .stockAdjusted, .orderRefunded])
        for event in written where event.resourceType == "order" {
            #expect(event.resourceID == number.rawValue)
            #expect(try payload(event)["number"] as? String == number.rawValue)
        }
        #expect(try payload(written[1])["status"] as? String == "paid")
        let sale = try payload(written[2])
        #expect((sale["movement"] as? [String: Any])?["reason"] as? String == "sale")
        #expect((sale["movement"] as? [String: Any])?["delta"] as? Int == -2)

        mark = try await lastID(test)
        let second = try await test.placeOrder([("MUG-1", 1)]).order.order.number
        _ = try await test.shop.orders.transition(second, .cancel, by: TestShop.operatorPrincipal)
        written = try await events(test, after: mark)
        #expect(written.map(\.type) == [.orderPlaced, .orderCancelled])
    }

    @Test("checkouts racing for the last units: one order.placed per order placed, none for the refused", arguments: TestStoreKind.available)
    func race(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 5)
        let mark = try await lastID(test)
        let placed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { (try? await test.placeOrder([("MUG-1", 1)])) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(placed == 5)
        let written = try await events(test, after: mark).filter { $0.type == .orderPlaced }
        #expect(written.count == 5)
        #expect(Set(written.map(\.resourceID)).count == 5)
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == 5)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }
}
