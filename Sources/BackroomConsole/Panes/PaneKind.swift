/// The console's panes, in tab order.
public enum PaneKind: Int, Sendable, Hashable, CaseIterable {
    case orders, inventory, users, requests, metrics, audit

    public var title: String {
        switch self {
        case .orders: "Orders"
        case .inventory: "Inventory"
        case .users: "Users"
        case .requests: "Requests"
        case .metrics: "Metrics"
        case .audit: "Audit"
        }
    }

    /// The name `:` takes for it.
    public var commandName: String { title.lowercased() }
}
