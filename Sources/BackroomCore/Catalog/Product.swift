/// A product in the catalog. Stock lives beside it in `StockLevel`.
public struct Product: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var sku: SKU
    public var name: String
    public var description: String
    public var price: Money
    public var status: ProductStatus
    public var reorderPoint: Int64
    /// Bumped by every change to the catalog fields; the API's ETag.
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: Int64, sku: SKU, name: String, description: String, price: Money,
        status: ProductStatus, reorderPoint: Int64, version: Int64,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.sku = sku
        self.name = name
        self.description = description
        self.price = price
        self.status = status
        self.reorderPoint = reorderPoint
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var isArchived: Bool { status == .archived }
}

/// What a caller supplies to create a product; `validated()` checks every field.
public struct ProductDraft: Sendable, Hashable {
    public var sku: String
    public var name: String
    public var description: String
    public var price: Money
    public var reorderPoint: Int64
    /// Units on hand at creation, recorded in the ledger as `received`.
    public var initialStock: Int64

    public init(sku: String, name: String, description: String = "", price: Money, reorderPoint: Int64 = 0, initialStock: Int64 = 0) {
        self.sku = sku
        self.name = name
        self.description = description
        self.price = price
        self.reorderPoint = reorderPoint
        self.initialStock = initialStock
    }

    public func validated() throws(BackroomError) -> ValidProductDraft {
        ValidProductDraft(
            sku: try SKU(sku),
            name: try ProductRules.name(name),
            description: try ProductRules.description(description),
            price: try ProductRules.price(price),
            reorderPoint: try QuantityRules.reorderPoint(reorderPoint),
            initialStock: try QuantityRules.stockCount(initialStock, field: "initialStock")
        )
    }
}

/// A draft whose every field passed validation; only these reach the store.
public struct ValidProductDraft: Sendable, Hashable {
    public let sku: SKU
    public let name: String
    public let description: String
    public let price: Money
    public let reorderPoint: Int64
    public let initialStock: Int64
}

/// A partial update of a product's catalog fields; `nil` leaves a field alone.
public struct ProductChanges: Sendable, Hashable {
    public var name: String?
    public var description: String?
    public var price: Money?
    public var reorderPoint: Int64?
    public var status: ProductStatus?

    public init(name: String? = nil, description: String? = nil, price: Money? = nil, reorderPoint: Int64? = nil, status: ProductStatus? = nil) {
        self.name = name
        self.description = description
        self.price = price
        self.reorderPoint = reorderPoint
        self.status = status
    }

    public var isEmpty: Bool {
        name == nil && description == nil && price == nil && reorderPoint == nil && status == nil
    }

    public func validated() throws(BackroomError) -> ProductChanges {
        guard !isEmpty else { throw .validation("changes", "Nothing to change.") }
        var valid = ProductChanges(status: status)
        if let name { valid.name = try ProductRules.name(name) }
        if let description { valid.description = try ProductRules.description(description) }
        if let price { valid.price = try ProductRules.price(price) }
        if let reorderPoint { valid.reorderPoint = try QuantityRules.reorderPoint(reorderPoint) }
        return valid
    }

    /// Applies the changes; returns the product unchanged if nothing differs.
    public func applied(to product: Product) -> Product {
        var result = product
        if let name { result.name = name }
        if let description { result.description = description }
        if let price { result.price = price }
        if let reorderPoint { result.reorderPoint = reorderPoint }
        if let status { result.status = status }
        return result
    }

    /// "name, price €12.90 → €14.50" — what the audit log says changed.
    public func summary(from before: Product, to after: Product) -> String {
        var parts: [String] = []
        if before.name != after.name { parts.append("name \"\(before.name)\" → \"\(after.name)\"") }
        if before.description != after.description { parts.append("description") }
        if before.price != after.price { parts.append("price \(before.price) → \(after.price)") }
        if before.reorderPoint != after.reorderPoint { parts.append("reorder point \(before.reorderPoint) → \(after.reorderPoint)") }
        if before.status != after.status { parts.append("status \(before.status.rawValue) → \(after.status.rawValue)") }
        return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
    }
}

public enum ProductRules {
    public static let maximumNameLength = 200
    public static let maximumDescriptionLength = 5000
    public static let maximumPriceMinorUnits: Int64 = 100_000_000_00

    public static func name(_ text: String) throws(BackroomError) -> String {
        try TextRules.requiredLine(text, field: "name", label: "name", maximum: maximumNameLength)
    }

    public static func description(_ text: String) throws(BackroomError) -> String {
        try TextRules.paragraph(text, field: "description", label: "description", maximum: maximumDescriptionLength)
    }

    public static func price(_ price: Money) throws(BackroomError) -> Money {
        guard price.minorUnits >= 0 else { throw .validation("price", "A price cannot be negative.") }
        guard price.minorUnits <= maximumPriceMinorUnits else {
            throw .validation("price", "A price can be at most \(Money(minorUnits: maximumPriceMinorUnits, currency: price.currency)).")
        }
        return price
    }
}
