public enum CartStatus: String, Sendable, Hashable, Codable {
    case open
    case checkedOut = "checked_out"
}

/// A shopper's cart. Each line's units are held for a time so that
/// `available` drops the moment something is added.
public struct Cart: Sendable, Hashable, Codable, Identifiable {
    public var id: CartID
    /// The owning customer; `nil` for an anonymous cart.
    public var customerID: Int64?
    public var status: CartStatus
    public var currency: Currency
    public var lines: [CartLine]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: CartID, customerID: Int64?, status: CartStatus, currency: Currency,
        lines: [CartLine], createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.customerID = customerID
        self.status = status
        self.currency = currency
        self.lines = lines
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var itemCount: Int64 { lines.reduce(0) { $0 + $1.quantity } }

    public func subtotal() throws(BackroomError) -> Money {
        var total = Money.zero(currency)
        for line in lines { total = try total.adding(try line.lineTotal()) }
        return total
    }

    /// The earliest time one of the holds runs out, if any line is held.
    public var earliestHoldExpiry: Timestamp? {
        lines.compactMap { $0.hold?.expiresAt }.min()
    }
}

public struct CartLine: Sendable, Hashable, Codable {
    public var productID: Int64
    public var sku: SKU
    public var name: String
    public var unitPrice: Money
    public var quantity: Int64
    /// The live hold on this line's units; `nil` once it expired.
    public var hold: Hold?

    public init(productID: Int64, sku: SKU, name: String, unitPrice: Money, quantity: Int64, hold: Hold?) {
        self.productID = productID
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.hold = hold
    }

    public func lineTotal() throws(BackroomError) -> Money {
        try unitPrice.multiplied(by: quantity)
    }
}

/// Units of a SKU reserved for one cart until `expiresAt`.
public struct Hold: Sendable, Hashable, Codable {
    public var quantity: Int64
    public var expiresAt: Timestamp

    public init(quantity: Int64, expiresAt: Timestamp) {
        self.quantity = quantity
        self.expiresAt = expiresAt
    }

    /// A hold counts only before it expires, whether or not the sweeper has run.
    public func isLive(at now: Timestamp) -> Bool { expiresAt > now }
}

/// How long holds last.
public struct HoldPolicy: Sendable, Hashable {
    public var durationSeconds: Int64

    public init(durationSeconds: Int64 = 15 * 60) {
        self.durationSeconds = durationSeconds
    }

    public func expiry(from now: Timestamp) -> Timestamp { now.adding(seconds: durationSeconds) }
}
