import BackroomCore
import BackroomServices
import TerminalKit

/// `R` in Inventory: the reorder point of the selected product, or of every
/// marked one.
struct ReorderPointDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case point

        var label: String { "Reorder point" }
    }

    let items: [InventoryItem]
    var form: Form
    var isSubmitting = false

    init(items: [InventoryItem]) {
        self.items = items
        let current = items.count == 1 ? String(items[0].product.reorderPoint) : ""
        form = Self.form { field in FormField(field.label, text: current, maximumLength: 10) }
    }

    var title: String { items.count == 1 ? "Reorder point · \(items[0].sku)" : "Reorder point · \(items.count) marked products" }

    func parse(_ context: PaneContext) -> Result<Int64, DialogErrors<Field>> {
        switch FieldParsing.whole(text(.point), allowSign: false, maximum: QuantityRules.maximumReorderPoint) {
        case .success(let value): .success(value)
        case .failure(let message): .failure(DialogErrors([.point: message]))
        }
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("Low stock is available at or below the reorder point.", context.theme["muted"])]
    }

    func preview(_ parsed: Int64?, _ context: PaneContext) -> [(String, Style)] {
        guard let parsed, items.count == 1 else { return [] }
        let low = items[0].stock.available <= parsed
        return [(low ? "⚠ \(items[0].sku) would be low on stock (\(items[0].stock.available) available)" : "\(items[0].sku) would not be low", context.theme[low ? "status.warn" : "muted"])]
    }

    func submission(_ parsed: Int64, _ context: PaneContext) -> DialogSubmission {
        let (inventory, principal, skus) = (context.shop.inventory, context.principal, items.map(\.sku))
        let marked = items.count > 1
        return DialogSubmission(
            commands: [Writes.command(context, panes: [.inventory], clearsMarks: marked ? .inventory : nil) {
                let report = try await inventory.setReorderPoint(skus, to: parsed, by: principal)
                if !marked, case .failure(let error)? = report.rows.first?.result { throw error }
                return marked ? report.summary(verb: "set to \(parsed)") : "\(skus[0]): reorder point \(parsed)"
            }],
            confirmation: marked ? ("Set the reorder point of \(skus.count) marked products to \(parsed)?", "Each product is refused on its own if it must be.") : nil
        )
    }
}
