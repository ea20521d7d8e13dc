import BackroomCore
import Foundation
import BackroomServices
import TerminalKit

/// The Orders pane: orders with their status, and the staff transitions.
struct OrdersSource: ListSource {
    typealias Item = Order

    /// An order's detail: lines, totals, payment, timeline; a line can be
    /// selected and opened (its product).
    struct Detail: Sendable {
        var number: OrderNumber
        var order: OrderDetail?
        var line = 0
    }

    enum DetailPayload: Sendable {
        case order(OrderNumber, Result<OrderDetail, BackroomError>)
    }

    static let kind = PaneKind.orders
    static let emptyText = "No orders match."

    var filter = OrderFilter()
    var sort = OrderSort(.number, .descending)
    /// The customer the list is narrowed to, by email (for the title).
    var customerEmail: String?

    var text: String? {
        get { filter.text }
        set { filter.text = newValue }
    }

    var sortKey: String? { sort.key.rawValue }
    var sortAscending: Bool { sort.direction == .ascending }

    mutating func sort(by key: String, ascending: Bool) {
        sort = OrderSort(OrderSortKey(rawValue: key) ?? .number, ascending ? .ascending : .descending)
    }

    static let sortKeys = OrderSortKey.allCases.map(\.rawValue)

    static func symbol(_ status: OrderStatus) -> String {
        switch status {
        case .pendingPayment: "○"
        case .paid: "●"
        case .shipped, .delivered: "✓"
        case .cancelled: "✗"
        case .refunded: "↺"
        }
    }

    static func style(_ status: OrderStatus, _ theme: Theme) -> Style {
        switch status {
        case .pendingPayment: theme["status.warn"]
        case .paid: theme["accent"]
        case .shipped, .delivered: theme["status.ok"]
        case .cancelled, .refunded: theme["muted"]
        }
    }

    static let columns: [ListColumn<Order>] = [
        ListColumn(id: "number", table: TableColumn("Number", width: .fixed(11), priority: 0), sortKey: "number") { order, _ in (order.number.rawValue, nil) },
        ListColumn(id: "status", table: TableColumn("Status", width: .fixed(17), priority: 0), sortKey: "status") { order, context in
            ("\(symbol(order.status)) \(order.status.label)", style(order.status, context.theme))
        },
        ListColumn(id: "customer", table: TableColumn("Customer", width: .flexible(minimum: 16), priority: 1), sortKey: "customer") { order, _ in
            (order.email.rawValue, nil)
        },
        ListColumn(id: "items", table: TableColumn("Items", width: .fixed(7), alignment: .right, priority: 3), sortKey: "items") { order, _ in
            (Formatting.grouped(order.itemCount), nil)
        },
        ListColumn(id: "total", table: TableColumn("Total", width: .fixed(11), alignment: .right, priority: 0), sortKey: "total") { order, _ in
            (order.total.formatted, nil)
        },
        ListColumn(id: "placed", table: TableColumn("Placed", width: .fixed(17), priority: 2), sortKey: "placedAt") { order, context in
            (Formatting.relative(order.placedAt, now: context.now), nil)
        },
    ]

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<Order> {
        try await context.shop.orders.orders(matching: filter, sort: sort, window: window, by: context.principal)
    }

    func count(_ context: PaneContext) async throws -> Int {
        try await context.shop.orders.count(matching: filter, by: context.principal)
    }

