import BackroomCore

/// What imports and exports need of the service layer: many products read
/// at once, batches of writes audited as one import, and whole tables read
/// in order. Every call checks the principal's role, as single writes do.
extension InventoryService {
    /// The products with these SKUs that exist.
    public func items(_ skus: [SKU], by principal: Principal) async throws -> [InventoryItem] {
        try principal.require(.viewInventory)
        return try await store.inventoryItems(skus: skus, now: clock.now())
    }

    /// Writes a batch of an import: product creations and updates, stock
    /// changes. Rows are not audited one by one (the import is, once, by
    /// `recordImport`); ledger rows without a reference of their own name
    /// `reference` (the file).
    public func importBatch(
        _ writes: [StoreWrite], atomicity: BatchAtomicity, reference: String, by principal: Principal
    ) async throws -> [Result<StoreWriteResult, BackroomError>] {
        for write in writes {
            switch write {
            case .createProduct, .updateProduct: try principal.require(.editCatalog)
            case .changeStock: try principal.require(.adjustStock)
            case .transitionOrder, .updateUser: throw BackroomError.forbidden("An import writes products and stock only.")
            }
        }
        var context = context(principal)
        context.auditsEachWrite = false
        context.ledgerReference = reference
        let results = try await store.perform(writes, atomicity: atomicity, context: context)
        for result in results {
            switch result {
            case .success(.product(let item)): changes.publish(.product(item.sku))
            case .success(.stock(let change)): changes.publish(.stock(change.item.sku))
            default: break
            }
        }
        return results
    }

    /// The one audit entry of an import: what it did, from which file.
    public func recordImport(kind: String, file: String, summary: String, by principal: Principal) async throws {
        try principal.require(kind == "products" ? .editCatalog : .adjustStock)
        try await store.recordAudit(
            AuditRecord(action: "import.\(kind)", targetType: "file", targetID: file, summary: summary),
            context: context(principal)
        )
    }

    /// Ledger rows with ids above `afterID`, oldest first (exports).
    public func movements(afterID: Int64, limit: Int, by principal: Principal) async throws -> [StockMovement] {
        try principal.require(.viewInventory)
        return try await store.movements(afterID: afterID, limit: max(1, min(limit, 10_000)))
    }
}

extension OrderService {
    /// The lines of up to `orders` orders after `afterOrderID` (exports).
    public func lines(afterOrderID: Int64, orders: Int, by principal: Principal) async throws -> [OrderLineRecord] {
        try principal.require(.viewOrders)
        return try await store.orderLines(afterOrderID: afterOrderID, orders: max(1, min(orders, 10_000)))
    }
}
