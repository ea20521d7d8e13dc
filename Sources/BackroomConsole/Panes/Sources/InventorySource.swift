import BackroomCore
import Foundation
import BackroomServices
import TerminalKit

/// The Inventory pane: products with their stock, and the operator's stock
/// work (the most common thing done in this console).
struct InventorySource: ListSource {
    typealias Item = InventoryItem

    /// A product's detail: its fields, and its ledger, newest first.
    struct Detail: Sendable {
        var item: InventoryItem
        var ledger: [StockMovement]?
        var scroll = 0
    }

    /// Answers for the detail view.
    enum DetailPayload: Sendable {
        case item(InventoryItem)
        case ledger(SKU, Result<[StockMovement], BackroomError>)
        case missing(SKU, BackroomError)
    }

    static let kind = PaneKind.inventory
    static let emptyText = "No products match."

    var filter = ProductFilter()
    var sort = ProductSort(.sku)

    var text: String? {
        get { filter.text }
        set { filter.text = newValue }
    }

    var sortKey: String? { sort.key.rawValue }
    var sortAscending: Bool { sort.direction == .ascending }

    mutating func sort(by key: String, ascending: Bool) {
        sort = ProductSort(ProductSortKey(rawValue: key) ?? .sku, ascending ? .ascending : .descending)
    }

    static let sortKeys = ProductSortKey.allCases.filter { $0 != .updatedAt }.map(\.rawValue)

    static let columns: [ListColumn<InventoryItem>] = [
        ListColumn(id: "sku", table: TableColumn("SKU", width: .fixed(12), priority: 0), sortKey: "sku") { item, _ in (item.sku.rawValue, nil) },
        ListColumn(id: "name", table: TableColumn("Name", width: .flexible(minimum: 26), priority: 0), sortKey: "name") { item, _ in (item.product.name, nil) },
        ListColumn(id: "on_hand", table: TableColumn("On hand", width: .fixed(9), alignment: .right, priority: 1), sortKey: "onHand") { item, _ in
            (Formatting.grouped(item.stock.onHand), nil)
        },
        ListColumn(id: "held", table: TableColumn("Held", width: .fixed(6), alignment: .right, priority: 4), sortKey: "held") { item, _ in
            (Formatting.grouped(item.stock.held), nil)
        },
        ListColumn(id: "allocated", table: TableColumn("Alloc", width: .fixed(7), alignment: .right, priority: 3), sortKey: "allocated") { item, _ in
            (Formatting.grouped(item.stock.allocated), nil)
        },
        ListColumn(id: "available", table: TableColumn("Avail", width: .fixed(9), alignment: .right, priority: 0), sortKey: "available") { item, context in
            let stock = item.stock
            if stock.available <= 0 { return ("✗ " + Formatting.grouped(stock.available), context.theme["status.error"]) }
            if item.isLowStock { return ("⚠ " + Formatting.grouped(stock.available), context.theme["status.warn"]) }
            return (Formatting.grouped(stock.available), nil)
        },
        ListColumn(id: "reorder_point", table: TableColumn("Reorder", width: .fixed(9), alignment: .right, priority: 5), sortKey: "reorderPoint") { item, _ in
            (Formatting.grouped(item.product.reorderPoint), nil)
        },
        ListColumn(id: "price", table: TableColumn("Price", width: .fixed(10), alignment: .right, priority: 2), sortKey: "price") { item, _ in
            (item.product.price.formatted, nil)
        },
        ListColumn(id: "status", table: TableColumn("Status", width: .fixed(8), priority: 6), sortKey: "status") { item, context in
            (item.product.status.rawValue, item.product.isArchived ? context.theme["muted"] : nil)
        },
    ]

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<InventoryItem> {
        try await context.shop.inventory.items(matching: filter, sort: sort, window: window, by: context.principal)
    }

    func count(_ context: PaneContext) async throws -> Int {
        try await context.shop.inventory.count(matching: filter, by: context.principal)
    }

    func title(total: Int?, _ context: PaneContext) -> String {
        var title = "Inventory"
        if let summary = context.summary {
            title += " · \(Formatting.count(summary.activeProducts, "SKU")) · \(Formatting.grouped(summary.lowStockProducts)) low"
        }
        var filters: [String] = []
        if filter.lowStockOnly { filters.append("low stock") }
        if filter.status != .active { filters.append(filter.status.rawValue) }
        if let text = filter.text { filters.append("\"\(text)\"") }
        if !filters.isEmpty {
            title += " · filter " + filters.joined(separator: " ")
            if let total { title += " (\(Formatting.count(total, "match", plural: "matches")))" }
        }
        return title
    }

