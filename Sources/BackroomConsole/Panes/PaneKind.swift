/// The console's panes, in tab order.
public enum PaneKind: Int, Sendable, Hashable, CaseIterable {
    case orders, inventory, users, requests, metrics, audit, webhooks
    /// Counting shelves: a mode of the inventory, not a tab of its own.
    case stockTake

    public var title: String {
        switch self {
        case .orders: "Orders"
        case .inventory: "Inventory"
        case .users: "Users"
        case .requests: "Requests"
        case .metrics: "Metrics"
        case .audit: "Audit"
        case .webhooks: "Webhooks"
        case .stockTake: "Stock take"
        }
    }

    /// The name `:` takes for it.
    public var commandName: String { self == .stockTake ? "count" : title.lowercased() }
}
