import BackroomCore
import BackroomServices
import BackroomTransfer
import Foundation
import TerminalKit

/// The stock take: built for a barcode scanner that types like a keyboard.
/// Type or scan a SKU + Enter, type the counted quantity + Enter (empty
/// means one), next. Each count is kept in the store's draft at once, so a
/// crash loses nothing; Ctrl-S commits every count as a compare-and-set
/// `cycle_count`, and counts whose on hand moved meanwhile stay for a
/// recount.
struct StockTakePane: ConsolePane {
    enum Field: Sendable { case sku, quantity }

    enum Payload: Sendable {
        case opened(Result<StockTake, BackroomError>)
        case lookedUp(sku: String, Result<InventoryItem, BackroomError>)
        case counted(sku: String, quantity: Int64, Result<StockTake, BackroomError>)
        case changed(Result<StockTake, BackroomError>)
        case committed(Result<StockTakeCommit, BackroomError>)
        case discarded(Result<Bool, BackroomError>)
    }

    var take: StockTake?
    var field = Field.sku
    var skuInput = TextInput(maximumLength: 64)
    var quantityInput = TextInput(maximumLength: 10)
    /// The SKU waiting for its quantity, and what the store says of it.
    var pending: (sku: String, item: InventoryItem?)?
    var repeatScan = RepeatScan.add
    var message: (text: String, isError: Bool)?
    var isOpening = false

    var kind: PaneKind { .stockTake }
    var hasDetail: Bool { false }
    var filterText: String { "" }
    var takesTypedKeys: Bool { true }

    mutating func reload(_ context: PaneContext) -> PaneOutcome {
        guard take == nil, !isOpening else { return PaneOutcome() }
        isOpening = true
        let (inventory, principal) = (context.shop.inventory, context.principal)
        return .run([Command { .pane(.stockTake, .detail(Payload.opened(await .catching { try await inventory.openStockTake(by: principal) }))) }])
    }

