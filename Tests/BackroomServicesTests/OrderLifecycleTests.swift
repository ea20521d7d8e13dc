import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

@Suite("Order life cycle")
struct OrderLifecycleTests {
    func placed(_ test: TestShop, quantity: Int64 = 2) async throws -> OrderNumber {
        try await test.product("MUG-1", stock: 10)
        return try await test.placeOrder([("MUG-1", quantity)]).order.order.number
    }

    @Test("paying through the provider records its reference; a decline leaves the order pending", arguments: TestStoreKind.available)
    func pay(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let number = try await placed(test)
        let cartToken = try await test.shop.orders.order(number, by: TestShop.admin).order.cartID
        test.payments.setDeclining(true)
        await #expect {
            try await test.shop.orders.pay(number, by: nil, cartToken: cartToken)
        } throws: { ($0 as? BackroomError)?.code == .paymentDeclined }
        #expect(try await test.shop.orders.order(number, by: TestShop.admin).order.status == .pendingPayment)
        test.payments.setDeclining(false)
        let paid = try await test.shop.orders.pay(number, by: nil, cartToken: cartToken)
        #expect(paid.order.status == .paid)
        #expect(paid.order.paymentReference?.hasPrefix("sim_") == true)
        // The timeline shows each attempt: the declined one, then the one that paid.
        #expect(paid.timeline.map(\.event) == ["placed", "payment_started", "payment_declined", "payment_started", "pay"])
        #expect(try await test.anyStore.paymentAttempts(of: number).map(\.state) == [.declined, .succeeded])
        #expect(test.payments.charges.count == 1)
        await #expect {
            try await test.shop.orders.pay(number, by: nil, cartToken: cartToken)
        } throws: { ($0 as? BackroomError)?.code == .invalidTransition }
        await #expect {
            try await test.shop.orders.pay(number, by: nil, cartToken: CartID.random())
        } throws: { ($0 as? BackroomError)?.code == .notFound }
    }

    @Test("shipping takes the units off on hand and allocated and writes sale rows", arguments: TestStoreKind.available)
    func ship(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let number = try await placed(test)
        _ = try await test.shop.orders.transition(number, .pay, by: TestShop.operatorPrincipal)
        let shipped = try await test.shop.orders.transition(number, .ship, by: TestShop.operatorPrincipal)
        #expect(shipped.order.status == .shipped)
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 8, held: 0, allocated: 0))
        let ledger = try await test.shop.inventory.movements(of: test.sku("MUG-1"), window: ListWindow(), by: TestShop.admin)
        #expect(ledger.items.first?.reason == .sale)
        #expect(ledger.items.first?.delta == -2)
        #expect(ledger.items.first?.reference == number.rawValue)
        #expect(ledger.items.first?.actor == "ana@backroom.local")
        let delivered = try await test.shop.orders.transition(number, .deliver, by: TestShop.operatorPrincipal)
        #expect(delivered.timeline.map(\.event) == ["placed", "pay", "ship", "deliver"])
        #expect(try await test.shop.checkInvariants().isEmpty)
        let audit = try await test.shop.audit.entries(window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.prefix(3).map(\.action) == ["order.deliver", "order.ship", "order.pay"])
    }

    @Test("cancelling releases the allocation", arguments: [false, true])
    func cancel(afterPayment: Bool) async throws {
        let test = try await TestShop.make(.sqlite)
        let number = try await placed(test)
        if afterPayment { _ = try await test.shop.orders.transition(number, .pay, by: TestShop.operatorPrincipal) }
        let cancelled = try await test.shop.orders.transition(number, .cancel, note: "customer asked", by: TestShop.operatorPrincipal)
        #expect(cancelled.order.status == .cancelled)
        #expect(cancelled.timeline.last?.note == "customer asked")
        #expect(try await test.item("MUG-1").stock == StockLevel(onHand: 10, held: 0, allocated: 0))
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("refunds: before shipping release the allocation; after, restock only when asked", arguments: [
        ([OrderAction.pay], false, StockLevel(onHand: 10, held: 0, allocated: 0)),
        ([.pay, .ship], false, StockLevel(onHand: 8, held: 0, allocated: 0)),
        ([.pay, .ship], true, StockLevel(onHand: 10, held: 0, allocated: 0)),
        ([.pay, .ship, .deliver], true, StockLevel(onHand: 10, held: 0, allocated: 0)),
    ])
    func refund(path: [OrderAction], restock: Bool, expected: StockLevel) async throws {
        let test = try await TestShop.make(.sqlite)
        let number = try await placed(test)
        for action in path { _ = try await test.shop.orders.transition(number, action, by: TestShop.operatorPrincipal) }
        let refunded = try await test.shop.orders.transition(number, .refund, restock: restock, by: TestShop.operatorPrincipal)
        #expect(refunded.order.status == .refunded)
        #expect(try await test.item("MUG-1").stock == expected)
        if restock {
            let ledger = try await test.shop.inventory.movements(of: test.sku("MUG-1"), window: ListWindow(), by: TestShop.admin)
            #expect(ledger.items.first?.reason == .return)
            #expect(ledger.items.first?.delta == 2)
        }
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("an illegal transition names the status and the action and writes nothing", arguments: TestStoreKind.available)
    func illegal(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        let number = try await placed(test)
        await #expect {
            try await test.shop.orders.transition(number, .ship, by: TestShop.operatorPrincipal)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .invalidTransition && error.message == "Cannot ship an order that is pending payment."
        }
        await #expect {
            try await test.shop.orders.transition(number, .ship, by: TestShop.viewer)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        await #expect {
            try await test.shop.orders.transition(OrderNumber(id: 999), .pay, by: TestShop.operatorPrincipal)
        } throws: { ($0 as? BackroomError)?.code == .notFound }
        #expect(try await test.shop.orders.order(number, by: TestShop.admin).timeline.count == 1)
    }

    @Test("order lists filter by status, customer, dates and totals, search number and email, and page by key", arguments: TestStoreKind.available)
    func queries(kind: TestStoreKind) async throws {
        let test = try await TestShop.make(kind)
        try await test.product("MUG-1", price: 1000, stock: 100)
        let ana = try await test.customer("ana@example.com", name: "Ana")
        var numbers: [OrderNumber] = []
        for index in 1...12 {
            let cart = try await test.shop.carts.createCart(for: index % 3 == 0 ? ana.principal : nil)
            let principal: Principal? = index % 3 == 0 ? ana.principal : nil
            _ = try await test.shop.carts.setQuantity(Int64(index), of: test.sku("MUG-1"), in: cart.id, by: principal)
            let email = try Email(index % 3 == 0 ? "ana@example.com" : "guest\(index)@example.net")
            numbers.append(try await test.shop.carts.checkout(cart.id, email: email, shippingAddress: TestShop.address, idempotencyKey: nil, by: principal).order.order.number)
            test.clock.advance(seconds: 3600)
        }
        for number in numbers.prefix(4) { _ = try await test.shop.orders.transition(number, .pay, by: TestShop.operatorPrincipal) }
        func list(_ filter: OrderFilter, _ sort: OrderSort = OrderSort(.number, .descending)) async throws -> [Int64] {
            try await test.shop.orders.orders(matching: filter, sort: sort, window: ListWindow(limit: 100), by: TestShop.viewer).items.map(\.id)
        }
        #expect(try await list(OrderFilter(statuses: [.paid])) == [4, 3, 2, 1])
        #expect(try await list(OrderFilter(customerID: ana.id)) == [12, 9, 6, 3])
        #expect(try await list(OrderFilter(text: "BR-000007")) == [7])
        #expect(try await list(OrderFilter(text: "ana@")) == [12, 9, 6, 3])
        #expect(try await list(OrderFilter(minimumTotalMinorUnits: 10_000, maximumTotalMinorUnits: 11_000)) == [11, 10])
        let start = Timestamp(millisecondsSince1970: 1_767_225_600_000)
        #expect(try await list(OrderFilter(placedFrom: start.adding(seconds: 3600), placedBefore: start.adding(seconds: 3 * 3600))) == [3, 2])
        #expect(try await list(OrderFilter(), OrderSort(.total)) == Array(1...12))
        #expect(try await test.shop.orders.count(matching: OrderFilter(statuses: [.pendingPayment]), by: TestShop.viewer) == 8)
        let mine = try await test.shop.orders.myOrders(window: ListWindow(limit: 2), by: ana.principal)
        #expect(mine.items.map(\.id) == [12, 9])
        #expect(mine.hasMoreAfter)
        await #expect {
            try await test.shop.orders.order(numbers[0], by: ana.principal)
        } throws: { ($0 as? BackroomError)?.code == .notFound }
        await #expect {
            try await test.shop.orders.orders(matching: OrderFilter(), sort: OrderSort(.number), window: ListWindow(), by: ana.principal)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        await #expect {
            try await test.shop.orders.orders(matching: OrderFilter(minimumTotalMinorUnits: 5, maximumTotalMinorUnits: 1), sort: OrderSort(.number), window: ListWindow(), by: TestShop.viewer)
        } throws: { ($0 as? BackroomError)?.field == "maxTotal" }
    }
}