    func key(of item: InventoryItem) -> String { item.sku.rawValue }

    mutating func perform(_ action: ConsoleAction, selected: InventoryItem?, marked: [InventoryItem], count: Int?, _ context: PaneContext) -> SourceStep {
        let targets = marked.isEmpty ? selected.map { [$0] } ?? [] : marked
        switch action {
        case .toggleLowStock:
            filter.lowStockOnly.toggle()
            return .reload
        case .cycleArchived:
            let scopes = ProductFilter.StatusScope.allCases
            filter.status = scopes[(scopes.firstIndex(of: filter.status)! + 1) % scopes.count]
            return .reload
        case .increment, .decrement:
            guard let selected else { return .none }
            let units = Int64(max(1, count ?? 1))
            let delta = action == .increment ? units : -units
            let (inventory, principal) = (context.shop.inventory, context.principal)
            return .outcome(.run([Writes.command(context, panes: [.inventory]) {
                try await inventory.adjustStock(selected.sku, by: delta, reason: .correction, by: principal).summary
            }]))
        case .adjust:
            guard !targets.isEmpty else { return .none }
            return .outcome(PaneOutcome(dialog: AdjustStockDialog(items: targets)))
        case .setCount:
            guard let selected else { return .none }
            return .outcome(PaneOutcome(dialog: SetCountDialog(item: selected)))
        case .newProduct:
            return .outcome(PaneOutcome(dialog: NewProductDialog(currency: context.shop.currency)))
        case .editProduct:
            guard let selected else { return .none }
            return .outcome(PaneOutcome(dialog: EditProductDialog(item: selected)))
        case .reorderPoint:
            guard !targets.isEmpty else { return .none }
            return .outcome(PaneOutcome(dialog: ReorderPointDialog(items: targets)))
        case .archiveProduct:
            guard !targets.isEmpty else { return .none }
            return .outcome(archive(targets, context))
        default:
            return .none
        }
    }

    /// Archives the products (or restores them when the first is archived).
    func archive(_ items: [InventoryItem], _ context: PaneContext) -> PaneOutcome {
        let (inventory, principal) = (context.shop.inventory, context.principal)
        let archiving = !items[0].product.isArchived
        let skus = items.map(\.sku)
        let verb = archiving ? "archived" : "restored"
        let command = Writes.command(context, panes: [.inventory], clearsMarks: items.count > 1 ? .inventory : nil) {
            let report = try await inventory.setArchived(skus, archiving, by: principal)
            if skus.count == 1 {
                if case .failure(let error)? = report.rows.first?.result { throw error }
                return archiving ? "\(skus[0]) archived" : "\(skus[0]) restored to the shop"
            }
            return report.summary(verb: verb)
        }
        let title = items.count == 1
            ? (archiving ? "Archive \(items[0].sku)?" : "Restore \(items[0].sku)?")
            : (archiving ? "Archive \(items.count) marked products?" : "Restore \(items.count) marked products?")
        let message = archiving
            ? "They leave the shop; stock and history stay. Carts can no longer add them."
            : "They return to the shop."
        return PaneOutcome(confirmation: Confirmation(title: title, message: message, commands: [command]))
    }

    // MARK: Detail

    func openDetail(_ item: InventoryItem, _ context: PaneContext) -> (Detail?, PaneOutcome) {
        (Detail(item: item), .run(Self.ledgerCommands(item.sku, context)))
    }

    func detail(for target: Navigation, _ context: PaneContext) -> (Detail?, PaneOutcome)? {
        guard case .product(let sku) = target else { return nil }
        let (inventory, principal) = (context.shop.inventory, context.principal)
        let lookup = Command<ConsoleMessage> {
            do {
                return .pane(.inventory, .detail(DetailPayload.item(try await inventory.item(sku, by: principal))))
            } catch let error as BackroomError {
                return .pane(.inventory, .detail(DetailPayload.missing(sku, error)))
            } catch {
                return nil
            }
        }
        return (nil, .run([lookup] + Self.ledgerCommands(sku, context, itemToo: false)))
    }

    static func ledgerCommands(_ sku: SKU, _ context: PaneContext, itemToo: Bool = true) -> [Command<ConsoleMessage>] {
        let (inventory, principal) = (context.shop.inventory, context.principal)
        var commands: [Command<ConsoleMessage>] = [Command {
            .pane(.inventory, .detail(DetailPayload.ledger(sku, await .catching {
                try await inventory.movements(of: sku, window: ListWindow(limit: ListWindow.maximumLimit), by: principal).items
            })))
        }]
        if itemToo {
            commands.append(Command {
                guard let fresh = try? await inventory.item(sku, by: principal) else { return nil }
                return .pane(.inventory, .detail(DetailPayload.item(fresh)))
            })
        }
        return commands
    }

