import BackroomCore
import BackroomServices
import TerminalKit

/// `=`: sets on hand to a counted figure, compare-and-set against the
/// count the operator saw (if it changed meanwhile, nothing is written).
struct SetCountDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case count, reason, note

        var label: String {
            switch self {
            case .count: "New count"
            case .reason: "Reason"
            case .note: "Note"
            }
        }
    }

    struct Parsed: Sendable, Equatable {
        var count: Int64
        var reason: MovementReason
        var reference: String?
    }

    static let reasons: [MovementReason] = [.cycleCount, .correction, .received, .damaged, .shrinkage, .return]

    let item: InventoryItem
    var form: Form
    var isSubmitting = false

    init(item: InventoryItem) {
        self.item = item
        form = Self.form { field in
            switch field {
            case .count: FormField(field.label, text: String(item.stock.onHand), maximumLength: 12)
            case .reason: FormField(field.label, options: Self.reasons.map(\.label), selected: 0)
            case .note: FormField(field.label, text: "", maximumLength: 200)
            }
        }
    }

    var title: String { "Set count · \(item.sku) \(item.product.name)" }

    func parse(_ context: PaneContext) -> Result<Parsed, DialogErrors<Field>> {
        var errors = DialogErrors<Field>()
        let reason = Self.reasons[choice(.reason)]
        var count: Int64?
        switch FieldParsing.whole(text(.count), allowSign: false) {
        case .failure(let message): errors[.count] = message
        case .success(let value):
            if value == item.stock.onHand {
                errors[.count] = "is the count already; nothing to change"
            } else if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try item.stock.adjusted(by: value - item.stock.onHand, sku: item.sku) }) {
                errors[.count] = message
            } else if case .failure(let message) = FieldParsing.rule({ () throws(BackroomError) in try reason.validate(manualDelta: value - item.stock.onHand) }) {
                errors[.reason] = message
            } else {
                count = value
            }
        }
        let reference: String?
        switch FieldParsing.rule({ () throws(BackroomError) in try TextRules.optionalLine(text(.note), field: "reference", label: "note", maximum: 200) }) {
        case .failure(let message): errors[.note] = message; reference = nil
        case .success(let value): reference = value
        }
        guard errors.isEmpty, let count else { return .failure(errors) }
        return .success(Parsed(count: count, reason: reason, reference: reference))
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("You saw on hand \(item.stock.onHand) (held \(item.stock.held), allocated \(item.stock.allocated)).", context.theme["dialog"]),
         ("If it changed meanwhile, nothing is written.", context.theme["muted"])]
    }

    func preview(_ parsed: Parsed?, _ context: PaneContext) -> [(String, Style)] {
        guard let parsed else { return [] }
        let delta = parsed.count - item.stock.onHand
        return [("Change \(delta >= 0 ? "+" : "")\(delta) · available after \(item.stock.available + delta)", context.theme["accent"])]
    }

    func submission(_ parsed: Parsed, _ context: PaneContext) -> DialogSubmission {
        let (inventory, principal, item) = (context.shop.inventory, context.principal, item)
        return DialogSubmission(commands: [Writes.command(context, panes: [.inventory]) {
            try await inventory.setStockCount(item.sku, to: parsed.count, expected: item.stock.onHand, reason: parsed.reason,
                                              reference: parsed.reference, by: principal).summary
        }])
    }

    func field(forServiceField name: String?) -> Field? {
        switch name {
        case "count", "expected": .count
        case "reason": .reason
        case "reference": .note
        default: nil
        }
    }
}
