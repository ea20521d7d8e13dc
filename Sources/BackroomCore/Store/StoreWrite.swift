/// One write of a batch (`ShopStore.perform`): the same writes the store's
/// single methods make, with the same rules.
public enum StoreWrite: Sendable, Hashable {
    /// A new product (its initial stock a `received` ledger row), archived
    /// at once when `status` says so.
    case createProduct(ValidProductDraft, status: ProductStatus)
    case changeStock(SKU, StockInstruction, reason: MovementReason, reference: String?)
    case updateProduct(SKU, ProductChanges, expectedVersion: Int64?)
    case transitionOrder(OrderNumber, OrderTransitionRequest)
    case updateUser(id: Int64, UserChanges)
}

/// What one write of a batch did.
public enum StoreWriteResult: Sendable, Hashable {
    case stock(StockChange)
    case product(InventoryItem)
    case order(OrderDetail)
    case user(User)
}

/// How a batch treats a refused write.
public enum BatchAtomicity: Sendable, Hashable {
    /// Each write stands alone: the refused ones are reported, the rest kept.
    case eachWrite
    /// One refusal undoes the whole batch (the results still say which
    /// writes were refused and why; the others are reported as not applied).
    case allOrNothing
    /// Nothing is kept: every write runs and is rolled back, to learn which
    /// would be refused (the others are reported not applied).
    case rehearsal
}

/// One line of an order, with its order, for exports.
public struct OrderLineRecord: Sendable, Hashable {
    public var orderID: Int64
    public var number: OrderNumber
    public var placedAt: Timestamp
    public var line: OrderLine

    public init(orderID: Int64, number: OrderNumber, placedAt: Timestamp, line: OrderLine) {
        self.orderID = orderID
        self.number = number
        self.placedAt = placedAt
        self.line = line
    }
}
