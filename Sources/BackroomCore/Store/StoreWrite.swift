/// One write of a batch (`ShopStore.perform`): the same writes the store's
/// single methods make, with the same rules.
public enum StoreWrite: Sendable, Hashable {
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
