import BackroomCore
import BackroomServices
import TerminalKit

/// `r` on a shipped or delivered order: refund, and whether the goods came
/// back on hand (a `return` in the ledger). Refunding asks first.
struct RefundDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case restock

        var label: String { "Put the units back on hand" }
    }

    let order: Order
    var form: Form
    var isSubmitting = false

    init(order: Order) {
        self.order = order
        form = Self.form { field in FormField(field.label, toggle: true) }
    }

    var title: String { "Refund \(order.number)?" }

    func parse(_ context: PaneContext) -> Result<Bool, DialogErrors<Field>> { .success(isOn(.restock)) }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("\(order.email) · \(order.total) · \(order.status.label). This cannot be undone.", context.theme["dialog"])]
    }

    func preview(_ parsed: Bool?, _ context: PaneContext) -> [(String, Style)] {
        [(parsed == true ? "The \(order.itemCount) units go back on hand as returns." : "The units stay off stock.", context.theme["muted"])]
    }

    func submission(_ parsed: Bool, _ context: PaneContext) -> DialogSubmission {
        DialogSubmission(
            commands: [OrdersSource.transitionCommand(order, .refund, restock: parsed, context)],
            confirmation: ("Refund \(order.number)?", "\(order.total)\(parsed ? ", units back on hand" : ""). This cannot be undone.")
        )
    }
}
