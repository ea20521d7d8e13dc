import BackroomCore
import BackroomServices
import TerminalKit

/// `e`: a product's catalog fields, refused if someone changed the
/// product first (its version).
struct EditProductDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case name, price, reorderPoint, description

        var label: String {
            switch self {
            case .name: "Name"
            case .price: "Price"
            case .reorderPoint: "Reorder point"
            case .description: "Description"
            }
        }
    }

    let item: InventoryItem
    var form: Form
    var isSubmitting = false

    init(item: InventoryItem) {
        self.item = item
        form = Self.form { field in
            switch field {
            case .name: FormField(field.label, text: item.product.name, maximumLength: 200)
            case .price: FormField(field.label, text: item.product.price.decimalString, maximumLength: 20, hint: item.product.price.currency.code)
            case .reorderPoint: FormField(field.label, text: String(item.product.reorderPoint), maximumLength: 10)
            case .description: FormField(field.label, text: item.product.description, maximumLength: 500)
            }
        }
    }

    var title: String { "Edit \(item.sku)" }

    func parse(_ context: PaneContext) -> Result<ProductChanges, DialogErrors<Field>> {
        var errors = DialogErrors<Field>()
        let price = FieldParsing.money(text(.price), currency: item.product.price.currency)
        let reorder = FieldParsing.whole(text(.reorderPoint), allowSign: false, maximum: QuantityRules.maximumReorderPoint)
        if case .failure(let message) = price { errors[.price] = message }
        if case .failure(let message) = reorder { errors[.reorderPoint] = message }
        if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try ProductRules.name(text(.name)) }) { errors[.name] = message }
        if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try ProductRules.description(text(.description)) }) {
            errors[.description] = message
        }
        guard errors.isEmpty, case .success(let money) = price, case .success(let point) = reorder else { return .failure(errors) }
        return .success(ProductChanges(name: text(.name), description: text(.description), price: money, reorderPoint: point))
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("Version \(item.product.version): if someone changes it first, nothing is written.", context.theme["muted"])]
    }

    func preview(_ parsed: ProductChanges?, _ context: PaneContext) -> [(String, Style)] {
        guard case .success(let money) = FieldParsing.money(text(.price), currency: item.product.price.currency) else { return [] }
        return [("Price: \(money.formatted)" + (money == item.product.price ? " (unchanged)" : " (was \(item.product.price.formatted))"), context.theme["accent"])]
    }

    func submission(_ parsed: ProductChanges, _ context: PaneContext) -> DialogSubmission {
        let (inventory, principal, item) = (context.shop.inventory, context.principal, item)
        return DialogSubmission(commands: [Writes.command(context, panes: [.inventory]) {
            let updated = try await inventory.updateProduct(item.sku, changes: parsed, expectedVersion: item.product.version, by: principal)
            return "\(item.sku): " + parsed.summary(from: item.product, to: updated.product)
        }])
    }

    func field(forServiceField name: String?) -> Field? {
        switch name {
        case "name": .name
        case "price": .price
        case "reorderPoint": .reorderPoint
        case "description": .description
        default: nil
        }
    }
}
