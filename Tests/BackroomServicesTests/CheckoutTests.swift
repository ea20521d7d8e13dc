import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

@Suite("Carts and checkout")
struct CheckoutTests {
    @Test("adding to a cart holds the units at once", arguments: TestStoreKind.available)
    func holds(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 10)
        var cart = try await test.shop.carts.createCart(for: nil)
        cart = try await test.shop.carts.setQuantity(3, of: test.sku("MUG-1"), in: cart.id, by: nil)
        #expect(cart.lines.map(\.quantity) == [3])
        #expect(cart.lines.first?.hold?.quantity == 3)
        #expect(try cart.subtotal() == test.euros(3 * 1290))
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 10, held: 3, allocated: 0))
        cart = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: cart.id, by: nil)
        #expect(try await test.item("MUG-1").stock.held == 1)
        cart = try await test.shop.carts.removeLine(test.sku("MUG-1"), from: cart.id, by: nil)
        #expect(cart.lines.isEmpty)
        #expect(try await test.item("MUG-1").stock.held == 0)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("asking for more than is available fails, says how many are available, and leaves the cart unchanged", arguments: TestStoreKind.available)
    func insufficient(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 5)
        var cart = try await test.shop.carts.createCart(for: nil)
        cart = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        _ = try await test.placeOrder([("MUG-1", 2)])
        await #expect {
            try await test.shop.carts.setQuantity(4, of: test.sku("MUG-1"), in: cart.id, by: nil)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .insufficientStock
                && error.detail == .shortages([StockShortage(sku: test.sku("MUG-1"), requested: 4, available: 3)])
                && error.message == "Not enough stock: MUG-1: 4 requested, 3 available."
        }
        #expect(try await test.shop.carts.cart(cart.id, by: nil).lines.map(\.quantity) == [2])
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 5, held: 2, allocated: 2))
    }

    @Test("bad cart input gives clear error codes and writes nothing", arguments: [
        (Int64(-1), "MUG-1", ErrorCode.validationFailed),
        (1000, "MUG-1", .validationFailed),
        (.max, "MUG-1", .validationFailed),
        (1, "NOPE-9", .notFound),
        (1, "OLD-1", .validationFailed),
    ])
    func badInput(quantity: Int64, sku: String, code: ErrorCode) async throws {
        let test = try await TestShop.make(.sqlite)
        try await test.product("MUG-1", stock: 5)
        try await test.product("OLD-1", stock: 5)
        _ = try await test.shop.inventory.archive(test.sku("OLD-1"), by: TestShop.admin)
        let cart = try await test.shop.carts.createCart(for: nil)
        await #expect {
            try await test.shop.carts.setQuantity(quantity, of: test.sku(sku), in: cart.id, by: nil)
        } throws: { ($0 as? BackroomError)?.code == code }
        #expect(try await test.shop.carts.cart(cart.id, by: nil).lines.isEmpty)
        #expect(try await test.number("SELECT COUNT(*) FROM stock_hold") == 0)
    }

    @Test("unknown carts are not found; someone else's cart is forbidden", arguments: TestStoreKind.available)
    func cartAccess(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 5)
        await #expect { try await test.shop.carts.cart(CartID.random(), by: nil) } throws: { ($0 as? BackroomError)?.code == .notFound }
        #expect(throws: BackroomError.self) { try CartID("c_short") }
        let ana = try await test.customer("ana@example.com", name: "Ana")
        let li = try await test.customer("li@example.com", name: "Li")
        let cart = try await test.shop.carts.createCart(for: ana.principal)
        #expect(cart.customerID == ana.id)
        await #expect {
            try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: cart.id, by: li.principal)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        await #expect {
            try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: cart.id, by: nil)
        } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        #expect(try await test.number("SELECT COUNT(*) FROM cart_line") == 0)
        _ = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: cart.id, by: ana.principal)
    }

    @Test("checkout turns holds into an allocation and places the order with a price snapshot", arguments: TestStoreKind.available)
    func checkout(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", price: 1290, stock: 10)
        try await test.product("TEE-2", price: 2500, stock: 4)
        let result = try await test.placeOrder([("MUG-1", 2), ("TEE-2", 1)])
        let order = result.order.order
        #expect(order.number.rawValue == "BR-000001")
        #expect(order.status == .pendingPayment)
        #expect(order.total == test.euros(2 * 1290 + 2500))
        #expect(order.itemCount == 3)
        #expect(result.order.lines.map(\.sku.rawValue) == ["MUG-1", "TEE-2"])
        #expect(result.order.timeline.map(\.event) == ["placed"])
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 10, held: 0, allocated: 2))
        _ = try await test.shop.inventory.updateProduct(test.sku("MUG-1"), changes: ProductChanges(price: test.euros(9999)), by: TestShop.admin)
        let stored = try await test.shop.orders.order(order.number, by: TestShop.admin)
        #expect(stored.lines.first?.unitPrice == test.euros(1290))
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("an empty cart or a cart checked out twice is refused", arguments: TestStoreKind.available)
    func refusedCheckouts(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 10)
        let cart = try await test.shop.carts.createCart(for: nil)
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        } throws: { ($0 as? BackroomError)?.field == "cart" }
        _ = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: cart.id, by: nil)
        _ = try await test.shop.carts.checkout(cart.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        } throws: { ($0 as? BackroomError)?.message == "This cart was already checked out as BR-000001." }
        await #expect {
            try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == 1)
    }

    @Test("idempotency: the same key twice gives one order; keys are scoped to their cart; a replay with other details is refused", arguments: TestStoreKind.available)
    func idempotency(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 10)
        let cart = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        let email = try Email("a@example.com")
        let first = try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: TestShop.address, idempotencyKey: "key-1", by: nil)
        let second = try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: TestShop.address, idempotencyKey: "key-1", by: nil)
        #expect(!first.isReplay && second.isReplay)
        #expect(first.order.order.number == second.order.order.number)
        // The same key with another email or address is not this request: 422, nothing written.
        var moved = TestShop.address
        moved.city = "Porto"
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: moved, idempotencyKey: "key-1", by: nil)
        } throws: { error in
            (error as? BackroomError)?.code == .validationFailed && (error as? BackroomError)?.field == "Idempotency-Key"
        }
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: try Email("b@example.com"), shippingAddress: TestShop.address, idempotencyKey: "key-1", by: nil)
        } throws: { ($0 as? BackroomError)?.field == "Idempotency-Key" }
        // Another key on the checked-out cart meets the order already placed.
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: TestShop.address, idempotencyKey: "key-2", by: nil)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
        await #expect {
            try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: TestShop.address, idempotencyKey: "bad key with spaces", by: nil)
        } throws: { ($0 as? BackroomError)?.field == "Idempotency-Key" }
        // Keys belong to their cart: another cart may use the same one.
        let other = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: other.id, by: nil)
        let third = try await test.shop.carts.checkout(other.id, email: email, shippingAddress: TestShop.address, idempotencyKey: "key-1", by: nil)
        #expect(!third.isReplay && third.order.order.number != first.order.order.number)
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == 2)
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 10, held: 0, allocated: 3))
    }

    @Test("expired holds free the stock at once, before the sweeper runs, and the sweeper deletes them", arguments: TestStoreKind.available)
    func holdExpiry(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind, holdSeconds: 60)
        try await test.product("MUG-1", stock: 3)
        let cart = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(3, of: test.sku("MUG-1"), in: cart.id, by: nil)
        #expect(try await test.item("MUG-1").stock.available == 0)
        test.clock.advance(seconds: 61)
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 3, held: 0, allocated: 0))
        #expect(try await test.shop.carts.cart(cart.id, by: nil).lines.first?.hold == nil)
        #expect(try await test.shop.checkInvariants().isEmpty)
        #expect(try await test.shop.carts.releaseExpiredHolds() == 1)
        #expect(try await test.number("SELECT held FROM product") == 0)
        #expect(try await test.shop.carts.releaseExpiredHolds() == 0)
    }

    @Test("every node sweeps at once: each expired hold is released exactly once", arguments: TestStoreKind.available)
    func concurrentSweepers(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind, holdSeconds: 60)
        for index in 0..<8 { try await test.product("MUG-\(index)", stock: 1_000) }
        var holds = 0
        for cartIndex in 0..<40 {
            let cart = try await test.shop.carts.createCart(for: nil)
            for index in 0..<3 {
                _ = try await test.shop.carts.setQuantity(Int64(1 + (cartIndex + index) % 4), of: test.sku("MUG-\((cartIndex + index) % 8)"), in: cart.id, by: nil)
                holds += 1
            }
        }
        test.clock.advance(seconds: 61)
        // A second store stands in for another node, with a sweeper of its own.
        let other = try await test.secondStore()
        let now = test.clock.now()
        let released = try await withThrowingTaskGroup(of: Int.self) { group in
            for sweeper in 0..<4 {
                group.addTask {
                    var total = 0
                    while true {
                        let count: Int
                        if sweeper.isMultiple(of: 2) {
                            count = try await other.store.releaseExpiredHolds(now: now, limit: 7)
                        } else {
                            count = try await test.shop.carts.releaseExpiredHolds(batchSize: 7)
                        }
                        total += count
                        if count < 7 { return total }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        await other.close()
        #expect(released == holds, "released \(released) of \(holds) holds")
        #expect(try await test.number("SELECT COALESCE(SUM(held), 0) FROM product") == 0)
        #expect(try await test.number("SELECT COUNT(*) FROM stock_hold") == 0)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("checkout of an expired cart re-acquires the stock if it is still there", arguments: TestStoreKind.available)
    func expiredCartReacquires(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind, holdSeconds: 60)
        try await test.product("MUG-1", stock: 3)
        let cart = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        test.clock.advance(seconds: 120)
        let result = try await test.shop.carts.checkout(cart.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        #expect(result.order.order.itemCount == 2)
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 3, held: 0, allocated: 2))
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("checkout of an expired cart whose stock is gone fails naming the lines and writes nothing", arguments: TestStoreKind.available)
    func expiredCartFails(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind, holdSeconds: 60)
        try await test.product("MUG-1", stock: 3)
        try await test.product("TEE-1", stock: 5)
        let slow = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: slow.id, by: nil)
        _ = try await test.shop.carts.setQuantity(1, of: test.sku("TEE-1"), in: slow.id, by: nil)
        test.clock.advance(seconds: 120)
        _ = try await test.placeOrder([("MUG-1", 2)])
        let ordersBefore = try await test.number("SELECT COUNT(*) FROM shop_order")
        await #expect {
            try await test.shop.carts.checkout(slow.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .insufficientStock
                && error.detail == .shortages([StockShortage(sku: test.sku("MUG-1"), requested: 2, available: 1)])
        }
        #expect(try await test.number("SELECT COUNT(*) FROM shop_order") == ordersBefore)
        // The other shopper's order swept the expired MUG-1 hold; the expired
        // TEE-1 hold waits for the sweeper. Neither counts as held.
        #expect(try await test.number("SELECT COUNT(*) FROM stock_hold") == 1)
        #expect(try await test.item("TEE-1").stock.held == 0)
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 3, held: 0, allocated: 2))
        #expect(try await test.shop.checkInvariants().isEmpty)
    }
}
