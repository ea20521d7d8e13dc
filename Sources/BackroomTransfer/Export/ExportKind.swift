import BackroomCore

/// What can be exported, and its columns in their fixed order.
public enum ExportKind: String, Sendable, Hashable, CaseIterable {
    case products, stock, orders
    case orderLines = "order-lines"
    case users, movements, audit

    public var columns: [String] {
        switch self {
        case .products: ["sku", "name", "description", "price", "currency", "status", "reorder_point"]
        case .stock: ["sku", "name", "on_hand", "held", "allocated", "available", "reorder_point"]
        case .orders:
            ["number", "status", "email", "customer_id", "item_count", "subtotal", "total", "currency", "payment_reference", "placed_at", "updated_at"]
        case .orderLines: ["number", "line", "sku", "name", "unit_price", "quantity", "line_total", "currency", "placed_at"]
        case .users: ["id", "email", "name", "role", "status", "created_at", "last_login_at"]
        case .movements: ["id", "sku", "delta", "reason", "on_hand_after", "actor", "reference", "created_at"]
        case .audit: ["id", "at", "actor", "action", "target_type", "target_id", "summary"]
        }
    }

    /// The `--filter` keys this kind takes.
    public var filterKeys: [String] {
        switch self {
        case .products, .stock: ["status", "low-stock", "text"]
        case .orders, .orderLines: ["status"]
        case .users: ["role", "status", "text"]
        case .movements: []
        case .audit: ["actor", "action", "text"]
        }
    }
}

public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    case csv, jsonl
}

/// One value of an exported row: text, a whole number, an amount as a
/// decimal string in the shop's currency, or nothing.
public enum ExportValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case null

    static func money(_ money: Money) -> ExportValue { .text(money.decimalString) }
    static func time(_ timestamp: Timestamp?) -> ExportValue { timestamp.map { .text($0.iso8601) } ?? .null }

    var csvText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .null: ""
        }
    }
}

/// `--filter key=value`, checked against what the kind takes.
public struct ExportFilter: Sendable, Hashable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public static func parse(_ arguments: [String], for kind: ExportKind) throws(BackroomError) -> ExportFilter {
        var values: [String: String] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw BackroomError.validation("filter", "--filter takes KEY=VALUE, like status=paid; got \"\(argument)\".")
            }
            let key = parts[0].lowercased()
            guard kind.filterKeys.contains(key) else {
                let keys = kind.filterKeys.isEmpty ? "no filters" : kind.filterKeys.joined(separator: ", ")
                throw BackroomError.validation("filter", "\(kind.rawValue) takes \(keys); not \"\(key)\".")
            }
            values[key] = parts[1]
        }
        return ExportFilter(values)
    }

    func productFilter() throws(BackroomError) -> ProductFilter {
        var filter = ProductFilter(text: values["text"], status: .all)
        if let status = values["status"] {
            guard let scope = ProductFilter.StatusScope(rawValue: status.lowercased()) else {
                throw BackroomError.validation("filter", "status is active, archived or all; not \"\(status)\".")
            }
            filter.status = scope
        }
        if let low = values["low-stock"] { filter.lowStockOnly = ["1", "true", "yes"].contains(low.lowercased()) }
        return filter
    }

    func orderFilter() throws(BackroomError) -> OrderFilter {
        var filter = OrderFilter()
        if let statuses = values["status"] {
            filter.statuses = Set(try statuses.split(separator: ",").map { name throws(BackroomError) in try OrderStatus(parsing: String(name)) })
        }
        return filter
    }

    func userFilter() throws(BackroomError) -> UserFilter {
        var filter = UserFilter(text: values["text"])
        if let role = values["role"] { filter.role = try Role(parsing: role) }
        if let status = values["status"] {
            guard let value = UserStatus(rawValue: status.lowercased()) else {
                throw BackroomError.validation("filter", "status is active or disabled; not \"\(status)\".")
            }
            filter.status = value
        }
        return filter
    }

    func auditFilter() -> AuditFilter {
        AuditFilter(actor: values["actor"], action: values["action"], text: values["text"])
    }
}
