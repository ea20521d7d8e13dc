/// What happened, as receivers of events see it. The raw values are the
/// public names: they appear in webhook bodies and subscriptions.
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case orderPlaced = "order.placed"
    case orderPaid = "order.paid"
    case orderShipped = "order.shipped"
    case orderDelivered = "order.delivered"
    case orderCancelled = "order.cancelled"
    case orderRefunded = "order.refunded"
    /// Available stock fell to or below the reorder point.
    case stockLow = "stock.low"
    /// Available stock rose above the reorder point again.
    case stockRestocked = "stock.restocked"
    /// A ledger row: on hand changed.
    case stockAdjusted = "stock.adjusted"
    case productCreated = "product.created"
    case productUpdated = "product.updated"
    case productArchived = "product.archived"
    /// Sent to one subscription on request, to try a receiver; never fanned out.
    case webhookTest = "webhook.test"

    /// The types a subscription can ask for.
    public static let subscribable: [EventType] = allCases.filter { $0 != .webhookTest }

    /// The event an order transition announces.
    public init(orderReached status: OrderStatus) {
        switch status {
        case .pendingPayment: self = .orderPlaced
        case .paid: self = .orderPaid
        case .shipped: self = .orderShipped
        case .delivered: self = .orderDelivered
        case .cancelled: self = .orderCancelled
        case .refunded: self = .orderRefunded
        }
    }

    public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The event types a subscription wants: every type, or a list.
public struct EventSelection: Sendable, Hashable {
    public static let everything = "*"
    public private(set) var names: [String]

    /// `["*"]`, or known type names (each once).
    public init(_ names: [String]) throws(BackroomError) {
        guard !names.isEmpty else { throw .validation("events", "Name at least one event type, or \"*\" for all.") }
        if names.contains(Self.everything) {
            guard names.count == 1 else { throw .validation("events", "\"*\" already means every event type; send it alone.") }
            self.names = names
            return
        }
        var seen = Set<String>()
        for name in names {
            guard let type = EventType(rawValue: name), EventType.subscribable.contains(type) else {
                let known = EventType.subscribable.map(\.rawValue).joined(separator: ", ")
                throw .validation("events", "Unknown event type \"\(name)\"; known: \(known), or \"*\".")
            }
            guard seen.insert(name).inserted else { throw .validation("events", "\"\(name)\" is listed twice.") }
        }
        self.names = names.sorted()
    }

    public func matches(_ type: EventType) -> Bool {
        type == .webhookTest || names == [Self.everything] || names.contains(type.rawValue)
    }
}

extension EventType {
    /// `stock.low` or `stock.restocked` when a change of stock took an
    /// active product's available stock across its reorder point; nil when
    /// it stayed on the same side.
    public static func stockLevel(before: StockLevel, after: InventoryItem) -> EventType? {
        let point = after.product.reorderPoint
        let wasLow = before.isLow(reorderPoint: point)
        let isLow = after.stock.isLow(reorderPoint: point)
        guard wasLow != isLow, after.product.status == .active else { return nil }
        return isLow ? .stockLow : .stockRestocked
    }

    /// The events of a catalog update: `product.archived` or
    /// `product.updated`, and `stock.low` / `stock.restocked` when a new
    /// reorder point put the same stock on the other side of it.
    public static func productUpdate(from before: InventoryItem, to after: InventoryItem) -> [EventType] {
        let archived = before.product.status != .archived && after.product.status == .archived
        var events: [EventType] = [archived ? .productArchived : .productUpdated]
        if after.product.reorderPoint != before.product.reorderPoint, after.product.status == .active {
            let wasLow = before.stock.isLow(reorderPoint: before.product.reorderPoint)
            let isLow = after.stock.isLow(reorderPoint: after.product.reorderPoint)
            if wasLow != isLow { events.append(isLow ? .stockLow : .stockRestocked) }
        }
        return events
    }
}