    func refreshDetail(_ detail: Detail, _ context: PaneContext) -> [Command<ConsoleMessage>] {
        Self.ledgerCommands(detail.item.sku, context)
    }

    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome {
        guard let payload = payload as? DetailPayload else { return PaneOutcome() }
        switch payload {
        case .item(let item):
            if detail == nil || detail?.item.sku == item.sku {
                let previous = detail
                detail = Detail(item: item, ledger: previous?.ledger, scroll: previous?.scroll ?? 0)
            }
        case .ledger(let sku, let result):
            if detail?.item.sku == sku { detail?.ledger = (try? result.get()) ?? [] }
        case .missing(_, let error):
            return .flash("✗ " + error.message, error: true)
        }
        return PaneOutcome()
    }

    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome {
        let rows = max(1, context.rows - 4)
        let last = max(0, (detail.ledger?.count ?? 0) - 1)
        switch action {
        case .down: detail.scroll = min(detail.scroll + max(1, count ?? 1), last)
        case .up: detail.scroll = max(0, detail.scroll - max(1, count ?? 1))
        case .pageDown: detail.scroll = min(detail.scroll + rows, last)
        case .pageUp: detail.scroll = max(0, detail.scroll - rows)
        case .adjust: return PaneOutcome(dialog: AdjustStockDialog(items: [detail.item]))
        case .setCount: return PaneOutcome(dialog: SetCountDialog(item: detail.item))
        case .editProduct: return PaneOutcome(dialog: EditProductDialog(item: detail.item))
        case .copyKey: return PaneOutcome(flash: Flash("Copied \(detail.item.sku)"), clipboard: detail.item.sku.rawValue)
        default: break
        }
        return PaneOutcome()
    }

    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {
        let theme = context.theme
        let item = detail.item
        let product = item.product
        let ledgerText = detail.ledger.map { Formatting.count($0.count, "ledger row") } ?? "ledger …"
        Box(title: "\(item.sku) · \(product.name)", footer: ledgerText, borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
        let inside = Box.inside(area)
        let stock = item.stock
        var facts = [
            "Price \(product.price) · status \(product.status.rawValue) · reorder point \(product.reorderPoint) · version \(product.version)",
            "On hand \(stock.onHand) · held \(stock.held) · allocated \(stock.allocated) · available \(stock.available)" + (item.isLowStock ? "  ⚠ low stock" : ""),
        ]
        if !product.description.isEmpty { facts.append(product.description.replacingOccurrences(of: "\n", with: " ")) }
        for (index, line) in facts.enumerated() where index < inside.height {
            let style = index == 1 && item.isLowStock ? theme["status.warn"] : theme["body"]
            TextLine(" " + line, style: style).render(into: &grid, area: inside.row(index))
        }
        let ledgerArea = inside.inset(top: facts.count + 1)
        guard ledgerArea.height > 1 else { return }
        let columns = [
            TableColumn("Time", width: .fixed(17), priority: 1),
            TableColumn("Change", width: .fixed(7), alignment: .right, priority: 0),
            TableColumn("After", width: .fixed(7), alignment: .right, priority: 2),
            TableColumn("Reason", width: .fixed(11), priority: 0),
            TableColumn("Actor", width: .flexible(minimum: 12), priority: 3),
            TableColumn("Reference", width: .flexible(minimum: 10), priority: 4),
        ]
        let rows = (detail.ledger ?? []).dropFirst(detail.scroll).map { movement in
            TableRow([
                Formatting.relative(movement.createdAt, now: context.now),
                (movement.delta > 0 ? "+" : "") + Formatting.grouped(movement.delta), Formatting.grouped(movement.onHandAfter),
                movement.reason.label, movement.actor, movement.reference ?? "",
            ], cellStyles: [1: movement.delta > 0 ? theme["status.ok"] : theme["status.warn"]])
        }
        Table(
            columns: columns, rows: Array(rows), sortColumn: 0, sortAscending: false,
            headerStyle: theme["table.header"], rowStyle: theme["body"], alternateRowStyle: theme["table.alt_row"],
            cursorStyle: theme["table.cursor"], emptyText: detail.ledger == nil ? "Loading the ledger…" : "No stock movements yet."
        ).render(into: &grid, area: ledgerArea)
    }
}
