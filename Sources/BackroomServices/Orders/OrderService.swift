import BackroomCore
import Synchronization

/// Orders after checkout: reading them, paying, and moving them through
/// their life cycle.
public struct OrderService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let changes: ShopChangeFeed
    let payments: any PaymentProvider
    let configuration: ShopConfiguration

    /// An order, if `principal` may see it: staff, its customer, or a guest
    /// holding the token of the cart it came from. Anyone else is told it
    /// does not exist, whoever placed it.
    public func order(_ number: OrderNumber, by principal: Principal?, cartToken: CartID? = nil) async throws -> OrderDetail {
        guard let detail = try await store.order(number) else { throw BackroomError.notFound("No order \(number).") }
        if let principal, principal.can(.viewOrders) { return detail }
        try Self.authorizeShopper(detail.order, principal: principal, cartToken: cartToken)
        return detail
    }

    public func orders(matching filter: OrderFilter, sort: OrderSort, window: ListWindow, by principal: Principal) async throws -> Window<Order> {
        try principal.require(.viewOrders)
        return try await store.orders(matching: try Self.validated(filter), sort: sort, window: window)
    }

    /// A customer's own orders, newest first.
    public func myOrders(window: ListWindow, by principal: Principal) async throws -> Window<Order> {
        guard let userID = principal.userID else { throw BackroomError.unauthenticated() }
        return try await store.orders(matching: OrderFilter(customerID: userID), sort: OrderSort(.number, .descending), window: window)
    }

    public func count(matching filter: OrderFilter, by principal: Principal) async throws -> Int {
        try principal.require(.viewOrders)
        return try await store.countOrders(matching: try Self.validated(filter))
    }

    public func position(of key: KeysetKey, matching filter: OrderFilter, sort: OrderSort, by principal: Principal) async throws -> Int {
        try principal.require(.viewOrders)
        return try await store.orderPosition(of: key, matching: try Self.validated(filter), sort: sort)
    }

    /// Pays a pending order through the payment provider, exactly once
    /// whatever the concurrency, retries or crashes: the attempt is claimed
    /// in the store first (one at a time per order), the provider gets the
    /// attempt's idempotency key, and the outcome is settled after. Only the
    /// order's shopper may pay (its customer, or a guest with the cart's
    /// token); staff mark orders paid through the admin transitions.
    ///
    /// A decline leaves the order payable (`payment_declined`). A provider
    /// that does not answer in time leaves the attempt claimed; this call
    /// answers `unavailable`, and a later pay (or the recovery sweep) picks
    /// the attempt up with the same key, so nothing is charged twice.
    public func pay(_ number: OrderNumber, by principal: Principal?, cartToken: CartID? = nil) async throws -> OrderDetail {
        guard let detail = try await store.order(number) else { throw BackroomError.notFound("No order \(number).") }
        try Self.authorizeShopper(detail.order, principal: principal, cartToken: cartToken)
        _ = try OrderStateMachine.transition(from: detail.order.status, action: .pay)
        let actor = principal ?? Principal(userID: nil, name: detail.order.email.rawValue, role: .customer)
        let started = clock.now()
        let claim = try await store.beginPayment(
            number, newKey: PaymentAttempt.makeKey(order: number, sequence: 1),
            leaseUntil: started.adding(seconds: configuration.paymentLeaseSeconds),
            context: WriteContext(principal: actor, at: started)
        )
        changes.publish(.orders)
        let attempt = claim.attempt
        let request = PaymentRequest(order: number, amount: attempt.amount, idempotencyKey: attempt.idempotencyKey, attempt: attempt.sequence)
        let outcome: PaymentOutcome
        do {
            let reference = try await withPaymentTimeout { try await payments.charge(request) }
            outcome = .succeeded(reference: reference)
        } catch let error as BackroomError where error.code == .paymentDeclined {
            outcome = .declined(reason: error.message)
        } catch {
            // The charge may or may not have happened: the attempt stays
            // claimed until its lease ends, then it is looked up by its key.
            throw BackroomError.unavailable(
                "The payment provider did not confirm the payment in time; it will be settled automatically. Check the order in a minute; paying again is safe.",
                retryAfterSeconds: Int(configuration.paymentLeaseSeconds)
            )
        }
        let settled = try await store.settlePayment(attemptID: attempt.id, outcome: outcome, context: WriteContext(principal: actor, at: clock.now()))
        changes.publish(.orders)
        if case .declined(let reason) = outcome {
            throw BackroomError(.paymentDeclined, reason)
        }
        return settled
    }

    /// Settles attempts whose caller went away (a crash between charge and
    /// settle, a timeout) by asking the provider what happened to their
    /// key: charged attempts pay their order, declined ones are recorded,
    /// ones the provider never saw are abandoned (nothing was charged), and
    /// ones it is still processing wait another lease. Returns how many
    /// were settled.
    @discardableResult
    public func recoverPayments(limit: Int = 100) async throws -> Int {
        let now = clock.now()
        let stale = try await store.stalePaymentAttempts(now: now, limit: limit)
        var settled = 0
        let recovery = Principal.system("payment-recovery")
        for attempt in stale {
            let found: PaymentLookup
            do {
                found = try await payments.lookup(idempotencyKey: attempt.idempotencyKey)
            } catch {
                continue
            }
            let outcome: PaymentOutcome
            switch found {
            case .charged(let reference): outcome = .succeeded(reference: reference)
            case .declined(let reason): outcome = .declined(reason: reason)
            case .notFound: outcome = .abandoned(reason: "the provider never received the charge; nothing was charged")
            case .processing:
                try await store.extendPaymentLease(attemptID: attempt.id, until: now.adding(seconds: configuration.paymentLeaseSeconds))
                continue
            }
            do {
                _ = try await store.settlePayment(attemptID: attempt.id, outcome: outcome, context: WriteContext(principal: recovery, at: clock.now()))
                settled += 1
            } catch let error as BackroomError where error.code == .conflict {
                // Settled meanwhile by a caller that resumed it.
            }
        }
        if settled > 0 { changes.publish(.orders) }
        return settled
    }

    /// Every payment attempt of an order (staff).
    public func paymentAttempts(of number: OrderNumber, by principal: Principal) async throws -> [PaymentAttempt] {
        try principal.require(.viewOrders)
        return try await store.paymentAttempts(of: number)
    }

    /// The provider's answer, or `PaymentTimedOut` after the timeout. The
    /// caller does not wait for a provider call that ignores cancellation.
    private func withPaymentTimeout<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let timeout = Duration.milliseconds(Int64(configuration.paymentTimeoutSeconds * 1000))
        let answered = FirstAnswer()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let work = Task {
                do {
                    let value = try await body()
                    if answered.claim() { continuation.resume(returning: value) }
                } catch {
                    if answered.claim() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if answered.claim() {
                    work.cancel()
                    continuation.resume(throwing: PaymentTimedOut())
                }
            }
        }
    }

    /// A staff transition: ship, deliver, cancel, refund, or mark paid by hand.
    public func transition(_ number: OrderNumber, _ action: OrderAction, restock: Bool = false, note: String? = nil, by principal: Principal) async throws -> OrderDetail {
        try principal.require(.transitionOrders)
        let note = try TextRules.optionalLine(note, field: "note", label: "note", maximum: 500)
        let reference = action == .pay ? "manual:\(principal.name)" : nil
        let detail = try await store.transitionOrder(
            number, OrderTransitionRequest(action: action, restock: restock, note: note, paymentReference: reference),
            context: WriteContext(principal: principal, at: clock.now())
        )
        changes.publish(.orders)
        if action != .pay && action != .deliver {
            for line in detail.lines { changes.publish(.stock(line.sku)) }
        }
        return detail
    }

    /// A shopper's right to an order: its customer, or a guest with the
    /// token of its cart. Anyone else meets a `not_found` that does not say
    /// whether the order exists or whose it is.
    static func authorizeShopper(_ order: Order, principal: Principal?, cartToken: CartID?) throws(BackroomError) {
        if let owner = order.customerID, let principal, principal.userID == owner { return }
        if order.customerID == nil, let cartToken, cartToken == order.cartID { return }
        throw BackroomError.notFound("No order \(order.number).")
    }

    static func validated(_ filter: OrderFilter) throws(BackroomError) -> OrderFilter {
        var filter = filter
        filter.text = try TextRules.optionalLine(filter.text, field: "q", label: "search text", maximum: 200)
        if let from = filter.placedFrom, let before = filter.placedBefore, from >= before {
            throw .validation("placedBefore", "The date range is empty: it ends before it starts.")
        }
        if let minimum = filter.minimumTotalMinorUnits, let maximum = filter.maximumTotalMinorUnits, minimum > maximum {
            throw .validation("maxTotal", "The total range is empty: its maximum is below its minimum.")
        }
        return filter
    }
}

/// True for the first caller only: whoever answers first resumes the waiter.
private final class FirstAnswer: Sendable {
    private let answered = Atomic<Bool>(false)

    func claim() -> Bool {
        !answered.exchange(true, ordering: .acquiringAndReleasing)
    }
}
