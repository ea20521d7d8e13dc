import BackroomCore

/// The catalog and its stock: products, counts and the ledger.
public struct InventoryService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let changes: ShopChangeFeed
    public let currency: Currency

    // MARK: Catalog edits

    /// Creates a product (its initial stock goes to the ledger as `received`).
    public func createProduct(_ draft: ProductDraft, by principal: Principal) async throws -> InventoryItem {
        try principal.require(.editCatalog)
        let valid = try draft.validated()
        let item = try await store.createProduct(valid, context: context(principal))
        changes.publish(.product(item.sku))
        return item
    }

    /// Changes catalog fields. With `expectedVersion`, a stale edit is a `conflict`.
    public func updateProduct(_ sku: SKU, changes productChanges: ProductChanges, expectedVersion: Int64? = nil, by principal: Principal) async throws -> InventoryItem {
        try principal.require(.editCatalog)
        let valid = try productChanges.validated()
        let item = try await store.updateProduct(sku, changes: valid, expectedVersion: expectedVersion, context: context(principal))
        changes.publish(.product(sku))
        return item
    }

    /// Archives a product: it leaves the public catalog and carts refuse it;
    /// its stock and history stay.
    public func archive(_ sku: SKU, by principal: Principal) async throws -> InventoryItem {
        try await updateProduct(sku, changes: ProductChanges(status: .archived), by: principal)
    }

    public func restore(_ sku: SKU, by principal: Principal) async throws -> InventoryItem {
        try await updateProduct(sku, changes: ProductChanges(status: .active), by: principal)
    }

    // MARK: Stock

    /// Changes on hand by a signed delta, with a reason; writes the ledger row.
    /// Refused (`insufficient_stock`, nothing written) if on hand would drop
    /// below what carts hold plus what orders have allocated.
    public func adjustStock(_ sku: SKU, by delta: Int64, reason: MovementReason, reference: String? = nil, by principal: Principal) async throws -> StockChange {
        try principal.require(.adjustStock)
        let delta = try QuantityRules.adjustment(delta)
        try reason.validate(manualDelta: delta)
        let reference = try TextRules.optionalLine(reference, field: "reference", label: "reference", maximum: 200)
        let change = try await store.changeStock(sku, .adjust(by: delta), reason: reason, reference: reference, context: context(principal))
        changes.publish(.stock(sku))
        return change
    }

    /// Sets on hand to `count`, if it still is `expected` (the count the
    /// operator saw); otherwise `conflict` carrying the current count, and
    /// nothing is written.
    public func setStockCount(_ sku: SKU, to count: Int64, expected: Int64, reason: MovementReason = .cycleCount, reference: String? = nil, by principal: Principal) async throws -> StockChange {
        try principal.require(.adjustStock)
        let count = try QuantityRules.stockCount(count)
        let expected = try QuantityRules.stockCount(expected, field: "expected")
        guard reason != .sale else { throw BackroomError.validation("reason", "Sales are recorded by shipping orders, not by hand.") }
        let reference = try TextRules.optionalLine(reference, field: "reference", label: "reference", maximum: 200)
        let change = try await store.changeStock(sku, .setCount(to: count, expected: expected), reason: reason, reference: reference, context: context(principal))
        changes.publish(.stock(sku))
        return change
    }

    // MARK: Reads

    /// A product with its stock, archived or not (staff).
    public func item(_ sku: SKU, by principal: Principal) async throws -> InventoryItem {
        try principal.require(.viewInventory)
        guard let item = try await store.inventoryItem(sku, now: clock.now()) else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        return item
    }

    /// A product as the public catalog sees it: active products only.
    public func catalogItem(_ sku: SKU) async throws -> InventoryItem {
        guard let item = try await store.inventoryItem(sku, now: clock.now()), !item.product.isArchived else {
            throw BackroomError.notFound("No product with SKU \(sku).")
        }
        return item
    }

    /// The public catalog: active products, searchable.
    public func catalog(text: String?, sort: ProductSort, window: ListWindow) async throws -> Window<InventoryItem> {
        try await store.inventoryItems(matching: ProductFilter(text: try Self.searchText(text), status: .active), sort: sort, window: window, now: clock.now())
    }

    public func items(matching filter: ProductFilter, sort: ProductSort, window: ListWindow, by principal: Principal) async throws -> Window<InventoryItem> {
        try principal.require(.viewInventory)
        var filter = filter
        filter.text = try Self.searchText(filter.text)
        return try await store.inventoryItems(matching: filter, sort: sort, window: window, now: clock.now())
    }

    public func count(matching filter: ProductFilter, by principal: Principal) async throws -> Int {
        try principal.require(.viewInventory)
        var filter = filter
        filter.text = try Self.searchText(filter.text)
        return try await store.countInventoryItems(matching: filter, now: clock.now())
    }

    public func position(of key: KeysetKey, matching filter: ProductFilter, sort: ProductSort, by principal: Principal) async throws -> Int {
        try principal.require(.viewInventory)
        var filter = filter
        filter.text = try Self.searchText(filter.text)
        return try await store.inventoryPosition(of: key, matching: filter, sort: sort, now: clock.now())
    }

    public func summary(by principal: Principal) async throws -> InventorySummary {
        try principal.require(.viewInventory)
        return try await store.inventorySummary(now: clock.now())
    }

    /// The ledger of one SKU, newest first.
    public func movements(of sku: SKU, window: ListWindow, by principal: Principal) async throws -> Window<StockMovement> {
        try principal.require(.viewInventory)
        return try await store.movements(of: sku, window: window)
    }

    static func searchText(_ text: String?) throws(BackroomError) -> String? {
        try TextRules.optionalLine(text, field: "q", label: "search text", maximum: 200)
    }

    func context(_ principal: Principal) -> WriteContext {
        WriteContext(principal: principal, at: clock.now())
    }
}
