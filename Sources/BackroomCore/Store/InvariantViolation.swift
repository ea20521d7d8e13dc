/// A broken inventory invariant found by `check`: which SKU (or row), which
/// rule, what the rule expected and what the store holds.
public struct InvariantViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Rule: String, Sendable, Hashable, Codable {
        case onHandMatchesLedger = "on_hand = sum of ledger"
        case allocatedMatchesOpenOrders = "allocated = sum of open order lines"
        case heldMatchesHolds = "held = sum of holds"
        case noNegativeCount = "no negative count"
        case availableNotNegative = "available >= 0"
        case productCountMatches = "products per status = stored count"
        case chargedOrderIsPaid = "an order charged by the provider is paid"
        /// A `backroom copy` into this store started and did not finish.
        case copyFinished = "a copy into the store finished"
    }

    public var subject: String
    public var rule: Rule
    public var expected: Int64
    public var found: Int64

    public init(subject: String, rule: Rule, expected: Int64, found: Int64) {
        self.subject = subject
        self.rule = rule
        self.expected = expected
        self.found = found
    }

    public var description: String {
        "\(subject): \(rule.rawValue): expected \(expected), found \(found)"
    }
}

/// Counters bumped by writes, per area. A reader that remembers them learns
/// cheaply whether anything (in any process) changed since.
public struct StoreRevision: Sendable, Hashable, Codable {
    public var catalog: Int64
    public var stock: Int64
    public var orders: Int64
    public var users: Int64

    public init(catalog: Int64, stock: Int64, orders: Int64, users: Int64) {
        self.catalog = catalog
        self.stock = stock
        self.orders = orders
        self.users = users
    }
}

/// Headline inventory figures.
public struct InventorySummary: Sendable, Hashable, Codable {
    public var activeProducts: Int64
    public var archivedProducts: Int64
    public var lowStockProducts: Int64

    public init(activeProducts: Int64, archivedProducts: Int64, lowStockProducts: Int64) {
        self.activeProducts = activeProducts
        self.archivedProducts = archivedProducts
        self.lowStockProducts = lowStockProducts
    }
}
