/// Stock takes, kept as drafts until committed.
public protocol StockTakeStore: Sendable {
    /// The actor's open stock take (to resume), or a new one.
    func openStockTake(actor: String, at: Timestamp) async throws -> StockTake

    /// Counts `quantity` of `sku` in the take; the first scan of a SKU
    /// records on hand then as the expected count. Returns the SKU's line
    /// only: a scan costs the same in a take of ten lines or ten thousand.
    func countInStockTake(_ takeID: Int64, sku: SKU, quantity: Int64, repeat mode: RepeatScan, at: Timestamp) async throws -> StockTakeLine

    /// Takes a SKU out of the take.
    func removeFromStockTake(_ takeID: Int64, sku: SKU, at: Timestamp) async throws

    /// Writes every count as a compare-and-set `cycle_count` in one
    /// transaction; counts whose on hand moved stay, marked for a recount.
    func commitStockTake(_ takeID: Int64, context: WriteContext) async throws -> StockTakeCommit

    /// Drops the take and its counts; nothing of it is written.
    func discardStockTake(_ takeID: Int64, at: Timestamp) async throws
}
