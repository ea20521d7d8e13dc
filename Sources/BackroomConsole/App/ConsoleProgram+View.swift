import BackroomCore
import BackroomTelemetry
import TerminalKit

/// Draws the frame: header, tabs, the pane, the flash line, the footer (or
/// the line being typed), then the overlays, bottom first. Every position
/// comes from the layout.
extension ConsoleProgram {
    public func view(_ model: ConsoleModel, into grid: inout CellGrid) {
        let theme = model.theme
        grid.fill(grid.area, style: theme["body"])
        if model.isTooSmall {
            drawTooSmall(model, into: &grid)
            return
        }
        let layout = model.layout
        let context = context(model)
        drawHeader(model, into: &grid, area: layout.header)
        let panes = shownPanes(model)
        Tabs(titles: panes.map(\.title), active: panes.firstIndex(of: model.pane) ?? 0, theme: theme).render(into: &grid, area: layout.tabs)
        model.current.render(into: &grid, context)
        drawFlash(model, into: &grid, area: layout.flash)
        drawFooter(model, into: &grid, area: layout.footer)
        for overlay in model.overlays {
            switch overlay {
            case .help(let scroll):
                helpOverlay(model, scroll: scroll).render(into: &grid, area: Self.helpArea(layout))
            case .dialog(let dialog):
                dialog.widget(context).render(into: &grid, area: grid.area)
            case .confirm(let confirmation):
                var lines = Wrapping.words(confirmation.message, width: 54).map { ($0, theme["dialog"]) }
                lines.append(("", theme["dialog"]))
                lines.append(("y does it; n or Esc leaves everything as it is.", theme["muted"]))
                Dialog(title: confirmation.title, lines: lines, buttons: ["y Yes", "n No"], width: 60, theme: theme).render(into: &grid, area: grid.area)
            case .notice(let notice):
                let buttons = notice.copyable == nil ? ["Enter Close"] : ["y Copy", "Enter Close"]
                Dialog(title: notice.title, lines: notice.lines.map { ($0, theme["dialog"]) }, buttons: buttons, width: 64, theme: theme)
                    .render(into: &grid, area: grid.area)
            }
        }
    }

    func drawTooSmall(_ model: ConsoleModel, into grid: inout CellGrid) {
        let minimum = ConsoleLayout.minimumSize
        let lines = [
            "Terminal too small: \(model.size.width)×\(model.size.height); needs \(minimum.width)×\(minimum.height)",
            "Enlarge the window, or press q to quit.",
        ]
        for (index, line) in lines.enumerated() where index < model.size.height {
            let y = max(0, model.size.height / 2 - 1 + index)
            let x = max(0, (model.size.width - DisplayWidth.of(line)) / 2)
            TextLine(line, style: index == 0 ? model.theme["status.warn"] : model.theme["body"])
                .render(into: &grid, area: Rect(x: x, y: y, width: model.size.width - x, height: 1))
        }
    }

    func drawHeader(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        grid.fill(area, style: theme["header"])
        let who = " \(principal.name) (\(principal.role.rawValue))" + (environment.readOnly ? " · read-only" : "") + " "
        let whoWidth = min(DisplayWidth.of(who), area.width / 2)
        let brand = " Backroom "
        grid.write(brand, x: area.x, y: area.y, style: theme["header"].bolded)
        var x = area.x + DisplayWidth.of(brand)
        let room = max(0, area.maxX - whoWidth - x - 1)
        let status = serverStatus(model)
        // The server's state symbol carries a colour too (never the colour
        // alone). The live figures matter more than the file name: it goes
        // first when both do not fit.
        let statusParts: [(String, Style)] = [
            (status.label, theme["header"]),
            (status.symbol, theme["header"].merged(with: status.style)),
            (status.detail, theme["header"]),
        ]
        var parts = [(" \(environment.storeName) · ", theme["header"])] + statusParts
        if DisplayWidth.of(parts.map(\.0).joined()) > room { parts = [(" ", theme["header"])] + statusParts }
        let full = parts.map(\.0).joined()
        if DisplayWidth.of(full) <= room {
            for (text, style) in parts where !text.isEmpty {
                grid.write(text, x: x, y: area.y, style: style)
                x += DisplayWidth.of(text)
            }
        } else {
            TextLine(full, style: theme["header"]).render(into: &grid, area: Rect(x: x, y: area.y, width: room, height: 1))
        }
        TextLine(who, style: theme["header"].bolded).render(into: &grid, area: Rect(x: area.maxX - whoWidth, y: area.y, width: whoWidth, height: 1))
    }

