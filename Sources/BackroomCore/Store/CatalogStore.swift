/// The catalog and its stock: products, stock changes and the ledger.
public protocol CatalogStore: Sendable {
    /// Creates a product; its initial stock is a `received` ledger row.
    /// `conflict` if the SKU exists (case-insensitively).
    func createProduct(_ draft: ValidProductDraft, context: WriteContext) async throws -> InventoryItem

    /// Applies catalog changes. With `expectedVersion`, refuses with
    /// `conflict` if the product changed since that version.
    func updateProduct(_ sku: SKU, changes: ProductChanges, expectedVersion: Int64?, context: WriteContext) async throws -> InventoryItem

    func inventoryItem(_ sku: SKU, now: Timestamp) async throws -> InventoryItem?

    func inventoryItems(matching filter: ProductFilter, sort: ProductSort, window: ListWindow, now: Timestamp) async throws -> Window<InventoryItem>

    func countInventoryItems(matching filter: ProductFilter, now: Timestamp) async throws -> Int

    /// How many rows of the sorted, filtered list come before `key`.
    func inventoryPosition(of key: KeysetKey, matching filter: ProductFilter, sort: ProductSort, now: Timestamp) async throws -> Int

    func inventorySummary(now: Timestamp) async throws -> InventorySummary

    /// Changes on hand by a delta or sets it (compare-and-set), writing the
    /// ledger row. Refused with `insufficient_stock` below committed stock and
    /// with `conflict` (carrying the current count) when a set's expected
    /// count is stale.
    func changeStock(_ sku: SKU, _ instruction: StockInstruction, reason: MovementReason, reference: String?, context: WriteContext) async throws -> StockChange

    /// The ledger of one SKU, newest first.
    func movements(of sku: SKU, window: ListWindow) async throws -> Window<StockMovement>
}
