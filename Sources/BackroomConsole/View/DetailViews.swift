import Foundation
import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

extension ConsoleProgram {
    func drawProductDetail(_ item: InventoryItem, ledger: [StockMovement]?, scroll: Int, _ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let product = item.product
        let inside = paneBox(model, title: "\(item.sku) · \(product.name)", footer: "ledger \(ledger.map { Formatting.grouped($0.count) } ?? "…") rows")
            .render(into: &grid, area: area)
        let stock = item.stock
        var facts = [
            "Price \(product.price) · status \(product.status.rawValue) · reorder point \(product.reorderPoint) · version \(product.version)",
            "On hand \(stock.onHand) · held \(stock.held) · allocated \(stock.allocated) · available \(stock.available)"
                + (item.isLowStock ? "  ⚠ low stock" : ""),
        ]
        if !product.description.isEmpty { facts.append(product.description.replacingOccurrences(of: "\n", with: " ")) }
        for (index, line) in facts.enumerated() where index < inside.height {
            let style = index == 1 && item.isLowStock ? theme["status.warn"] : theme["body"]
            grid.write(" " + line, x: inside.x, y: inside.y + index, style: style, maxWidth: inside.width)
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
        let rows = (ledger ?? []).dropFirst(scroll).map { movement in
            TableRow([
                Formatting.relative(movement.createdAt, now: model.now),
                (movement.delta > 0 ? "+" : "") + Formatting.grouped(movement.delta), Formatting.grouped(movement.onHandAfter),
                movement.reason.label, movement.actor, movement.reference ?? "",
            ], cellStyles: [1: movement.delta > 0 ? theme["status.ok"] : theme["status.warn"]])
        }
        table(model, columns: columns, rows: Array(rows), selected: nil, sortColumn: 0, ascending: false,
              empty: ledger == nil ? "Loading the ledger…" : "No stock movements yet.")
            .render(into: &grid, area: ledgerArea)
    }

    func drawOrderDetail(_ number: OrderNumber, _ detail: OrderDetail?, _ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        guard let detail else {
            let inside = paneBox(model, title: number.rawValue, footer: "").render(into: &grid, area: area)
            grid.write(" Loading…", x: inside.x, y: inside.y, style: theme["muted"])
            return
        }
        let order = detail.order
        let inside = paneBox(model, title: "\(order.number) · \(Self.statusSymbol(order.status)) \(order.status.label)",
                             footer: order.allowedActions.isEmpty ? "no further actions" : "can: " + order.allowedActions.map(\.rawValue).joined(separator: ", "))
            .render(into: &grid, area: area)
        let address = order.shippingAddress
        let facts = [
            "\(order.email.rawValue) · placed \(Formatting.relative(order.placedAt, now: model.now)) · \(order.itemCount) items · total \(order.total)",
            "Ship to \(address.name), \(address.line1)\(address.line2.map { ", " + $0 } ?? ""), \(address.postalCode) \(address.city), \(address.country)",
            "Payment \(order.paymentReference ?? "—")",
        ]
        for (index, line) in facts.enumerated() where index < inside.height {
            grid.write(" " + line, x: inside.x, y: inside.y + index, style: theme["body"], maxWidth: inside.width)
        }
        let halves = Layout.vertical(inside.inset(top: facts.count + 1), [.fill(minimum: 3), .fill(minimum: 3)])
        let lineColumns = [
            TableColumn("SKU", width: .fixed(12), priority: 0),
            TableColumn("Name", width: .flexible(minimum: 12), priority: 1),
            TableColumn("Qty", width: .fixed(4), alignment: .right, priority: 0),
            TableColumn("Price", width: .fixed(10), alignment: .right, priority: 2),
            TableColumn("Total", width: .fixed(11), alignment: .right, priority: 0),
        ]
        table(model, columns: lineColumns, rows: detail.lines.map {
            TableRow([$0.sku.rawValue, $0.name, Formatting.grouped($0.quantity), $0.unitPrice.formatted, $0.lineTotal.formatted])
        }, selected: nil, sortColumn: nil, ascending: true, empty: "No lines.").render(into: &grid, area: halves[0])
        let timelineColumns = [
            TableColumn("When", width: .fixed(17), priority: 0),
            TableColumn("Who", width: .flexible(minimum: 14), priority: 1),
            TableColumn("What", width: .fixed(9), priority: 0),
            TableColumn("Status", width: .fixed(24), priority: 0),
            TableColumn("Note", width: .flexible(minimum: 10), priority: 2),
        ]
        table(model, columns: timelineColumns, rows: detail.timeline.map { event in
            TableRow([
                Formatting.relative(event.at, now: model.now), event.actor, event.event,
                event.fromStatus.map { "\($0.label) → " } .map { $0 + event.toStatus.label } ?? event.toStatus.label, event.note ?? "",
            ])
        }, selected: nil, sortColumn: nil, ascending: true, empty: "No events.").render(into: &grid, area: halves[1])
    }

    func drawRequestDetail(_ record: RequestRecord, _ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let inside = paneBox(model, title: "\(record.method) \(record.path)", footer: "request \(record.requestID)").render(into: &grid, area: area)
        var lines: [(String, Style)] = [
            ("Time        \(Formatting.clockTime(record.at)) UTC", theme["body"]),
            ("Route       \(record.route)", theme["body"]),
            ("Status      \(statusBadge(record.status)) \(record.status)", statusStyle(record.status, theme)),
            ("Latency     \(Formatting.duration(microseconds: record.latencyMicroseconds))", theme["body"]),
            ("Size        \(Formatting.bytes(Int64(record.bytes)))", theme["body"]),
            ("User        \(record.user ?? "—")", theme["body"]),
            ("Request id  \(record.requestID)", theme["body"]),
        ]
        if let code = record.errorCode {
            lines.append(("Problem     \(code)", theme["status.error"]))
            for line in wrap(record.errorDetail ?? "", width: max(10, inside.width - 14)) {
                lines.append(("            " + line, theme["status.error"]))
            }
        }
        for (index, line) in lines.enumerated() where index < inside.height {
            grid.write(" " + line.0, x: inside.x, y: inside.y + index, style: line.1, maxWidth: inside.width)
        }
    }

    func formDialog(_ dialog: FormDialog, _ model: ConsoleModel) -> Dialog {
        let theme = model.theme
        var title = ""
        var lines: [(String, Style)] = []
        var trailing: [(String, Style)] = []
        let buttons = dialog.isSubmitting ? ["Saving…"] : ["Enter Apply", "Esc Cancel"]
        switch dialog.kind {
        case .adjust(let item):
            title = "Adjust stock · \(item.sku) \(item.product.name)"
            lines = [("On hand \(item.stock.onHand) · held \(item.stock.held) · allocated \(item.stock.allocated) · available \(item.stock.available)", theme["dialog"])]
            if let delta = Int64(dialog.form.text("Change by").replacingOccurrences(of: "+", with: "")) {
                trailing = [("After: on hand \(item.stock.onHand + delta) · available \(item.stock.available + delta)", theme["accent"])]
            }
        case .setCount(let item):
            title = "Set count · \(item.sku) \(item.product.name)"
            lines = [("You saw on hand \(item.stock.onHand) (held \(item.stock.held), allocated \(item.stock.allocated)).", theme["dialog"]),
                     ("If it changed meanwhile, nothing is written.", theme["muted"])]
            if let count = Int64(dialog.form.text("New count")) {
                let delta = count - item.stock.onHand
                trailing = [("Change \(delta >= 0 ? "+" : "")\(delta) · available after \(item.stock.available + delta)", theme["accent"])]
            }
        case .newProduct:
            title = "New product"
        case .editProduct(let item):
            title = "Edit \(item.sku)"
            lines = [("Version \(item.product.version): if someone changes it first, nothing is written.", theme["muted"])]
        case .newUser:
            title = "New user"
        case .changeRole(let user):
            title = "Role of \(user.email)"
            lines = [("Now \(user.role.rawValue).", theme["dialog"])]
        case .refund(let order):
            title = "Refund \(order.number)?"
            lines = [("\(order.email) · \(order.total) · \(order.status.label). This cannot be undone.", theme["dialog"])]
        case .slowerThan:
            title = "Only slower requests"
        }
        return Dialog(title: title, lines: lines, form: dialog.form, trailingLines: trailing, buttons: buttons, width: 86)
    }

    func statusBadge(_ status: Int) -> String {
        switch status {
        case ..<300: "✓"
        case ..<400: "→"
        case ..<500: "!"
        default: "✗"
        }
    }

    func statusStyle(_ status: Int, _ theme: Theme) -> Style {
        switch status {
        case ..<300: theme["status.ok"]
        case ..<400: theme["accent"]
        case ..<500: theme["status.warn"]
        default: theme["status.error"]
        }
    }
}
