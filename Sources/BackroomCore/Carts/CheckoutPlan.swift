/// One cart line as checkout finds it inside its transaction: what the
/// cart asks for, the product as it is now, the cart's own live hold and
/// the stock available to anyone else (holds that expired already freed).
public struct CheckoutLineState: Sendable, Hashable {
    public var productID: Int64
    public var sku: SKU
    public var name: String
    /// The current price, in minor units of the cart's currency.
    public var unitPriceMinorUnits: Int64
    public var status: ProductStatus
    public var quantity: Int64
    /// Units this cart still holds (0 once its hold expired).
    public var ownHold: Int64
    /// On hand minus held minus allocated: what nobody has claimed.
    public var available: Int64

    public init(
        productID: Int64, sku: SKU, name: String, unitPriceMinorUnits: Int64, status: ProductStatus,
        quantity: Int64, ownHold: Int64, available: Int64
    ) {
        self.productID = productID
        self.sku = sku
        self.name = name
        self.unitPriceMinorUnits = unitPriceMinorUnits
        self.status = status
        self.quantity = quantity
        self.ownHold = ownHold
        self.available = available
    }
}

/// What a checkout writes, decided from what it read: the order lines at
/// today's prices, the units each line moves from the cart's hold to the
/// allocation, the totals and the order's customer. Every store places
/// orders from this plan; the stock update itself stays conditional in the
/// store (`on_hand - held - allocated >= 0` in the statement), so the plan
/// never has to be right about concurrency, only about the rules.
public struct CheckoutPlan: Sendable, Hashable {
    public var lines: [OrderLine]
    /// The cart's own hold per line, in the order of `lines`: those units
    /// are already set aside and move from held to allocated.
    public var ownHolds: [Int64]
    public var subtotal: Money
    public var itemCount: Int64
    public var customerID: Int64?

    /// Refuses an empty cart, an archived product (naming it) and lines the
    /// stock cannot cover (all of them, with what is available to this
    /// cart: its own hold plus what nobody claimed).
    public static func make(
        lines states: [CheckoutLineState], currency: Currency, cartOwnerID: Int64?, principal: Principal
    ) throws(BackroomError) -> CheckoutPlan {
        guard !states.isEmpty else { throw .validation("cart", "The cart is empty.") }
        if let archived = states.first(where: { $0.status != .active }) {
            throw .conflict("\(archived.sku) was archived and can no longer be bought; remove it from the cart.")
        }
        let shortages = states.compactMap { state -> StockShortage? in
            state.quantity - state.ownHold > state.available
                ? StockShortage(sku: state.sku, requested: state.quantity, available: state.available + state.ownHold)
                : nil
        }
        guard shortages.isEmpty else { throw .insufficientStock(shortages) }
        var lines: [OrderLine] = []
        for state in states {
            let unitPrice = Money(minorUnits: state.unitPriceMinorUnits, currency: currency)
            lines.append(OrderLine(
                productID: state.productID, sku: state.sku, name: state.name, unitPrice: unitPrice,
                quantity: state.quantity, lineTotal: try unitPrice.multiplied(by: state.quantity)
            ))
        }
        // A guest cart checked out by a signed-in customer becomes theirs;
        // staff placing an order do not become its customer.
        let customerID = cartOwnerID ?? (principal.role == .customer ? principal.userID : nil)
        return CheckoutPlan(
            lines: lines, ownHolds: states.map(\.ownHold),
            subtotal: try Money.sum(lines.map(\.lineTotal), currency: currency),
            itemCount: states.reduce(0) { $0 + $1.quantity }, customerID: customerID
        )
    }
}
