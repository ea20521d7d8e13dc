import BackroomCore
import BackroomServices
import TerminalKit

/// `a`: changes on hand by N with a reason, for the selected product or
/// every marked one (one transaction; each refused on its own).
struct AdjustStockDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case changeBy, reason, note

        var label: String {
            switch self {
            case .changeBy: "Change by"
            case .reason: "Reason"
            case .note: "Note"
            }
        }
    }

    struct Parsed: Sendable, Equatable {
        var delta: Int64
        var reason: MovementReason
        var reference: String?
    }

    static let reasons = MovementReason.manual

    let items: [InventoryItem]
    var form: Form
    var isSubmitting = false

    init(items: [InventoryItem]) {
        self.items = items
        form = Self.form { field in
            switch field {
            case .changeBy: FormField(field.label, text: "", maximumLength: 12)
            case .reason: FormField(field.label, options: Self.reasons.map(\.label), selected: 0)
            case .note: FormField(field.label, text: "", maximumLength: 200)
            }
        }
    }

    var title: String {
        items.count == 1 ? "Adjust stock · \(items[0].sku) \(items[0].product.name)" : "Adjust stock · \(items.count) marked products"
    }

    func parse(_ context: PaneContext) -> Result<Parsed, DialogErrors<Field>> {
        var errors = DialogErrors<Field>()
        let reason = Self.reasons[choice(.reason)]
        var delta: Int64?
        switch FieldParsing.whole(text(.changeBy), allowSign: true) {
        case .failure(let message): errors[.changeBy] = message
        case .success(let value):
            switch FieldParsing.rule({ () throws(BackroomError) in try QuantityRules.adjustment(value) }) {
            case .failure(let message): errors[.changeBy] = message
            case .success(let value): delta = value
            }
        }
        if let delta {
            if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try reason.validate(manualDelta: delta) }) {
                errors[.changeBy] = message
            } else if items.count == 1, case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try items[0].stock.adjusted(by: delta, sku: items[0].sku) }) {
                errors[.changeBy] = message
            }
        }
        let reference: String?
        switch FieldParsing.rule({ () throws(BackroomError) in try TextRules.optionalLine(text(.note), field: "reference", label: "note", maximum: 200) }) {
        case .failure(let message): errors[.note] = message; reference = nil
        case .success(let value): reference = value
        }
        guard errors.isEmpty, let delta else { return .failure(errors) }
        return .success(Parsed(delta: delta, reason: reason, reference: reference))
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        guard items.count == 1 else {
            return [("Each product is changed or refused on its own, in one transaction.", context.theme["dialog"])]
        }
        let stock = items[0].stock
        return [("On hand \(stock.onHand) · held \(stock.held) · allocated \(stock.allocated) · available \(stock.available)", context.theme["dialog"])]
    }

    func preview(_ parsed: Parsed?, _ context: PaneContext) -> [(String, Style)] {
        guard let parsed else { return [] }
        let signed = (parsed.delta > 0 ? "+" : "") + Formatting.grouped(parsed.delta)
        if items.count == 1 {
            let stock = items[0].stock
            return [("After: on hand \(stock.onHand + parsed.delta) · available \(stock.available + parsed.delta) (\(parsed.reason.label))", context.theme["accent"])]
        }
        return [("\(signed) on each of \(items.count) products (\(parsed.reason.label))", context.theme["accent"])]
    }

    func submission(_ parsed: Parsed, _ context: PaneContext) -> DialogSubmission {
        let (inventory, principal) = (context.shop.inventory, context.principal)
        if items.count == 1 {
            let sku = items[0].sku
            return DialogSubmission(commands: [Writes.command(context, panes: [.inventory]) {
                try await inventory.adjustStock(sku, by: parsed.delta, reason: parsed.reason, reference: parsed.reference, by: principal).summary
            }])
        }
        let skus = items.map(\.sku)
        let signed = (parsed.delta > 0 ? "+" : "") + Formatting.grouped(parsed.delta)
        return DialogSubmission(
            commands: [Writes.command(context, panes: [.inventory], clearsMarks: .inventory) {
                try await inventory.adjustStock(skus, by: parsed.delta, reason: parsed.reason, reference: parsed.reference, by: principal)
                    .summary(verb: "adjusted")
            }],
            confirmation: ("Adjust \(skus.count) marked products by \(signed)?", "\(parsed.reason.label)\(parsed.reference.map { " · \($0)" } ?? ""); each product is refused on its own if it must be.")
        )
    }

    func field(forServiceField name: String?) -> Field? {
        switch name {
        case "delta", "count": .changeBy
        case "reason": .reason
        case "reference": .note
        default: nil
        }
    }
}
