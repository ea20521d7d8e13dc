/// What putting a line into a cart does, decided from what the store read
/// inside the transaction: how many units to hold and until when. The store
/// writes exactly this; every store asks the same rules.
public struct CartLinePlan: Sendable, Hashable {
    public var quantity: Int64
    /// Units to hold for this line; 0 once the cart's hold lifetime is over
    /// (the line stays, unreserved, and checkout takes what is there then).
    public var heldUnits: Int64
    public var holdUntil: Timestamp
    /// The cart's first hold, which bounds every later one.
    public var firstHoldAt: Timestamp

    /// The rules for a line with `quantity` ≥ 1.
    ///
    /// - Parameters:
    ///   - lineExists: whether the cart already has a line for this SKU.
    ///   - lineCount: the cart's lines before this change.
    ///   - ownHold: units this cart holds of the SKU now (live holds only).
    ///   - availableToOthers: the SKU's available stock (on hand − held −
    ///     allocated, live holds only), which excludes `ownHold`.
    ///   - firstHoldAt: when the cart first held anything, if it has.
    public static func decide(
        sku: SKU, quantity: Int64, lineExists: Bool, lineCount: Int, ownHold: Int64, availableToOthers: Int64,
        firstHoldAt: Timestamp?, now: Timestamp, policy: HoldPolicy, limits: CartLimits
    ) throws(BackroomError) -> CartLinePlan {
        guard quantity <= limits.unitsPerLine else {
            throw .limitExceeded(.unitsPerLine, "A cart line holds at most \(limits.unitsPerLine) units (asked for \(quantity)).", field: "quantity")
        }
        if !lineExists, lineCount >= limits.linesPerCart {
            throw .limitExceeded(.linesPerCart, "A cart holds at most \(limits.linesPerCart) different products; check out or start a new cart.", field: "sku")
        }
        let availableToCart = max(0, availableToOthers) + ownHold
        guard quantity <= availableToCart else {
            throw .insufficientStock([StockShortage(sku: sku, requested: quantity, available: availableToCart)])
        }
        let anchor = firstHoldAt ?? now
        let deadline = anchor.adding(seconds: limits.holdLifetimeSeconds)
        guard deadline > now else {
            return CartLinePlan(quantity: quantity, heldUnits: 0, holdUntil: now, firstHoldAt: anchor)
        }
        if quantity > ownHold {
            let allowed = maximumHold(availableToCart: availableToCart, limits: limits)
            guard quantity <= allowed else {
                throw .limitExceeded(
                    .holdShare,
                    "One cart may hold at most \(allowed) of the \(availableToCart) units of \(sku) available now.",
                    field: "quantity"
                )
            }
        }
        let expiry = min(policy.expiry(from: now), deadline)
        return CartLinePlan(quantity: quantity, heldUnits: quantity, holdUntil: expiry, firstHoldAt: anchor)
    }

    /// The most one cart may hold when `availableToCart` units are free to it:
    /// its share, but never less than the floor (or everything, if less).
    public static func maximumHold(availableToCart: Int64, limits: CartLimits) -> Int64 {
        let share = Int64((Double(availableToCart) * limits.holdShare).rounded(.down))
        return max(min(limits.holdFloorUnits, availableToCart), share)
    }
}