    mutating func setFilter(_ text: String, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func closeDetail() -> Bool { false }

    // MARK: Typing

    mutating func typed(_ key: Key, _ context: PaneContext) -> PaneOutcome? {
        switch key {
        case .enter:
            return field == .sku ? submitSKU(context) : submitQuantity(context)
        case .tab, .backTab:
            if field == .quantity || pending != nil { field = field == .sku ? .quantity : .sku }
            return PaneOutcome()
        case .escape:
            if field == .quantity {
                pending = nil
                quantityInput.set("")
                field = .sku
                message = ("Count cancelled; nothing recorded.", false)
                return PaneOutcome()
            }
            if !skuInput.isEmpty {
                skuInput.set("")
                return PaneOutcome()
            }
            // The take stays as a draft: `C` or `:count` resumes it.
            return PaneOutcome(navigation: .pane(.inventory))
        default:
            if field == .sku { return skuInput.handle(key) ? PaneOutcome() : nil }
            return quantityInput.handle(key) ? PaneOutcome() : nil
        }
    }

    private mutating func submitSKU(_ context: PaneContext) -> PaneOutcome {
        let sku = skuInput.value.trimmingWhitespace()
        guard !sku.isEmpty else { return PaneOutcome() }
        skuInput.set("")
        pending = (sku, nil)
        field = .quantity
        let (inventory, principal) = (context.shop.inventory, context.principal)
        return .run([Command {
            let result: Result<InventoryItem, BackroomError> = await .catching {
                try await inventory.item(try SKU(sku), by: principal)
            }
            return .pane(.stockTake, .detail(Payload.lookedUp(sku: sku, result)))
        }])
    }

    private mutating func submitQuantity(_ context: PaneContext) -> PaneOutcome {
        guard let pending, let take else { return PaneOutcome() }
        let text = quantityInput.value.trimmingWhitespace()
        let quantity: Int64
        switch text.isEmpty ? .success(1) : FieldParsing.whole(text, allowSign: false) {
        case .success(let value): quantity = value
        case .failure(let reason):
            message = ("✗ Quantity \(reason).", true)
            return PaneOutcome()
        }
        quantityInput.set("")
        field = .sku
        self.pending = nil
        let (inventory, principal, mode) = (context.shop.inventory, context.principal, repeatScan)
        return .run([Command {
            let result: Result<StockTake, BackroomError> = await .catching {
                try await inventory.count(pending.sku, quantity: quantity, in: take, repeat: mode, by: principal)
            }
            return .pane(.stockTake, .detail(Payload.counted(sku: pending.sku, quantity: quantity, result)))
        }])
    }

    // MARK: Actions

    mutating func perform(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome {
        guard let take else { return PaneOutcome() }
        let (inventory, principal) = (context.shop.inventory, context.principal)
        switch action {
        case .toggleRepeatScan:
            repeatScan = repeatScan == .add ? .replace : .add
            message = (repeatScan == .add ? "A SKU scanned again adds up." : "A SKU scanned again replaces its count.", false)
        case .undoLastCount:
            guard let latest = take.lines.first else { return .flash("Nothing counted yet.") }
            return .run([Command {
                .pane(.stockTake, .detail(Payload.changed(await .catching { try await inventory.remove(latest.sku, from: take, by: principal) })))
            }])
        case .commitStockTake:
            let counted = take.lines.filter { !$0.needsRecount }
            guard !counted.isEmpty else { return .flash("✗ Nothing to commit: count something first.", error: true) }
            let command = Command<ConsoleMessage> {
                .pane(.stockTake, .detail(Payload.committed(await .catching { try await inventory.commit(take, by: principal) })))
            }
            let variance = take.unitVariance
            return PaneOutcome(confirmation: Confirmation(
                title: "Commit \(Formatting.count(counted.count, "count"))?",
                message: "Each becomes a cycle-count ledger row if on hand is still what it was when scanned; "
                    + "variance \(variance > 0 ? "+" : "")\(variance) units (\(Self.value(take.valueVarianceMinorUnits, context))). "
                    + "Counts whose on hand moved stay here for a recount.",
                commands: [command]
            ))
        case .discardStockTake:
            let command = Command<ConsoleMessage> {
                .pane(.stockTake, .detail(Payload.discarded(await .catching { try await inventory.discard(take, by: principal); return true })))
            }
            return PaneOutcome(confirmation: Confirmation(
                title: "Discard the stock take?", message: "\(Formatting.count(take.lines.count, "count")) are dropped; nothing is written.",
                commands: [command]
            ))
        default:
            break
        }
        return PaneOutcome()
    }

    static func value(_ minorUnits: Int64, _ context: PaneContext) -> String {
        let money = Money(minorUnits: minorUnits, currency: context.shop.currency)
        return minorUnits > 0 ? "+\(money)" : money.formatted
    }

    // MARK: Answers

    mutating func receive(_ message: PaneMessage, _ context: PaneContext) -> PaneOutcome {
        guard case .detail(let payload) = message, let payload = payload as? Payload else { return PaneOutcome() }
        switch payload {
        case .opened(let result):
            isOpening = false
            switch result {
            case .success(let opened):
                take = opened
                if !opened.lines.isEmpty {
                    self.message = ("Resumed the take started \(Formatting.relative(opened.startedAt, now: context.now)): "
                        + "\(Formatting.count(opened.lines.count, "SKU")) counted.", false)
                }
            case .failure(let error):
                self.message = ("✗ " + error.message, true)
            }
        case .lookedUp(let sku, let result):
            guard pending?.sku == sku else { return PaneOutcome() }
            switch result {
            case .success(let item):
                pending?.item = item
            case .failure(let error):
                pending = nil
                quantityInput.set("")
                field = .sku
                self.message = ("✗ \(error.message)", true)
                return PaneOutcome(clipboard: nil)
            }
        case .counted(let sku, let quantity, let result):
            switch result {
            case .success(let updated):
                take = updated
                if let line = updated.lines.first(where: { $0.sku.rawValue.caseInsensitiveCompare(sku) == .orderedSame }) {
                    let again = line.scans > 1 ? (repeatScan == .add ? " (+\(quantity), scanned \(line.scans)×)" : " (replaced)") : ""
                    self.message = ("\(line.sku): counted \(line.counted)\(again) · expected \(line.expected) · difference "
                        + "\(line.difference > 0 ? "+" : "")\(line.difference)", false)
                }
            case .failure(let error):
                self.message = ("✗ \(sku): \(error.message)", true)
            }
        case .changed(let result):
            switch result {
            case .success(let updated): take = updated
            case .failure(let error): self.message = ("✗ " + error.message, true)
            }
        case .committed(let result):
            switch result {
            case .success(let commit):
                take = commit.remaining
                var text = "✓ \(Formatting.count(commit.applied.count, "count")) written, \(commit.unchanged.count) unchanged"
                if let first = commit.conflicts.first {
                    text += "; \(commit.conflicts.count) not written, to recount (\(first.reason.hasPrefix(first.sku.rawValue) ? "" : "\(first.sku): ")\(first.reason))"
                }
                self.message = (text, !commit.conflicts.isEmpty)
                var outcome = PaneOutcome.flash(text, error: !commit.conflicts.isEmpty)
                if take == nil { outcome = outcome + reload(context) }
                return outcome
            case .failure(let error):
                self.message = ("✗ " + error.message, true)
            }
        case .discarded(let result):
            switch result {
            case .success:
                take = nil
                self.message = ("Discarded; nothing was written.", false)
                return reload(context)
            case .failure(let error):
                self.message = ("✗ " + error.message, true)
            }
        }
        return PaneOutcome()
    }

    // MARK: Export

    /// The variance report: expected, counted and the difference in units
    /// and at the product's price, by SKU.
    func export(to path: String, _ context: PaneContext) -> PaneOutcome? {
        guard let take else { return .flash("✗ The stock take is still opening.", error: true) }
        let header = ["sku", "name", "expected", "counted", "difference", "unit_price", "value_difference", "scans", "needs_recount"]
        let rows = take.lines.map { line in
            [
                line.sku.rawValue, line.name, String(line.expected), String(line.counted), String(line.difference), line.unitPrice.decimalString,
                Money(minorUnits: line.difference * line.unitPrice.minorUnits, currency: line.unitPrice.currency).decimalString,
                String(line.scans), line.needsRecount ? "yes" : "no",
            ]
        }
        return .run([ExportCommand.write(path: path, header: header, rows: rows, context)])
    }

    // MARK: Drawing

    func render(into grid: inout CellGrid, _ context: PaneContext) {
        let theme = context.theme
        let area = context.layout.pane
        var title = "Stock take"
        if let take {
            title += " #\(take.id) · \(Formatting.count(take.lines.count, "SKU")) counted · variance "
                + "\(take.unitVariance > 0 ? "+" : "")\(take.unitVariance) units (\(Self.value(take.valueVarianceMinorUnits, context)))"
        } else {
            title += " · opening…"
        }
        title += " · repeat: \(repeatScan.rawValue)"
        Box(title: title, footer: "scan or type a SKU, Enter, the quantity (empty: 1), Enter", borderStyle: theme["border"], titleStyle: theme["title"])
            .render(into: &grid, area: area)
        let inside = Box.inside(area)
        guard inside.height >= 4 else { return }
        // The two fields, the focused one highlighted.
        let row = inside.row(0)
        grid.write(" SKU ", x: row.x, y: row.y, style: field == .sku ? theme["accent"].bolded : theme["body"])
        skuInput.render(into: &grid, area: Rect(x: row.x + 5, y: row.y, width: 24, height: 1), style: field == .sku ? theme["input.focus"] : theme["input"],
                        focused: field == .sku)
        grid.write("  Quantity ", x: row.x + 29, y: row.y, style: field == .quantity ? theme["accent"].bolded : theme["body"])
        quantityInput.render(into: &grid, area: Rect(x: row.x + 40, y: row.y, width: 10, height: 1),
                             style: field == .quantity ? theme["input.focus"] : theme["input"], focused: field == .quantity)
        if let pending {
            let text: String
            if let item = pending.item {
                let line = take?.lines.first { $0.sku == item.sku }
                text = "\(item.sku) · \(item.product.name) · on hand \(item.stock.onHand)" + (line.map { " · counted so far \($0.counted)" } ?? "")
            } else {
                text = "\(pending.sku) · looking it up…"
            }
            TextLine(text, style: theme["muted"]).render(into: &grid, area: Rect(x: row.x + 52, y: row.y, width: max(0, row.width - 52), height: 1))
        }
        if let message {
            TextLine(" " + message.text, style: message.isError ? theme["status.error"] : theme["status.ok"]).render(into: &grid, area: inside.row(1))
        }
        let columns = [
            TableColumn("SKU", width: .fixed(14), priority: 0),
            TableColumn("Name", width: .flexible(minimum: 14), priority: 1),
            TableColumn("Expected", width: .fixed(9), alignment: .right, priority: 0),
            TableColumn("Counted", width: .fixed(9), alignment: .right, priority: 0),
            TableColumn("Diff", width: .fixed(8), alignment: .right, priority: 0),
            TableColumn("Value", width: .fixed(12), alignment: .right, priority: 2),
            TableColumn("Scans", width: .fixed(6), alignment: .right, priority: 3),
        ]
        let rows = (take?.lines ?? []).map { line in
            let difference = line.needsRecount ? "recount" : (line.difference > 0 ? "+" : "") + Formatting.grouped(line.difference)
            let style = line.needsRecount ? theme["status.warn"] : (line.difference == 0 ? theme["status.ok"] : theme["status.error"])
            return TableRow([
                line.sku.rawValue, line.name, Formatting.grouped(line.expected), line.needsRecount ? "—" : Formatting.grouped(line.counted), difference,
                line.needsRecount ? "—" : Self.value(line.difference * line.unitPrice.minorUnits, context), String(line.scans),
            ], cellStyles: [4: style])
        }
        Table(
            columns: columns, rows: rows, headerStyle: theme["table.header"], rowStyle: theme["body"], alternateRowStyle: theme["table.alt_row"],
            cursorStyle: theme["table.cursor"], emptyText: "Nothing counted yet. Scan a SKU."
        ).render(into: &grid, area: inside.inset(top: 3))
    }
}
