import BackroomCore

public struct CartLineJSON: Codable, Sendable {
    public var sku: String
    public var name: String
    public var quantity: Int64
    public var unitPrice: MoneyJSON
    public var lineTotal: MoneyJSON?
    /// Units held for this cart; 0 once the hold expired.
    public var held: Int64
    public var holdExpiresAt: String?
}

public struct CartJSON: Codable, Sendable {
    /// The cart's token: whoever holds it may use an anonymous cart.
    public var id: String
    public var status: String
    public var lines: [CartLineJSON]
    public var itemCount: Int64
    public var subtotal: MoneyJSON?
    public var holdsExpireAt: String?

    public init(_ cart: Cart) {
        id = cart.id.rawValue
        status = cart.status.rawValue
        lines = cart.lines.map { line in
            CartLineJSON(
                sku: line.sku.rawValue, name: line.name, quantity: line.quantity, unitPrice: MoneyJSON(line.unitPrice),
                lineTotal: (try? line.lineTotal()).map(MoneyJSON.init), held: line.hold?.quantity ?? 0,
                holdExpiresAt: line.hold?.expiresAt.iso8601
            )
        }
        itemCount = cart.itemCount
        subtotal = (try? cart.subtotal()).map(MoneyJSON.init)
        holdsExpireAt = cart.earliestHoldExpiry?.iso8601
    }
}

public struct AddressJSON: Codable, Sendable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    public var country: String

    public init(_ address: ShippingAddress) {
        name = address.name
        line1 = address.line1
        line2 = address.line2
        city = address.city
        postalCode = address.postalCode
        country = address.country
    }

    public var address: ShippingAddress {
        ShippingAddress(name: name, line1: line1, line2: line2, city: city, postalCode: postalCode, country: country)
    }
}

public struct OrderSummaryJSON: Codable, Sendable {
    public var number: String
    public var status: String
    public var email: String
    public var itemCount: Int64
    public var total: MoneyJSON
    public var placedAt: String
    public var updatedAt: String
    public var allowedActions: [String]

    public init(_ order: Order) {
        number = order.number.rawValue
        status = order.status.rawValue
        email = order.email.rawValue
        itemCount = order.itemCount
        total = MoneyJSON(order.total)
        placedAt = order.placedAt.iso8601
        updatedAt = order.updatedAt.iso8601
        allowedActions = order.allowedActions.map(\.rawValue)
    }
}

public struct OrderLineJSON: Codable, Sendable {
    public var sku: String
    public var name: String
    public var quantity: Int64
    public var unitPrice: MoneyJSON
    public var lineTotal: MoneyJSON
}

public struct OrderEventJSON: Codable, Sendable {
    public var at: String
    public var actor: String
    public var event: String
    public var fromStatus: String?
    public var toStatus: String
    public var note: String?
}

public struct OrderJSON: Codable, Sendable {
    public var number: String
    public var status: String
    public var email: String
    public var itemCount: Int64
    public var subtotal: MoneyJSON
    public var total: MoneyJSON
    public var shippingAddress: AddressJSON
    public var paymentReference: String?
    public var placedAt: String
    public var updatedAt: String
    public var allowedActions: [String]
    public var lines: [OrderLineJSON]
    public var timeline: [OrderEventJSON]

    public init(_ detail: OrderDetail) {
        let order = detail.order
        number = order.number.rawValue
        status = order.status.rawValue
        email = order.email.rawValue
        itemCount = order.itemCount
        subtotal = MoneyJSON(order.subtotal)
        total = MoneyJSON(order.total)
        shippingAddress = AddressJSON(order.shippingAddress)
        paymentReference = order.paymentReference
        placedAt = order.placedAt.iso8601
        updatedAt = order.updatedAt.iso8601
        allowedActions = order.allowedActions.map(\.rawValue)
        lines = detail.lines.map {
            OrderLineJSON(sku: $0.sku.rawValue, name: $0.name, quantity: $0.quantity, unitPrice: MoneyJSON($0.unitPrice), lineTotal: MoneyJSON($0.lineTotal))
        }
        timeline = detail.timeline.map {
            OrderEventJSON(at: $0.at.iso8601, actor: $0.actor, event: $0.event, fromStatus: $0.fromStatus?.rawValue, toStatus: $0.toStatus.rawValue, note: $0.note)
        }
    }
}

public struct SetQuantityRequest: Codable, Sendable {
    public var quantity: WholeNumber
}

/// The optional body of `POST /api/v1/carts`: the cart's first lines.
public struct CreateCartRequest: Codable, Sendable {
    public struct Line: Codable, Sendable {
        public var sku: String
        public var quantity: WholeNumber
    }

    public var lines: [Line]?
}

public struct CheckoutRequest: Codable, Sendable {
    public var email: String
    public var shippingAddress: AddressJSON
}

public struct TransitionRequest: Codable, Sendable {
    public var action: String
    public var restock: Bool?
    public var note: String?
}
