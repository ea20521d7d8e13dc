import BackroomCore

public struct MoneyJSON: Codable, Sendable, Hashable {
    public var minorUnits: Int64
    public var currency: String
    public var formatted: String

    public init(_ money: Money) {
        minorUnits = money.minorUnits
        currency = money.currency.code
        formatted = money.formatted
    }
}

/// A product as the public catalog shows it.
public struct ProductJSON: Codable, Sendable {
    public var sku: String
    public var name: String
    public var description: String
    public var price: MoneyJSON
    public var status: String
    public var version: Int64

    public init(_ product: Product) {
        sku = product.sku.rawValue
        name = product.name
        description = product.description
        price = MoneyJSON(product.price)
        status = product.status.rawValue
        version = product.version
    }
}

public struct AvailabilityJSON: Codable, Sendable {
    public var sku: String
    public var available: Int64
    public var inStock: Bool

    public init(sku: String, available: Int64, inStock: Bool) {
        self.sku = sku
        self.available = available
        self.inStock = inStock
    }
}

public struct StockJSON: Codable, Sendable {
    public var onHand: Int64
    public var held: Int64
    public var allocated: Int64
    public var available: Int64

    public init(_ stock: StockLevel) {
        onHand = stock.onHand
        held = stock.held
        allocated = stock.allocated
        available = stock.available
    }
}

/// A product with its stock, for staff.
public struct InventoryItemJSON: Codable, Sendable {
    public var sku: String
    public var name: String
    public var description: String
    public var price: MoneyJSON
    public var status: String
    public var version: Int64
    public var reorderPoint: Int64
    public var stock: StockJSON
    public var lowStock: Bool
    public var createdAt: String
    public var updatedAt: String

    public init(_ item: InventoryItem) {
        sku = item.sku.rawValue
        name = item.product.name
        description = item.product.description
        price = MoneyJSON(item.product.price)
        status = item.product.status.rawValue
        version = item.product.version
        reorderPoint = item.product.reorderPoint
        stock = StockJSON(item.stock)
        lowStock = item.isLowStock
        createdAt = item.product.createdAt.iso8601
        updatedAt = item.product.updatedAt.iso8601
    }
}

public struct MovementJSON: Codable, Sendable {
    public var id: Int64
    public var sku: String
    public var delta: Int64
    public var reason: String
    public var actor: String
    public var reference: String?
    public var onHandAfter: Int64
    public var createdAt: String

    public init(_ movement: StockMovement) {
        id = movement.id
        sku = movement.sku.rawValue
        delta = movement.delta
        reason = movement.reason.rawValue
        actor = movement.actor
        reference = movement.reference
        onHandAfter = movement.onHandAfter
        createdAt = movement.createdAt.iso8601
    }
}

public struct StockChangeJSON: Codable, Sendable {
    public var item: InventoryItemJSON
    public var before: StockJSON
    public var movement: MovementJSON
    public var summary: String

    public init(_ change: StockChange) {
        item = InventoryItemJSON(change.item)
        before = StockJSON(change.before)
        movement = MovementJSON(change.movement)
        summary = change.summary
    }
}

/// A list page: the items and, if there are more, the cursor of the next page.
public struct PageJSON<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

// MARK: Requests

public struct CreateProductRequest: Codable, Sendable {
    public var sku: String
    public var name: String
    public var description: String?
    /// A decimal amount in the shop currency, like "12.90".
    public var price: String
    public var reorderPoint: WholeNumber?
    public var initialStock: WholeNumber?
}

public struct UpdateProductRequest: Codable, Sendable {
    public var name: String?
    public var description: String?
    public var price: String?
    public var reorderPoint: WholeNumber?
    /// The version the client last saw; a stale one is refused with 409.
    public var expectedVersion: WholeNumber?
}

public struct AdjustStockRequest: Codable, Sendable {
    public var delta: WholeNumber
    public var reason: String
    public var reference: String?
}

public struct SetStockRequest: Codable, Sendable {
    public var count: WholeNumber
    /// The on hand the client saw; if it changed, 409 with the current count.
    public var expected: WholeNumber
    public var reason: String?
    public var reference: String?
}
