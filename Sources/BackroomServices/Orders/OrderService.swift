import BackroomCore

/// Orders after checkout: reading them, paying, and moving them through
/// their life cycle.
public struct OrderService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let changes: ShopChangeFeed
    let payments: any PaymentProvider

    /// An order, if `principal` may see it: staff, its customer, or a guest
    /// holding the token of the cart it came from.
    public func order(_ number: OrderNumber, by principal: Principal?, cartToken: CartID? = nil) async throws -> OrderDetail {
        guard let detail = try await store.order(number) else { throw BackroomError.notFound("No order \(number).") }
        try Self.authorize(detail.order, principal: principal, cartToken: cartToken)
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

    /// Pays a pending order through the payment provider; the order becomes
    /// `paid` with the provider's reference. Declines leave it pending.
    public func pay(_ number: OrderNumber, by principal: Principal?, cartToken: CartID? = nil) async throws -> OrderDetail {
        let detail = try await order(number, by: principal, cartToken: cartToken)
        _ = try OrderStateMachine.transition(from: detail.order.status, action: .pay)
        let reference = try await payments.charge(detail.order)
        let actor = principal ?? Principal(userID: nil, name: detail.order.email.rawValue, role: .customer)
        let paid = try await store.transitionOrder(
            number, OrderTransitionRequest(action: .pay, paymentReference: reference),
            context: WriteContext(principal: actor, at: clock.now())
        )
        changes.publish(.orders)
        return paid
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

    static func authorize(_ order: Order, principal: Principal?, cartToken: CartID?) throws(BackroomError) {
        if let principal, principal.can(.viewOrders) { return }
        if let owner = order.customerID {
            guard let principal else { throw BackroomError.unauthenticated("Sign in to see this order.") }
            guard principal.userID == owner else { throw BackroomError.notFound("No order \(order.number).") }
            return
        }
        guard let cartToken, cartToken == order.cartID else {
            throw BackroomError.notFound("No order \(order.number).")
        }
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
