import Foundation
import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// Draws the console: header, tabs, the pane in its box, the flash line and
/// the key hints (or the line being typed), then any overlay.
extension ConsoleProgram {
    public func view(_ model: ConsoleModel, into grid: inout CellGrid) {
        let theme = model.theme
        grid.fill(grid.area, style: theme["body"])
        if model.isTooSmall {
            drawTooSmall(model, into: &grid)
            return
        }
        let rows = Layout.vertical(grid.area, [.fixed(1), .fixed(1), .fill(minimum: 3), .fixed(1), .fixed(1)])
        drawHeader(model, into: &grid, area: rows[0])
        Tabs(titles: PaneKind.allCases.map(\.title), active: model.pane.rawValue).render(into: &grid, area: rows[1], theme: theme)
        drawPane(model, into: &grid, area: rows[2])
        drawFlash(model, into: &grid, area: rows[3])
        drawBottomLine(model, into: &grid, area: rows[4])
        switch model.overlay {
        case .help:
            HelpOverlay(title: "Keys", sections: model.keyMap.helpSections(pane: model.pane, inDetail: model.detail != nil))
                .render(into: &grid, area: grid.area.inset(top: 1, bottom: 1), theme: theme)
        case .form(let dialog):
            formDialog(dialog, model).render(into: &grid, area: grid.area, theme: theme)
        case .confirm(let confirm):
            Dialog(title: confirm.title, lines: wrap(confirm.message, width: 54).map { ($0, theme["dialog"]) },
                   buttons: ["y Yes", "n No"], width: 60).render(into: &grid, area: grid.area, theme: theme)
        case .notice(let title, let lines):
            Dialog(title: title, lines: lines.map { ($0, theme["dialog"]) }, buttons: ["Enter Close"], width: 64)
                .render(into: &grid, area: grid.area, theme: theme)
        case nil:
            break
        }
    }

    func drawTooSmall(_ model: ConsoleModel, into grid: inout CellGrid) {
        let lines = [
            "Terminal too small",
            "\(model.size.width)×\(model.size.height); Backroom needs \(ConsoleModel.minimumSize.width)×\(ConsoleModel.minimumSize.height).",
            "Enlarge the window, or press q to quit.",
        ]
        for (index, line) in lines.enumerated() {
            let y = max(0, model.size.height / 2 - 1 + index)
            let x = max(0, (model.size.width - DisplayWidth.of(line)) / 2)
            grid.write(line, x: x, y: y, style: index == 0 ? model.theme["status.warn"] : model.theme["body"], maxWidth: model.size.width)
        }
    }

    func drawHeader(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        grid.fill(area, style: theme["header"])
        let status = serverStatus(model)
        let who = " \(principal.name) (\(principal.role.rawValue))" + (model.readOnly ? " · read-only" : "") + " "
        let whoWidth = min(DisplayWidth.of(who), area.width / 3)
        grid.write(" Backroom ", x: area.x, y: area.y, style: theme["header"].bolded)
        let startX = area.x + DisplayWidth.of(" Backroom ")
        let room = max(0, area.maxX - whoWidth - startX - 1)
        let storeText = " \(environment.storeName) · "
        let text = DisplayWidth.truncate(storeText + status.text, to: room)
        grid.write(text, x: startX, y: area.y, style: theme["header"])
        // The server's state symbol carries a colour too (never the colour alone).
        let symbolX = startX + DisplayWidth.of(storeText) + (status.text.hasPrefix("○") ? 0 : DisplayWidth.of(String(status.text.prefix { String($0) != status.symbol })))
        if symbolX < startX + DisplayWidth.of(text) - 1 {
            grid.write(status.symbol, x: symbolX, y: area.y, style: theme["header"].merged(with: status.style))
        }
        grid.write(DisplayWidth.truncate(who, to: whoWidth), x: area.maxX - whoWidth, y: area.y, style: theme["header"].bolded)
    }

