import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import Testing

@Suite("No stock hoarding")
struct HoldLimitTests {
    static func limit(_ error: any Error) -> AbuseLimit? {
        if case .limit(let limit, _)? = (error as? BackroomError)?.detail { return limit }
        return nil
    }

    @Test("lines per cart: the extra line is refused naming the limit, and the cart is unchanged", arguments: TestStoreKind.available)
    func linesPerCart(kind: TestStoreKind) async throws {
        let test = try TestShop { $0.cartLimits.linesPerCart = 3 }
        for index in 1...4 { try await test.product("SKU-\(index)", stock: 10) }
        let cart = try await test.shop.carts.createCart(for: nil)
        for index in 1...3 { _ = try await test.shop.carts.setQuantity(1, of: test.sku("SKU-\(index)"), in: cart.id, by: nil) }
        await #expect {
            try await test.shop.carts.setQuantity(1, of: test.sku("SKU-4"), in: cart.id, by: nil)
        } throws: { Self.limit($0) == .linesPerCart && ($0 as? BackroomError)?.code == .limitExceeded }
        #expect(try await test.shop.carts.cart(cart.id, by: nil).lines.count == 3)
        #expect(try await test.item("SKU-4").stock.held == 0)
    }

    @Test("a cart holds at most half of what is available (at least five units); nothing is written when refused", arguments: TestStoreKind.available)
    func share(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", stock: 20)
        let cart = try await test.shop.carts.createCart(for: nil)
        await #expect {
            try await test.shop.carts.setQuantity(11, of: test.sku("MUG-1"), in: cart.id, by: nil)
        } throws: { Self.limit($0) == .holdShare }
        #expect(try await test.item("MUG-1").stock.held == 0)
        _ = try await test.shop.carts.setQuantity(10, of: test.sku("MUG-1"), in: cart.id, by: nil)
        // A second cart sees ten available and may hold five.
        let second = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(5, of: test.sku("MUG-1"), in: second.id, by: nil)
        #expect(try await test.item("MUG-1").stock.available == 5)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("re-putting a line does not extend its hold past the cart's hold lifetime", arguments: TestStoreKind.available)
    func lifetime(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind, holdSeconds: 900) { $0.cartLimits.holdLifetimeSeconds = 3600 }
        try await test.product("MUG-1", stock: 10)
        let cart = try await test.shop.carts.createCart(for: nil)
        let start = test.clock.now()
        _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        for _ in 0..<3 {
            test.clock.advance(seconds: 800)
            _ = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        }
        test.clock.advance(seconds: 800)
        let renewed = try await test.shop.carts.setQuantity(2, of: test.sku("MUG-1"), in: cart.id, by: nil)
        #expect(renewed.lines.first?.hold?.expiresAt == start.adding(seconds: 3600))
        test.clock.advance(seconds: 400)
        #expect(try await test.item("MUG-1").stock.available == 10)
        let after = try await test.shop.carts.setQuantity(3, of: test.sku("MUG-1"), in: cart.id, by: nil)
        #expect(after.lines.first?.quantity == 3 && after.lines.first?.hold == nil)
        #expect(try await test.item("MUG-1").stock.available == 10)
        // Checkout still takes what is there then.
        let order = try await test.shop.carts.checkout(cart.id, email: try Email("a@example.com"), shippingAddress: TestShop.address, idempotencyKey: nil, by: nil)
        #expect(order.order.order.itemCount == 3)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("holds per client per minute: the client waits, others do not notice, and a minute later it goes on", arguments: TestStoreKind.available)
    func holdsPerClient(kind: TestStoreKind) async throws {
        let test = try TestShop { $0.clientLimits.holdsPerClientPerMinute = 5 }
        try await test.product("MUG-1", stock: 100)
        let hoarder = ClientAddress("203.0.113.9")
        let shopper = ClientAddress("198.51.100.7")
        let cart = try await test.shop.carts.createCart(for: nil)
        for quantity in 1...5 { _ = try await test.shop.carts.setQuantity(Int64(quantity), of: test.sku("MUG-1"), in: cart.id, by: nil, client: hoarder) }
        await #expect {
            try await test.shop.carts.setQuantity(6, of: test.sku("MUG-1"), in: cart.id, by: nil, client: hoarder)
        } throws: { Self.limit($0) == .holdsPerClientPerMinute && ($0 as? BackroomError)?.code == .rateLimited }
        let other = try await test.shop.carts.createCart(for: nil)
        _ = try await test.shop.carts.setQuantity(1, of: test.sku("MUG-1"), in: other.id, by: nil, client: shopper)
        test.clock.advance(seconds: 60)
        _ = try await test.shop.carts.setQuantity(6, of: test.sku("MUG-1"), in: cart.id, by: nil, client: hoarder)
        // Removing a line is never limited.
        _ = try await test.shop.carts.setQuantity(0, of: test.sku("MUG-1"), in: cart.id, by: nil, client: hoarder)
    }

    @Test("carts per client per hour", arguments: TestStoreKind.available)
    func cartsPerClient(kind: TestStoreKind) async throws {
        let test = try TestShop { $0.clientLimits.cartsPerClientPerHour = 3 }
        let client = ClientAddress("203.0.113.9")
        for _ in 0..<3 { _ = try await test.shop.carts.createCart(for: nil, client: client) }
        await #expect { try await test.shop.carts.createCart(for: nil, client: client) } throws: { Self.limit($0) == .cartsPerClientPerHour }
        _ = try await test.shop.carts.createCart(for: nil, client: ClientAddress("203.0.113.10"))
        _ = try await test.shop.carts.createCart(for: nil)
        #expect(try await test.number("SELECT COUNT(*) FROM cart") == 5)
    }

    @Test("a hoarding client working through the catalog leaves at least 90% of SKUs on sale for others", arguments: TestStoreKind.available)
    func hoarding(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let skus = (0..<100).map { String(format: "SKU-%03d", $0) }
        for (index, sku) in skus.enumerated() { try await test.product(sku, stock: Int64(1 + index % 40)) }
        let hoarder = ClientAddress("203.0.113.66")
        var refused = 0
        // As fast as it can: every SKU, 999 units, in carts of its own.
        var cart = try await test.shop.carts.createCart(for: nil, client: hoarder)
        for sku in skus {
            for quantity in [Int64(999), 50, 20, 10, 5, 1] {
                do {
                    _ = try await test.shop.carts.setQuantity(quantity, of: test.sku(sku), in: cart.id, by: nil, client: hoarder)
                    break
                } catch let error as BackroomError where error.code == .limitExceeded || error.code == .insufficientStock {
                    if Self.limit(error) == .linesPerCart, let next = try? await test.shop.carts.createCart(for: nil, client: hoarder) { cart = next }
                    continue
                } catch let error as BackroomError where error.code == .rateLimited {
                    refused += 1
                    break
                }
            }
        }
        var onSale = 0
        for sku in skus where try await test.item(sku).stock.available > 0 { onSale += 1 }
        #expect(onSale >= 90, "only \(onSale) of 100 SKUs stay on sale")
        #expect(refused > 0, "the per-client rate did not engage")
        #expect(try await test.shop.checkInvariants().isEmpty)
    }
}