    /// `Orders · status=paid,shipped · customer ana@… · filter "BR-00"`: the
    /// title says what is filtered, as `:orders` takes it.
    func title(total: Int?, _ context: PaneContext) -> String {
        var title = "Orders"
        if filter.statuses.isEmpty {
            title += " · all statuses"
        } else {
            title += " · status=" + OrderStatus.allCases.filter(filter.statuses.contains).map(\.rawValue).joined(separator: ",")
        }
        if filter.customerID != nil { title += " · customer \(customerEmail ?? "#\(filter.customerID!)")" }
        if let text = filter.text { title += " · filter \"\(text)\"" }
        if let total { title += " · \(Formatting.count(total, "order"))" }
        return title
    }

    func key(of order: Order) -> String { order.number.rawValue }

    static let statusCycle: [OrderStatus?] = [nil] + OrderStatus.allCases.map { $0 }

    mutating func perform(_ action: ConsoleAction, selected: Order?, marked: [Order], count: Int?, _ context: PaneContext) -> SourceStep {
        switch action {
        case .cycleStatusFilter:
            let current = filter.statuses.count == 1 ? filter.statuses.first : nil
            let index = Self.statusCycle.firstIndex(of: current) ?? 0
            filter.statuses = Self.statusCycle[(index + 1) % Self.statusCycle.count].map { [$0] } ?? []
            return .reload
        case .pay, .ship, .deliver, .cancel, .refund:
            if !marked.isEmpty {
                return .outcome(Self.bulk(action, marked, context))
            }
            guard let selected else { return .none }
            return .outcome(Self.transition(action, selected, context))
        default:
            return .none
        }
    }

    static func orderAction(_ action: ConsoleAction) -> OrderAction? {
        switch action {
        case .pay: .pay
        case .ship: .ship
        case .deliver: .deliver
        case .cancel: .cancel
        case .refund: .refund
        default: nil
        }
    }

    /// Pay, ship, deliver, cancel or refund one order: only the legal ones
    /// do anything; cancel and refund are confirmed by the root (destructive
    /// in the key map).
    static func transition(_ action: ConsoleAction, _ order: Order, _ context: PaneContext) -> PaneOutcome {
        guard let orderAction = orderAction(action) else { return PaneOutcome() }
        guard order.allowedActions.contains(orderAction) else {
            let allowed = order.allowedActions.map(\.rawValue).joined(separator: ", ")
            return .flash("✗ \(order.number) is \(order.status.label): cannot \(orderAction.rawValue)" + (allowed.isEmpty ? "." : " (can: \(allowed))."), error: true)
        }
        switch orderAction {
        case .cancel:
            return PaneOutcome(confirmation: Confirmation(
                title: "Cancel \(order.number)?",
                message: "\(order.email) · \(Formatting.count(Int(order.itemCount), "item")) · \(order.total). Its stock is released. This cannot be undone.",
                commands: [transitionCommand(order, .cancel, restock: false, context)]
            ))
        case .refund where order.status == .shipped || order.status == .delivered:
            return PaneOutcome(dialog: RefundDialog(order: order))
        case .refund:
            return PaneOutcome(confirmation: Confirmation(
                title: "Refund \(order.number)?", message: "\(order.email) · \(order.total). Its stock is released. This cannot be undone.",
                commands: [transitionCommand(order, .refund, restock: false, context)]
            ))
        default:
            return .run([transitionCommand(order, orderAction, restock: false, context)])
        }
    }

    /// Ship or cancel (or pay, deliver) every marked order in one transaction.
    static func bulk(_ action: ConsoleAction, _ orders: [Order], _ context: PaneContext) -> PaneOutcome {
        guard let orderAction = orderAction(action), orderAction != .refund else {
            return .flash("✗ Refund orders one at a time (u clears the marks).", error: true)
        }
        let numbers = orders.map(\.number)
        let (service, principal) = (context.shop.orders, context.principal)
        let verbs: [OrderAction: String] = [.pay: "paid", .ship: "shipped", .deliver: "delivered", .cancel: "cancelled"]
        let command = Writes.command(context, panes: [.orders, .inventory], clearsMarks: .orders) {
            try await service.transition(numbers, orderAction, by: principal).summary(verb: verbs[orderAction] ?? orderAction.rawValue)
        }
        return PaneOutcome(confirmation: Confirmation(
            title: "\(orderAction.rawValue.capitalized) \(orders.count) marked orders?",
            message: "Each order is moved or refused on its own, in one transaction." + (orderAction == .cancel ? " Cancelled orders release their stock." : ""),
            commands: [command]
        ))
    }

    static func transitionCommand(_ order: Order, _ action: OrderAction, restock: Bool, _ context: PaneContext) -> Command<ConsoleMessage> {
        let (orders, principal) = (context.shop.orders, context.principal)
        return Writes.command(context, panes: [.orders, .inventory]) {
            let detail = try await orders.transition(order.number, action, restock: restock, by: principal)
            let restocked = action == .refund && restock ? ", units back on hand" : ""
            return "\(order.number) \(order.status.label) → \(detail.order.status.label)\(restocked)"
        }
    }

    // MARK: Detail

    func openDetail(_ order: Order, _ context: PaneContext) -> (Detail?, PaneOutcome) {
        (Detail(number: order.number), .run([Self.loadDetail(order.number, context)]))
    }

    func detail(for target: Navigation, _ context: PaneContext) -> (Detail?, PaneOutcome)? {
        guard case .order(let number) = target else { return nil }
        return (Detail(number: number), .run([Self.loadDetail(number, context)]))
    }

    static func loadDetail(_ number: OrderNumber, _ context: PaneContext) -> Command<ConsoleMessage> {
        let (orders, principal) = (context.shop.orders, context.principal)
        return Command { .pane(.orders, .detail(DetailPayload.order(number, await .catching { try await orders.order(number, by: principal) }))) }
    }

    func refreshDetail(_ detail: Detail, _ context: PaneContext) -> [Command<ConsoleMessage>] {
        [Self.loadDetail(detail.number, context)]
    }

    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome {
        guard case .order(let number, let result)? = payload as? DetailPayload, detail?.number == number else { return PaneOutcome() }
        switch result {
        case .success(let order):
            let line = min(detail?.line ?? 0, max(0, order.lines.count - 1))
            detail?.order = order
            detail?.line = line
            return PaneOutcome()
        case .failure(let error):
            detail = nil
            return .flash("✗ " + error.message, error: true)
        }
    }

    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome {
        guard let order = detail.order else { return PaneOutcome() }
        switch action {
        case .down:
            detail.line = min(detail.line + 1, max(0, order.lines.count - 1))
        case .up:
            detail.line = max(0, detail.line - 1)
        case .openLine:
            guard order.lines.indices.contains(detail.line) else { return PaneOutcome() }
            return PaneOutcome(navigation: .product(order.lines[detail.line].sku))
        case .copyKey:
            return PaneOutcome(flash: Flash("Copied \(order.order.number)"), clipboard: order.order.number.rawValue)
        default:
            return Self.transition(action, order.order, context)
        }
        return PaneOutcome()
    }

    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {
        let theme = context.theme
        func table(_ columns: [TableColumn], _ rows: [TableRow], selected: Int? = nil, empty: String) -> Table {
            Table(
                columns: columns, rows: rows, selectedRow: selected, headerStyle: theme["table.header"], rowStyle: theme["body"],
                alternateRowStyle: theme["table.alt_row"], cursorStyle: theme["table.cursor"], emptyText: empty
            )
        }
        guard let full = detail.order else {
            Box(title: detail.number.rawValue, borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
            TextLine(" Loading…", style: theme["muted"]).render(into: &grid, area: Box.inside(area).row(0))
            return
        }
        let order = full.order
        let actions = order.allowedActions.isEmpty ? "no further actions" : "can: " + order.allowedActions.map(\.rawValue).joined(separator: ", ")
        Box(title: "\(order.number) · \(Self.symbol(order.status)) \(order.status.label)", footer: actions, borderStyle: theme["border"], titleStyle: theme["title"])
            .render(into: &grid, area: area)
        let inside = Box.inside(area)
        let address = order.shippingAddress
        let facts = [
            "\(order.email.rawValue) · placed \(Formatting.relative(order.placedAt, now: context.now)) · \(Formatting.count(Int(order.itemCount), "item")) · total \(order.total)",
            "Ship to \(address.name), \(address.line1)\(address.line2.map { ", " + $0 } ?? ""), \(address.postalCode) \(address.city), \(address.country)",
            "Payment \(order.paymentReference ?? "—")",
        ]
        for (index, line) in facts.enumerated() where index < inside.height {
            TextLine(" " + line, style: theme["body"]).render(into: &grid, area: inside.row(index))
        }
        let halves = Layout.vertical(inside.inset(top: facts.count + 1), [.fill(minimum: 3), .fill(minimum: 3)])
        let lineColumns = [
            TableColumn("SKU", width: .fixed(12), priority: 0),
            TableColumn("Name", width: .flexible(minimum: 12), priority: 1),
            TableColumn("Qty", width: .fixed(4), alignment: .right, priority: 0),
            TableColumn("Price", width: .fixed(10), alignment: .right, priority: 2),
            TableColumn("Total", width: .fixed(11), alignment: .right, priority: 0),
        ]
        table(lineColumns, full.lines.map {
            TableRow([$0.sku.rawValue, $0.name, Formatting.grouped($0.quantity), $0.unitPrice.formatted, $0.lineTotal.formatted])
        }, selected: full.lines.isEmpty ? nil : detail.line, empty: "No lines.").render(into: &grid, area: halves[0])
        let timelineColumns = [
            TableColumn("When", width: .fixed(17), priority: 0),
            TableColumn("Who", width: .flexible(minimum: 14), priority: 1),
            TableColumn("What", width: .fixed(17), priority: 0),
            TableColumn("Status", width: .fixed(24), priority: 2),
            TableColumn("Note", width: .flexible(minimum: 10), priority: 3),
        ]
        table(timelineColumns, full.timeline.map { event in
            TableRow([
                Formatting.relative(event.at, now: context.now), event.actor, event.event,
                event.fromStatus.map { $0 == event.toStatus ? event.toStatus.label : "\($0.label) → \(event.toStatus.label)" } ?? event.toStatus.label,
                event.note ?? "",
            ])
        }, empty: "No events.").render(into: &grid, area: halves[1])
    }
}
