import BackroomCore
import BackroomServices
import TerminalKit

/// `n` in Inventory: a new product; its initial stock goes to the ledger
/// as `received`.
struct NewProductDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case sku, name, price, reorderPoint, initialStock, description

        var label: String {
            switch self {
            case .sku: "SKU"
            case .name: "Name"
            case .price: "Price"
            case .reorderPoint: "Reorder point"
            case .initialStock: "Initial stock"
            case .description: "Description"
            }
        }
    }

    var form: Form
    var isSubmitting = false
    let currency: Currency

    init(currency: Currency) {
        self.currency = currency
        form = Self.form { field in
            switch field {
            case .sku: FormField(field.label, text: "", maximumLength: 64)
            case .name: FormField(field.label, text: "", maximumLength: 200)
            case .price: FormField(field.label, text: "", maximumLength: 20, hint: currency.code)
            case .reorderPoint: FormField(field.label, text: "0", maximumLength: 10)
            case .initialStock: FormField(field.label, text: "0", maximumLength: 10)
            case .description: FormField(field.label, text: "", maximumLength: 500)
            }
        }
    }

    var title: String { "New product" }

    func parse(_ context: PaneContext) -> Result<ValidProductDraft, DialogErrors<Field>> {
        var errors = DialogErrors<Field>()
        let price = FieldParsing.money(text(.price), currency: currency)
        let reorder = FieldParsing.whole(text(.reorderPoint), allowSign: false, maximum: QuantityRules.maximumReorderPoint)
        let initial = FieldParsing.whole(text(.initialStock), allowSign: false)
        if case .failure(let message) = price { errors[.price] = message }
        if case .failure(let message) = reorder { errors[.reorderPoint] = message }
        if case .failure(let message) = initial { errors[.initialStock] = message }
        if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try SKU(text(.sku)) }) { errors[.sku] = message }
        if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try ProductRules.name(text(.name)) }) { errors[.name] = message }
        if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try ProductRules.description(text(.description)) }) {
            errors[.description] = message
        }
        guard errors.isEmpty, case .success(let money) = price, case .success(let point) = reorder, case .success(let stock) = initial else {
            return .failure(errors)
        }
        let draft = ProductDraft(sku: text(.sku), name: text(.name), description: text(.description), price: money, reorderPoint: point, initialStock: stock)
        switch FieldParsing.rule({ () throws(BackroomError) in try draft.validated() }) {
        case .success(let valid): return .success(valid)
        case .failure(let message):
            errors[.sku] = message
            return .failure(errors)
        }
    }

    func header(_ context: PaneContext) -> [(String, Style)] { [] }

    /// Every money field says what it read: `12,5` shows `€12.50`.
    func preview(_ parsed: ValidProductDraft?, _ context: PaneContext) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        if case .success(let money) = FieldParsing.money(text(.price), currency: currency) {
            lines.append(("Price: \(money.formatted)", context.theme["accent"]))
        }
        if let parsed { lines.append(("\(parsed.sku) with \(parsed.initialStock) on hand", context.theme["muted"])) }
        return lines
    }

    func submission(_ parsed: ValidProductDraft, _ context: PaneContext) -> DialogSubmission {
        let (inventory, principal) = (context.shop.inventory, context.principal)
        let draft = ProductDraft(
            sku: parsed.sku.rawValue, name: parsed.name, description: parsed.description, price: parsed.price,
            reorderPoint: parsed.reorderPoint, initialStock: parsed.initialStock
        )
        return DialogSubmission(commands: [Writes.command(context, panes: [.inventory]) {
            let item = try await inventory.createProduct(draft, by: principal)
            return "\(item.sku) created, \(item.stock.onHand) on hand"
        }])
    }

    func field(forServiceField name: String?) -> Field? {
        switch name {
        case "sku": .sku
        case "name": .name
        case "price": .price
        case "reorderPoint": .reorderPoint
        case "initialStock": .initialStock
        case "description": .description
        default: nil
        }
    }
}
