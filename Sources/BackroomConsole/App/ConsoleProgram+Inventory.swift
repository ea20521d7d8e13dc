import BackroomCore
import BackroomServices
import TerminalKit

extension ConsoleProgram {
    func performInventory(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        let rows = model.visibleRows
        var list = model.inventory
        var pending: [ListFetch] = []
        if let commands = navigate(action, &list, rows: rows, load: { pending.append($0); return [] }) {
            model.inventory = list
            return pending.flatMap { loadInventory(&model, $0) } + commands
        }
        let item = model.inventory.selected
        switch action {
        case .open:
            guard let item else { return [] }
            model.detail = .product(item, ledger: nil, scroll: 0)
            return refreshProductDetail(item.sku)
        case .nextSortColumn:
            model.inventorySort = nextSort(model.inventorySort)
            return loadInventory(&model, .first)
        case .flipSort:
            model.inventorySort.direction = model.inventorySort.direction.reversed
            return loadInventory(&model, .first)
        case .toggleLowStock:
            model.inventoryFilter.lowStockOnly.toggle()
            return loadInventory(&model, .first) + countInventory(&model)
        case .cycleArchived:
            let scopes = ProductFilter.StatusScope.allCases
            model.inventoryFilter.status = scopes[(scopes.firstIndex(of: model.inventoryFilter.status)! + 1) % scopes.count]
            return loadInventory(&model, .first) + countInventory(&model)
        case .increment, .decrement:
            guard let item else { return [] }
            return [adjustCommand(item, delta: action == .increment ? 1 : -1, reason: .correction, reference: nil)]
        case .adjust:
            guard let item else { return [] }
            model.overlay = .form(FormDialog(kind: .adjust(item), form: Form([
                FormField("Change by", text: "", maximumLength: 12),
                FormField("Reason", options: MovementReason.manual.map(\.label), selected: 0),
                FormField("Note", text: "", maximumLength: 200, hint: nil),
            ])))
            return []
        case .setCount:
            guard let item else { return [] }
            model.overlay = .form(FormDialog(kind: .setCount(item), form: Form([
                FormField("New count", text: String(item.stock.onHand), maximumLength: 12),
                FormField("Reason", options: [MovementReason.cycleCount, .correction, .received, .damaged, .shrinkage, .return].map(\.label), selected: 0),
                FormField("Note", text: "", maximumLength: 200, hint: nil),
            ])))
            return []
        case .newProduct:
            model.overlay = .form(FormDialog(kind: .newProduct, form: Form([
                FormField("SKU", text: "", maximumLength: 64),
                FormField("Name", text: "", maximumLength: 200),
                FormField("Price", text: "", maximumLength: 16, hint: shop.currency.code),
                FormField("Reorder point", text: "0", maximumLength: 10),
                FormField("Initial stock", text: "0", maximumLength: 10),
                FormField("Description", text: "", maximumLength: 500, hint: nil),
            ])))
            return []
        case .editProduct:
            guard let item = selectedOrDetailProduct(model) else { return [] }
            model.overlay = .form(FormDialog(kind: .editProduct(item), form: Form([
                FormField("Name", text: item.product.name, maximumLength: 200),
                FormField("Price", text: item.product.price.decimalString, maximumLength: 16, hint: shop.currency.code),
                FormField("Reorder point", text: String(item.product.reorderPoint), maximumLength: 10),
                FormField("Description", text: item.product.description, maximumLength: 500, hint: nil),
            ])))
            return []
        case .archiveProduct:
            guard let item else { return [] }
            let archiving = !item.product.isArchived
            model.overlay = .confirm(ConfirmDialog(
                title: archiving ? "Archive \(item.sku)?" : "Restore \(item.sku)?",
                message: archiving
                    ? "\(item.product.name) leaves the shop; its stock and history stay. Carts can no longer add it."
                    : "\(item.product.name) returns to the shop.",
                write: .archive(item)
            ))
            return []
        default:
            return []
        }
    }

    func selectedOrDetailProduct(_ model: ConsoleModel) -> InventoryItem? {
        if case .product(let item, _, _) = model.detail { return item }
        return model.inventory.selected
    }

    func refreshProductDetail(_ sku: SKU) -> [Command<ConsoleMessage>] {
        let (inventory, principal) = (shop.inventory, principal)
        return [Command {
            .ledger(sku, await .catching {
                try await inventory.movements(of: sku, window: ListWindow(limit: 200), by: principal).items
            })
        }]
    }

    func adjustCommand(_ item: InventoryItem, delta: Int64, reason: MovementReason, reference: String?) -> Command<ConsoleMessage> {
        let (inventory, principal) = (shop.inventory, principal)
        return Command {
            .written(WriteOutcome(result: await .catching {
                try await inventory.adjustStock(item.sku, by: delta, reason: reason, reference: reference, by: principal).summary
            }, panes: [.inventory]))
        }
    }

    func performInDetail(_ action: ConsoleAction, _ model: inout ConsoleModel) -> [Command<ConsoleMessage>] {
        switch model.detail {
        case .product(let item, let ledger, let scroll):
            switch action {
            case .down: model.detail = .product(item, ledger: ledger, scroll: min(scroll + 1, max(0, (ledger?.count ?? 0) - 1)))
            case .up: model.detail = .product(item, ledger: ledger, scroll: max(0, scroll - 1))
            case .adjust, .setCount, .editProduct:
                // The dialogs act on the product shown.
                var copy = model
                copy.inventory.items = [item]
                copy.inventory.cursor = 0
                let commands = performInventory(action, &copy)
                model.overlay = copy.overlay
                return commands
            default: break
            }
            return []
        case .order(_, let detail):
            guard let order = detail?.order else { return [] }
            return performOrderAction(action, order, &model)
        case .request, nil:
            return []
        }
    }
}