    /// `api 127.0.0.1:8080 ● live · 212 req/s · p99 14 ms · 0.4% err`, and
    /// never a stale rate while disconnected.
    func serverStatus(_ model: ConsoleModel) -> (label: String, symbol: String, style: Style, detail: String) {
        let theme = model.theme
        guard let label = environment.serverLabel else { return ("", "○", theme["muted"], " no server") }
        switch model.live.connection {
        case .disconnected(let reason, let retry):
            let next = retry.map { "retry in \($0) s" } ?? "not retrying; :reconnect"
            return ("\(label) ", "✗", theme["status.error"], " disconnected (\(reason); \(next))")
        case .connecting, nil:
            return ("\(label) ", "…", theme["status.warn"], " connecting")
        case .local, .connected:
            var detail = " live"
            if model.live.isCluster { detail += " · \(model.live.nodesUp)/\(model.live.nodes.count) nodes" }
            if let snapshot = model.live.snapshot {
                detail += " · \(Formatting.rate(snapshot.requestsPerSecond)) req/s · p99 \(Formatting.duration(microseconds: snapshot.p99Microseconds))"
                detail += " · \(Formatting.percent(snapshot.errorRate)) err"
            }
            return ("\(label) ", "●", theme["status.ok"], detail)
        }
    }

    func drawFlash(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        guard let flash = model.flash else { return }
        let style = flash.isError ? model.theme["flash.error"] : model.theme["flash.ok"]
        TextLine(" " + flash.text, style: style).render(into: &grid, area: area)
    }

    func drawFooter(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        switch model.mode {
        case .filter(let input, _):
            drawInput(input, prompt: " / ", hint: "Enter keep · Esc undo", model, into: &grid, area: area)
        case .command:
            drawInput(model.commandLine.input, prompt: " : ", hint: "Enter run · ↑↓ history · Tab complete · Esc", model, into: &grid, area: area)
        case .normal:
            let typing = model.current.takesTypedKeys
            var hints = model.keyMap.hints(pane: model.pane, inDetail: model.inDetail, typing: typing)
            if model.inDetail || typing { hints.insert(("Esc", "back"), at: 0) }
            // Help and quit always show: the pane's hints give way first.
            let essential = hints.filter { $0.1 == "help" || $0.1 == "quit" }
            var others = hints.filter { $0.1 != "help" && $0.1 != "quit" }
            var trailer = ""
            if let pending = model.pendingCount { trailer = "count \(pending.digits)… " }
            let room = area.width - DisplayWidth.of(trailer)
            while !others.isEmpty, KeyHints.width(others + essential) > room { others.removeLast() }
            KeyHints(others + essential, theme: theme).render(into: &grid, area: area)
            if !trailer.isEmpty {
                grid.write(trailer, x: area.maxX - DisplayWidth.of(trailer), y: area.y, style: theme["key_hint.key"])
            }
        }
    }

    func drawInput(_ input: TextInput, prompt: String, hint: String, _ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        grid.fill(area, style: theme["key_hint"])
        grid.write(prompt, x: area.x, y: area.y, style: theme["key_hint.key"])
        let hintWidth = min(DisplayWidth.of(hint) + 1, max(0, area.width - 20))
        let inputArea = Rect(x: area.x + 3, y: area.y, width: max(1, area.width - 4 - hintWidth), height: 1)
        input.render(into: &grid, area: inputArea, style: theme["input.focus"], focused: true)
        TextLine(hint, style: theme["muted"]).render(into: &grid, area: Rect(x: area.maxX - hintWidth, y: area.y, width: hintWidth, height: 1))
    }
}
