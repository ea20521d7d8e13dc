import BackroomCore
import Testing

@Suite("Claiming a payment")
struct PaymentRulesTests {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    func order(_ status: OrderStatus) -> Order {
        Order(
            id: 7, status: status, customerID: nil, email: Email(trusted: "a@example.com"), currency: .eur, itemCount: 1,
            subtotal: Money(minorUnits: 1290, currency: .eur), total: Money(minorUnits: 1290, currency: .eur),
            shippingAddress: ShippingAddress(name: "A", line1: "B", city: "C", postalCode: "D", country: "PT"),
            paymentReference: nil, cartID: nil, placedAt: now, updatedAt: now
        )
    }

    func attempt(_ state: PaymentAttemptState, leaseUntil: Timestamp) -> PaymentAttempt {
        PaymentAttempt(
            id: 1, orderID: 7, sequence: 1, idempotencyKey: "pay_BR-000007_1_x", amount: Money(minorUnits: 1290, currency: .eur), state: state,
            leaseUntil: leaseUntil, providerReference: state == .succeeded ? "sim" : nil, failure: nil, startedAt: now, settledAt: nil
        )
    }

    @Test("no open attempt: a new one")
    func fresh() throws {
        #expect(try PaymentRules.claim(order: order(.pendingPayment), openAttempt: nil, now: now) == nil)
    }

    @Test("a pending attempt with a live lease is someone else's: payment_in_progress with Retry-After")
    func inProgress() {
        #expect {
            try PaymentRules.claim(order: order(.pendingPayment), openAttempt: attempt(.pending, leaseUntil: now.adding(seconds: 9)), now: now)
        } throws: { error in
            (error as? BackroomError)?.code == .paymentInProgress && (error as? BackroomError)?.retryAfterSeconds == 9
        }
    }

    @Test("a pending attempt whose lease ended is resumed with its own key")
    func resumed() throws {
        let stale = attempt(.pending, leaseUntil: now.adding(seconds: -1))
        #expect(try PaymentRules.claim(order: order(.pendingPayment), openAttempt: stale, now: now) == stale)
    }

    @Test("a paid, cancelled or shipped order cannot be paid")
    func notPayable() {
        #expect {
            try PaymentRules.claim(order: order(.paid), openAttempt: attempt(.succeeded, leaseUntil: now), now: now)
        } throws: { ($0 as? BackroomError)?.code == .invalidTransition }
        #expect {
            try PaymentRules.claim(order: order(.cancelled), openAttempt: nil, now: now)
        } throws: { ($0 as? BackroomError)?.code == .invalidTransition }
    }

    @Test("staff actions wait while a charge is unsettled")
    func pendingBlocksCancel() {
        #expect {
            try PaymentRules.checkNoPaymentPending(order(.pendingPayment), openAttempt: attempt(.pending, leaseUntil: now), action: .cancel)
        } throws: { ($0 as? BackroomError)?.code == .paymentInProgress }
    }

    @Test("keys are unique per attempt and name the order")
    func keys() {
        let first = PaymentAttempt.makeKey(order: OrderNumber(id: 7), sequence: 1)
        let second = PaymentAttempt.makeKey(order: OrderNumber(id: 7), sequence: 1)
        #expect(first != second && first.hasPrefix("pay_BR-000007_1_"))
    }
}