    /// `api 127.0.0.1:8080 ● live · 212 req/s · p99 14 ms · 0.4% err`
    func serverStatus(_ model: ConsoleModel) -> (text: String, symbol: String, style: Style) {
        let theme = model.theme
        guard let label = environment.serverLabel else { return ("○ no server", "○", theme["muted"]) }
        switch model.live.connection {
        case .disconnected(let reason, let retry):
            return ("\(label) ✗ disconnected (\(reason); retry in \(retry) s)", "✗", theme["status.error"])
        case .connecting, nil:
            return ("\(label) … connecting", "…", theme["status.warn"])
        case .local, .connected:
            var text = "\(label) ● live"
            if let snapshot = model.live.snapshot {
                text += " · \(Formatting.rate(snapshot.requestsPerSecond)) req/s · p99 \(Formatting.duration(microseconds: snapshot.p99Microseconds))"
                text += " · \(Formatting.percent(snapshot.errorRate)) err"
            }
            return (text, "●", theme["status.ok"])
        }
    }

    func drawFlash(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        guard let flash = model.flash else { return }
        grid.write(" " + flash.text, x: area.x, y: area.y, style: flash.isError ? model.theme["flash.error"] : model.theme["flash.ok"], maxWidth: area.width)
    }

    func drawBottomLine(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        switch model.mode {
        case .filter(let input):
            grid.write(" / ", x: area.x, y: area.y, style: theme["key_hint.key"])
            input.render(into: &grid, area: Rect(x: area.x + 3, y: area.y, width: max(1, area.width - 40), height: 1), style: theme["input.focus"], focused: true)
            grid.write("Enter keep · Esc clear", x: max(area.x, area.maxX - 24), y: area.y, style: theme["muted"])
        case .command(let input):
            grid.write(" : ", x: area.x, y: area.y, style: theme["key_hint.key"])
            input.render(into: &grid, area: Rect(x: area.x + 3, y: area.y, width: max(1, area.width - 40), height: 1), style: theme["input.focus"], focused: true)
            grid.write("Enter run · Esc cancel", x: max(area.x, area.maxX - 24), y: area.y, style: theme["muted"])
        case .normal:
            var hints = model.keyMap.hints(pane: model.pane, inDetail: model.detail != nil)
            if model.detail != nil { hints.insert(("Esc", "back"), at: 0) }
            // Help and quit always show: the pane's hints give way first.
            let essential = hints.filter { $0.1 == "help" || $0.1 == "quit" }
            var others = hints.filter { $0.1 != "help" && $0.1 != "quit" }
            let essentialWidth = essential.reduce(0) { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 3 }
            while !others.isEmpty, others.reduce(0, { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 3 }) + essentialWidth > area.width - 1 {
                others.removeLast()
            }
            KeyHints(others + essential).render(into: &grid, area: area, theme: theme)
        }
    }

    func drawPane(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        switch model.detail {
        case .product(let item, let ledger, let scroll):
            drawProductDetail(item, ledger: ledger, scroll: scroll, model, into: &grid, area: area)
            return
        case .order(let number, let detail):
            drawOrderDetail(number, detail, model, into: &grid, area: area)
            return
        case .request(let record):
            drawRequestDetail(record, model, into: &grid, area: area)
            return
        case nil:
            break
        }
        switch model.pane {
        case .inventory: drawInventory(model, into: &grid, area: area)
        case .orders: drawOrders(model, into: &grid, area: area)
        case .users: drawUsers(model, into: &grid, area: area)
        case .requests: drawRequests(model, into: &grid, area: area)
        case .metrics: drawMetrics(model, into: &grid, area: area)
        }
    }

    /// Words wrapped to `width` cells.
    func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) > width, !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    func paneBox(_ model: ConsoleModel, title: String, footer: String) -> Box {
        Box(title: title, footer: footer, borderStyle: model.theme["border"], titleStyle: model.theme["title"])
    }

    func table(_ model: ConsoleModel, columns: [TableColumn], rows: [TableRow], selected: Int?, sortColumn: Int?, ascending: Bool, empty: String) -> Table {
        let theme = model.theme
        return Table(
            columns: columns, rows: rows, selectedRow: selected, sortColumn: sortColumn, sortAscending: ascending,
            headerStyle: theme["table.header"], rowStyle: theme["body"], alternateRowStyle: theme["table.alt_row"],
            cursorStyle: theme["table.cursor"], emptyText: empty
        )
    }
}
