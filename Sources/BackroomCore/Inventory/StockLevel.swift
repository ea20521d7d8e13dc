/// The four numbers of a SKU's stock. `available` is what can still be
/// sold: on hand, less what live carts hold, less what placed orders have
/// allocated.
public struct StockLevel: Sendable, Hashable, Codable {
    public var onHand: Int64
    public var held: Int64
    public var allocated: Int64

    public init(onHand: Int64, held: Int64, allocated: Int64) {
        self.onHand = onHand
        self.held = held
        self.allocated = allocated
    }

    public var available: Int64 { onHand - held - allocated }

    /// Units promised to someone (carts or orders); on hand may not drop below this.
    public var committed: Int64 { held + allocated }

    /// The level after changing on hand by `delta`.
    ///
    /// Refused with `insufficient_stock` if on hand would drop below what is
    /// held and allocated (or below zero).
    public func adjusted(by delta: Int64, sku: SKU) throws(BackroomError) -> StockLevel {
        let (newOnHand, overflow) = onHand.addingReportingOverflow(delta)
        guard !overflow, newOnHand <= QuantityRules.maximumStock else {
            throw .validation("delta", "On hand would exceed \(QuantityRules.maximumStock).")
        }
        guard newOnHand >= committed else {
            let message: String
            if committed == 0 {
                message = "\(sku): on hand would drop to \(newOnHand); it cannot go below 0."
            } else {
                message = "\(sku): on hand would drop to \(newOnHand), below the \(committed) committed "
                    + "(\(held) held in carts, \(allocated) allocated to orders)."
            }
            throw BackroomError(
                .insufficientStock, message, field: "delta",
                detail: .shortages([StockShortage(sku: sku, requested: -delta, available: onHand - committed)])
            )
        }
        return StockLevel(onHand: newOnHand, held: held, allocated: allocated)
    }

    /// Whether the level is at or below the product's reorder point.
    public func isLow(reorderPoint: Int64) -> Bool { available <= reorderPoint }
}

/// A product with its current stock: one row of the inventory.
public struct InventoryItem: Sendable, Hashable, Codable, Identifiable {
    public var product: Product
    public var stock: StockLevel

    public init(product: Product, stock: StockLevel) {
        self.product = product
        self.stock = stock
    }

    public var id: Int64 { product.id }
    public var sku: SKU { product.sku }
    public var isLowStock: Bool { stock.isLow(reorderPoint: product.reorderPoint) }
}
