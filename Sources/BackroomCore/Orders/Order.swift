/// A placed order, without its lines (what lists show).
public struct Order: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var number: OrderNumber
    public var status: OrderStatus
    public var customerID: Int64?
    public var email: Email
    public var currency: Currency
    public var itemCount: Int64
    public var subtotal: Money
    public var total: Money
    public var shippingAddress: ShippingAddress
    /// The payment provider's reference; card data is never stored.
    public var paymentReference: String?
    /// The cart it was placed from; holding that cart's token proves a
    /// guest's right to the order.
    public var cartID: CartID?
    public var placedAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: Int64, status: OrderStatus, customerID: Int64?, email: Email, currency: Currency,
        itemCount: Int64, subtotal: Money, total: Money, shippingAddress: ShippingAddress,
        paymentReference: String?, cartID: CartID?, placedAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.number = OrderNumber(id: id)
        self.status = status
        self.customerID = customerID
        self.email = email
        self.currency = currency
        self.itemCount = itemCount
        self.subtotal = subtotal
        self.total = total
        self.shippingAddress = shippingAddress
        self.paymentReference = paymentReference
        self.cartID = cartID
        self.placedAt = placedAt
        self.updatedAt = updatedAt
    }

    public var allowedActions: [OrderAction] { OrderStateMachine.allowedActions(from: status) }
}

/// One line of an order, with the price as it was at checkout.
public struct OrderLine: Sendable, Hashable, Codable {
    public var productID: Int64
    public var sku: SKU
    public var name: String
    public var unitPrice: Money
    public var quantity: Int64
    public var lineTotal: Money

    public init(productID: Int64, sku: SKU, name: String, unitPrice: Money, quantity: Int64, lineTotal: Money) {
        self.productID = productID
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.lineTotal = lineTotal
    }
}

/// One step in an order's history: who did what, when.
public struct OrderEvent: Sendable, Hashable, Codable {
    public var at: Timestamp
    public var actor: String
    /// `placed`, or the action taken (`pay`, `ship`, …).
    public var event: String
    public var fromStatus: OrderStatus?
    public var toStatus: OrderStatus
    public var note: String?

    public init(at: Timestamp, actor: String, event: String, fromStatus: OrderStatus?, toStatus: OrderStatus, note: String?) {
        self.at = at
        self.actor = actor
        self.event = event
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.note = note
    }
}

/// An order with its lines and timeline.
public struct OrderDetail: Sendable, Hashable, Codable, Identifiable {
    public var order: Order
    public var lines: [OrderLine]
    public var timeline: [OrderEvent]

    public init(order: Order, lines: [OrderLine], timeline: [OrderEvent]) {
        self.order = order
        self.lines = lines
        self.timeline = timeline
    }

    public var id: Int64 { order.id }
}

/// How a staff member moves an order along.
public struct OrderTransitionRequest: Sendable, Hashable {
    public var action: OrderAction
    /// For refunds of shipped goods: put the units back on hand as `return`s.
    public var restock: Bool
    public var note: String?
    /// Set by the payment step, never by a caller.
    public var paymentReference: String?

    public init(action: OrderAction, restock: Bool = false, note: String? = nil, paymentReference: String? = nil) {
        self.action = action
        self.restock = restock
        self.note = note
        self.paymentReference = paymentReference
    }
}
