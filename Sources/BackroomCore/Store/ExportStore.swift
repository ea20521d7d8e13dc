/// Whole tables, in id order, for exports.
public protocol ExportStore: Sendable {
    /// Ledger rows with ids above `afterID`, oldest first.
    func movements(afterID: Int64, limit: Int) async throws -> [StockMovement]

    /// The lines of up to `orders` orders with ids above `afterOrderID`.
    func orderLines(afterOrderID: Int64, orders: Int) async throws -> [OrderLineRecord]
}
