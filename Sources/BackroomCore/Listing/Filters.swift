public enum ProductSortKey: String, Sendable, Hashable, CaseIterable {
    case sku, name, onHand, held, allocated, available, reorderPoint, price, status, updatedAt
}

public enum OrderSortKey: String, Sendable, Hashable, CaseIterable {
    case number, status, customer, items, total, placedAt
}

public enum UserSortKey: String, Sendable, Hashable, CaseIterable {
    case email, name, role, status, lastLoginAt, createdAt
}

public typealias ProductSort = ListSort<ProductSortKey>
public typealias OrderSort = ListSort<OrderSortKey>
public typealias UserSort = ListSort<UserSortKey>

/// Which products a list shows.
public struct ProductFilter: Sendable, Hashable {
    public enum StatusScope: String, Sendable, Hashable, CaseIterable {
        case active, archived, all
    }

    /// Words to find in SKU or name (full-text, prefix match).
    public var text: String?
    /// Only products whose available is at or below their reorder point.
    public var lowStockOnly: Bool
    public var status: StatusScope

    public init(text: String? = nil, lowStockOnly: Bool = false, status: StatusScope = .active) {
        self.text = text
        self.lowStockOnly = lowStockOnly
        self.status = status
    }
}

public struct OrderFilter: Sendable, Hashable {
    public var statuses: Set<OrderStatus>
    public var customerID: Int64?
    /// Order number or customer email (prefix).
    public var text: String?
    public var placedFrom: Timestamp?
    public var placedBefore: Timestamp?
    public var minimumTotalMinorUnits: Int64?
    public var maximumTotalMinorUnits: Int64?

    public init(
        statuses: Set<OrderStatus> = [], customerID: Int64? = nil, text: String? = nil,
        placedFrom: Timestamp? = nil, placedBefore: Timestamp? = nil,
        minimumTotalMinorUnits: Int64? = nil, maximumTotalMinorUnits: Int64? = nil
    ) {
        self.statuses = statuses
        self.customerID = customerID
        self.text = text
        self.placedFrom = placedFrom
        self.placedBefore = placedBefore
        self.minimumTotalMinorUnits = minimumTotalMinorUnits
        self.maximumTotalMinorUnits = maximumTotalMinorUnits
    }
}

public struct UserFilter: Sendable, Hashable {
    /// Words to find in email or name (full-text, prefix match).
    public var text: String?
    public var role: Role?
    public var status: UserStatus?

    public init(text: String? = nil, role: Role? = nil, status: UserStatus? = nil) {
        self.text = text
        self.role = role
        self.status = status
    }
}

/// Which audit entries a list shows (newest first).
public struct AuditFilter: Sendable, Hashable {
    /// The actor exactly (an email, or a process's name).
    public var actor: String?
    /// An action, or its area with a trailing dot (`stock.` finds
    /// `stock.adjust` and `stock.set`).
    public var action: String?
    /// Text the target or the summary contains.
    public var text: String?

    public init(actor: String? = nil, action: String? = nil, text: String? = nil) {
        self.actor = actor
        self.action = action
        self.text = text
    }
}
