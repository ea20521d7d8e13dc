/// One row of the stock ledger: a change of on hand, why, by whom.
/// The sum of a SKU's deltas is its on hand.
public struct StockMovement: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var productID: Int64
    public var sku: SKU
    public var delta: Int64
    public var reason: MovementReason
    public var actor: String
    /// What caused it: an order number, a delivery note, a count sheet.
    public var reference: String?
    public var onHandAfter: Int64
    public var createdAt: Timestamp

    public init(
        id: Int64, productID: Int64, sku: SKU, delta: Int64, reason: MovementReason,
        actor: String, reference: String?, onHandAfter: Int64, createdAt: Timestamp
    ) {
        self.id = id
        self.productID = productID
        self.sku = sku
        self.delta = delta
        self.reason = reason
        self.actor = actor
        self.reference = reference
        self.onHandAfter = onHandAfter
        self.createdAt = createdAt
    }
}

/// What a stock write did: the level before and after, and its ledger row.
public struct StockChange: Sendable, Hashable, Codable {
    public var item: InventoryItem
    public var before: StockLevel
    public var movement: StockMovement

    public init(item: InventoryItem, before: StockLevel, movement: StockMovement) {
        self.item = item
        self.before = before
        self.movement = movement
    }

    public var after: StockLevel { item.stock }

    /// "MUG-0002 on hand 4 → 3 (correction)"
    public var summary: String {
        "\(item.sku) on hand \(before.onHand) → \(after.onHand) (\(movement.reason.label))"
    }
}

/// A stock change asked for by a person: by how much, or to what count.
public enum StockInstruction: Sendable, Hashable {
    case adjust(by: Int64)
    /// Compare-and-set: `expected` is the on hand the operator saw.
    case setCount(to: Int64, expected: Int64)

    /// The change to on hand this asks for, given what is on hand now. A
    /// count against an on hand that moved meanwhile is a conflict carrying
    /// the current count; a change of nothing is refused, as it would write
    /// an empty ledger row.
    public func delta(onHand current: Int64, sku: SKU) throws(BackroomError) -> Int64 {
        let delta: Int64
        switch self {
        case .adjust(let by):
            delta = by
        case .setCount(let count, let expected):
            guard current == expected else {
                throw BackroomError(
                    .conflict, "\(sku) changed to \(current) while you were editing (you saw \(expected)); nothing written.",
                    field: "expected", detail: .currentCount(current)
                )
            }
            delta = count - current
        }
        guard delta != 0 else { throw .validation("count", "On hand is already \(current); nothing to change.") }
        return delta
    }
}
