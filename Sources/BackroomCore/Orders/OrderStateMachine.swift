/// What a transition does to stock.
public enum StockEffect: Sendable, Hashable {
    case none
    /// Shipping: on hand and allocated both drop; the ledger records a `sale`.
    case consumeAllocation
    /// Cancelling (or refunding before shipping): the allocation is released.
    case releaseAllocation
    /// Refunding shipped goods: they may come back as a `return`, if asked.
    case restockIfRequested
}

public struct OrderTransition: Sendable, Hashable {
    public var from: OrderStatus
    public var action: OrderAction
    public var to: OrderStatus
    public var stockEffect: StockEffect
}

/// The order life cycle, as a pure function:
///
///     pending_payment → paid → shipped → delivered
///     cancelled ← pending_payment | paid
///     refunded  ← paid | shipped | delivered
public enum OrderStateMachine {
    public static func transition(from status: OrderStatus, action: OrderAction) throws(BackroomError) -> OrderTransition {
        let outcome: (OrderStatus, StockEffect)?
        switch (status, action) {
        case (.pendingPayment, .pay): outcome = (.paid, .none)
        case (.paid, .ship): outcome = (.shipped, .consumeAllocation)
        case (.shipped, .deliver): outcome = (.delivered, .none)
        case (.pendingPayment, .cancel), (.paid, .cancel): outcome = (.cancelled, .releaseAllocation)
        case (.paid, .refund): outcome = (.refunded, .releaseAllocation)
        case (.shipped, .refund), (.delivered, .refund): outcome = (.refunded, .restockIfRequested)
        default: outcome = nil
        }
        guard let (target, effect) = outcome else {
            throw BackroomError(
                .invalidTransition,
                "Cannot \(action.rawValue) an order that is \(status.label).",
                field: "action",
                detail: .transition(status: status, action: action)
            )
        }
        return OrderTransition(from: status, action: action, to: target, stockEffect: effect)
    }

    /// The actions legal from `status`, in life-cycle order.
    public static func allowedActions(from status: OrderStatus) -> [OrderAction] {
        OrderAction.allCases.filter { (try? transition(from: status, action: $0)) != nil }
    }
}
