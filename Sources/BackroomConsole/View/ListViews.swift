import BackroomCore
import BackroomServices
import TerminalKit

extension ConsoleProgram {
    static let inventoryColumns: [(ProductSortKey, TableColumn)] = [
        (.sku, TableColumn("SKU", width: .fixed(12), priority: 0)),
        (.name, TableColumn("Name", width: .flexible(minimum: 26), priority: 0)),
        (.onHand, TableColumn("On hand", width: .fixed(7), alignment: .right, priority: 1)),
        (.held, TableColumn("Held", width: .fixed(5), alignment: .right, priority: 4)),
        (.allocated, TableColumn("Alloc", width: .fixed(5), alignment: .right, priority: 3)),
        (.available, TableColumn("Avail", width: .fixed(7), alignment: .right, priority: 0)),
        (.reorderPoint, TableColumn("Reorder", width: .fixed(7), alignment: .right, priority: 5)),
        (.price, TableColumn("Price", width: .fixed(10), alignment: .right, priority: 2)),
        (.status, TableColumn("Status", width: .fixed(8), priority: 6)),
    ]

    func drawInventory(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let list = model.inventory
        var title = "Inventory"
        if let summary = model.summary {
            title += " · \(Formatting.grouped(summary.activeProducts)) SKUs · \(Formatting.grouped(summary.lowStockProducts)) low"
        }
        if model.inventoryFilter.lowStockOnly { title += " · low stock only" }
        if model.inventoryFilter.status != .active { title += " · \(model.inventoryFilter.status.rawValue)" }
        if let text = model.inventoryFilter.text { title += " · filter \"\(text)\"" }
        if list.isLoading && list.items.isEmpty { title += " · loading…" }
        let inside = paneBox(model, title: title, footer: list.positionText).render(into: &grid, area: area)
        let rows = list.items.map { item -> TableRow in
            let stock = item.stock
            var availableText = Formatting.grouped(stock.available)
            var availableStyle: Style?
            if stock.available <= 0 {
                availableText = "✗ " + availableText
                availableStyle = theme["status.error"]
            } else if item.isLowStock {
                availableText = "⚠ " + availableText
                availableStyle = theme["status.warn"]
            }
            let cells = [
                item.sku.rawValue, item.product.name, Formatting.grouped(stock.onHand), Formatting.grouped(stock.held),
                Formatting.grouped(stock.allocated), availableText, Formatting.grouped(item.product.reorderPoint),
                item.product.price.formatted, item.product.status.rawValue,
            ]
            var styles: [Int: Style] = [:]
            if let availableStyle { styles[5] = availableStyle }
            if item.product.isArchived { styles[8] = theme["muted"] }
            return TableRow(cells, cellStyles: styles)
        }
        let sortIndex = Self.inventoryColumns.firstIndex { $0.0 == model.inventorySort.key }
        var empty = list.error.map { "✗ " + $0 } ?? "No products match."
        if list.isLoading { empty = "Loading…" }
        table(model, columns: Self.inventoryColumns.map(\.1), rows: rows, selected: rows.isEmpty ? nil : list.cursor,
              sortColumn: sortIndex, ascending: model.inventorySort.direction == .ascending, empty: empty)
            .render(into: &grid, area: inside)
    }

    static let orderColumns: [(OrderSortKey, TableColumn)] = [
        (.number, TableColumn("Number", width: .fixed(10), priority: 0)),
        (.status, TableColumn("Status", width: .fixed(17), priority: 0)),
        (.customer, TableColumn("Customer", width: .flexible(minimum: 16), priority: 1)),
        (.items, TableColumn("Items", width: .fixed(5), alignment: .right, priority: 3)),
        (.total, TableColumn("Total", width: .fixed(11), alignment: .right, priority: 0)),
        (.placedAt, TableColumn("Placed", width: .fixed(17), priority: 2)),
    ]

    static func statusSymbol(_ status: OrderStatus) -> String {
        switch status {
        case .pendingPayment: "○"
        case .paid: "●"
        case .shipped, .delivered: "✓"
        case .cancelled: "✗"
        case .refunded: "↺"
        }
    }

    func statusStyle(_ status: OrderStatus, _ theme: Theme) -> Style {
        switch status {
        case .pendingPayment: theme["status.warn"]
        case .paid: theme["accent"]
        case .shipped, .delivered: theme["status.ok"]
        case .cancelled, .refunded: theme["muted"]
        }
    }

    func drawOrders(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let list = model.orders
        var title = "Orders"
        if let status = model.orderFilter.statuses.first, model.orderFilter.statuses.count == 1 {
            title += " · \(status.label)"
        } else {
            title += " · all statuses"
        }
        if let text = model.orderFilter.text { title += " · filter \"\(text)\"" }
        let inside = paneBox(model, title: title, footer: list.positionText).render(into: &grid, area: area)
        let rows = list.items.map { order in
            TableRow([
                order.number.rawValue, "\(Self.statusSymbol(order.status)) \(order.status.label)", order.email.rawValue,
                Formatting.grouped(order.itemCount), order.total.formatted, Formatting.relative(order.placedAt, now: model.now),
            ], cellStyles: [1: statusStyle(order.status, theme)])
        }
        let sortIndex = Self.orderColumns.firstIndex { $0.0 == model.orderSort.key }
        table(model, columns: Self.orderColumns.map(\.1), rows: rows, selected: rows.isEmpty ? nil : list.cursor,
              sortColumn: sortIndex, ascending: model.orderSort.direction == .ascending,
              empty: list.error.map { "✗ " + $0 } ?? (list.isLoading ? "Loading…" : "No orders match."))
            .render(into: &grid, area: inside)
    }

    static let userColumns: [(UserSortKey, TableColumn)] = [
        (.email, TableColumn("Email", width: .flexible(minimum: 22), priority: 0)),
        (.name, TableColumn("Name", width: .flexible(minimum: 12), priority: 1)),
        (.role, TableColumn("Role", width: .fixed(9), priority: 0)),
        (.status, TableColumn("Status", width: .fixed(10), priority: 0)),
        (.lastLoginAt, TableColumn("Last login", width: .fixed(17), priority: 2)),
    ]

    func drawUsers(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let list = model.users
        var title = "Users"
        if let text = model.userFilter.text { title += " · filter \"\(text)\"" }
        let inside = paneBox(model, title: title, footer: list.positionText).render(into: &grid, area: area)
        let rows = list.items.map { user in
            TableRow([
                user.email.rawValue, user.displayName, user.role.rawValue,
                user.isDisabled ? "✗ disabled" : "active",
                user.lastLoginAt.map { Formatting.relative($0, now: model.now) } ?? "never",
            ], cellStyles: user.isDisabled ? [3: theme["status.error"]] : [:])
        }
        let sortIndex = Self.userColumns.firstIndex { $0.0 == model.userSort.key }
        table(model, columns: Self.userColumns.map(\.1), rows: rows, selected: rows.isEmpty ? nil : list.cursor,
              sortColumn: sortIndex, ascending: model.userSort.direction == .ascending,
              empty: list.error.map { "✗ " + $0 } ?? (list.isLoading ? "Loading…" : "No users match."))
            .render(into: &grid, area: inside)
    }
}
