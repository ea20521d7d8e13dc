import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import Testing

@Suite("Exactly-once payment")
struct PaymentTests {
    /// A shop whose pay requests wait 0.3 s of real time for the provider.
    func shop(_ kind: TestStoreKind) async throws -> TestShop {
        try await TestShop.make(kind) { $0.paymentTimeoutSeconds = 0.3 }
    }

    func placed(_ test: TestShop) async throws -> (OrderNumber, CartID?) {
        try await test.product("MUG-1", stock: 10)
        let order = try await test.placeOrder([("MUG-1", 2)]).order.order
        return (order.number, order.cartID)
    }

    @Test("ten concurrent pays of one order: one succeeds, nine are told it is in progress, the provider charges once", arguments: TestStoreKind.available)
    func concurrentPays(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, token) = try await placed(test)
        test.payments.setBehaviour(.approveAfter(seconds: 0.1))
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await test.shop.orders.pay(number, by: nil, cartToken: token)
                        return "paid"
                    } catch let error as BackroomError {
                        return error.code.rawValue
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "paid" }.count == 1)
        #expect(outcomes.filter { $0 == "payment_in_progress" }.count == 9)
        #expect(test.payments.calls == 1)
        #expect(test.payments.charges.count == 1)
        let attempts = try await test.anyStore.paymentAttempts(of: number)
        #expect(attempts.map(\.state) == [.succeeded])
        let order = try await test.shop.orders.order(number, by: TestShop.admin)
        #expect(order.order.status == .paid && order.order.paymentReference == test.payments.charges.first?.reference)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("a provider that answers late: the attempt stays claimed, a later pay resumes it with the same key and nothing is charged twice", arguments: TestStoreKind.available)
    func lateAnswer(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, token) = try await placed(test)
        test.payments.setBehaviour(.succeedLate(seconds: 1))
        await #expect {
            try await test.shop.orders.pay(number, by: nil, cartToken: token)
        } throws: { error in
            (error as? BackroomError)?.code == .unavailable && ((error as? BackroomError)?.retryAfterSeconds ?? 0) > 0
        }
        #expect(try await test.anyStore.paymentAttempts(of: number).map(\.state) == [.pending])
        #expect(test.payments.charges.count == 1)
        // While the lease runs, nobody else may drive it.
        await #expect {
            try await test.shop.orders.pay(number, by: nil, cartToken: token)
        } throws: { ($0 as? BackroomError)?.code == .paymentInProgress }
        test.clock.advance(seconds: 60)
        test.payments.setBehaviour(.approve)
        let paid = try await test.shop.orders.pay(number, by: nil, cartToken: token)
        #expect(paid.order.status == .paid)
        #expect(test.payments.charges.count == 1)
        let attempts = try await test.anyStore.paymentAttempts(of: number)
        #expect(attempts.count == 1 && attempts[0].providerReference == test.payments.charges[0].reference)
        #expect(paid.timeline.map(\.event) == ["placed", "payment_started", "payment_resumed", "pay"])
    }

    @Test("a crash between charge and settle: after restart, recovery finds the charge by its key and pays the order", arguments: TestStoreKind.available)
    func crashRecovery(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, _) = try await placed(test)
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-payments-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let before = try SimulatedPaymentProvider(journalPath: journal)
        // The process claimed the attempt and the provider charged; then it died.
        let claim = try await test.anyStore.beginPayment(
            number, newKey: PaymentAttempt.makeKey(order: number, sequence: 1), leaseUntil: test.clock.now().adding(seconds: 20),
            context: WriteContext(principal: .system("shopper"), at: test.clock.now())
        )
        let reference = try await before.charge(PaymentRequest(order: number, amount: claim.attempt.amount, idempotencyKey: claim.attempt.idempotencyKey, attempt: 1))
        // Restart: a new service layer over the same store and the provider's journal.
        let after = try SimulatedPaymentProvider(journalPath: journal)
        let restarted = Shop(store: test.anyStore, currency: .eur, clock: test.clock, configuration: ShopConfiguration(passwordCost: 4), payments: after)
        #expect(try await restarted.orders.recoverPayments() == 0, "a live lease is left alone")
        test.clock.advance(seconds: 30)
        #expect(try await restarted.orders.recoverPayments() == 1)
        let order = try await restarted.orders.order(number, by: TestShop.admin)
        #expect(order.order.status == .paid && order.order.paymentReference == reference)
        #expect(after.charges.count == 1)
        #expect(order.timeline.last?.actor == "payment-recovery")
        #expect(try await restarted.checkInvariants().isEmpty)
    }

    @Test("recovery abandons an attempt the provider never saw, and the shopper can pay again", arguments: TestStoreKind.available)
    func abandoned(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, token) = try await placed(test)
        _ = try await test.anyStore.beginPayment(
            number, newKey: PaymentAttempt.makeKey(order: number, sequence: 1), leaseUntil: test.clock.now().adding(seconds: 20),
            context: WriteContext(principal: .system("shopper"), at: test.clock.now())
        )
        test.clock.advance(seconds: 30)
        #expect(try await test.shop.orders.recoverPayments() == 1)
        #expect(try await test.anyStore.paymentAttempts(of: number).map(\.state) == [.abandoned])
        #expect(test.payments.charges.isEmpty)
        let paid = try await test.shop.orders.pay(number, by: nil, cartToken: token)
        #expect(paid.order.status == .paid)
        #expect(try await test.anyStore.paymentAttempts(of: number).map(\.sequence) == [1, 2])
        #expect(paid.timeline.map(\.event).contains("payment_abandoned"))
    }

    @Test("recovery waits for a charge the provider is still processing", arguments: TestStoreKind.available)
    func processing(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, token) = try await placed(test)
        test.payments.setBehaviour(.hang)
        await #expect { try await test.shop.orders.pay(number, by: nil, cartToken: token) } throws: { ($0 as? BackroomError)?.code == .unavailable }
        test.clock.advance(seconds: 60)
        #expect(try await test.shop.orders.recoverPayments() == 0)
        let attempt = try #require(try await test.anyStore.paymentAttempts(of: number).first)
        #expect(attempt.state == .pending && attempt.leaseUntil > test.clock.now())
    }

    @Test("staff cannot cancel or mark paid while a charge is unsettled", arguments: TestStoreKind.available)
    func cancelWaits(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, _) = try await placed(test)
        let claim = try await test.anyStore.beginPayment(
            number, newKey: "pay_test_key", leaseUntil: test.clock.now().adding(seconds: 20),
            context: WriteContext(principal: .system("shopper"), at: test.clock.now())
        )
        for action in [OrderAction.cancel, .pay] {
            await #expect {
                try await test.shop.orders.transition(number, action, by: TestShop.operatorPrincipal)
            } throws: { ($0 as? BackroomError)?.code == .paymentInProgress }
        }
        _ = try await test.anyStore.settlePayment(attemptID: claim.attempt.id, outcome: .declined(reason: "no"), context: WriteContext(principal: .system("t"), at: test.clock.now()))
        let cancelled = try await test.shop.orders.transition(number, .cancel, by: TestShop.operatorPrincipal)
        #expect(cancelled.order.status == .cancelled)
    }

    @Test("only the order's shopper pays through the shop: staff tokens and other customers meet not_found", arguments: TestStoreKind.available)
    func whoPays(kind: TestStoreKind) async throws {
        let test = try await shop(kind)
        let (number, token) = try await placed(test)
        for principal in [TestShop.viewer, TestShop.operatorPrincipal, TestShop.admin, Principal(userID: 99, name: "eve", role: .customer)] {
            await #expect { try await test.shop.orders.pay(number, by: principal) } throws: { ($0 as? BackroomError)?.code == .notFound }
        }
        await #expect { try await test.shop.orders.pay(number, by: nil, cartToken: nil) } throws: { ($0 as? BackroomError)?.code == .notFound }
        #expect(test.payments.calls == 0)
        #expect(try await test.shop.orders.pay(number, by: nil, cartToken: token).order.status == .paid)
    }
}
