import Foundation
import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

extension ConsoleProgram {
    func noServer(_ model: ConsoleModel, _ grid: inout CellGrid, _ inside: Rect) -> Bool {
        guard environment.serverLabel == nil else { return false }
        let lines = ["No server in this console.", "Run `backroom console` without --no-server to host the API here,",
                     "or `backroom console --attach URL --token T` to watch a running `backroom serve`."]
        for (index, line) in lines.enumerated() where index < inside.height {
            grid.write(" " + line, x: inside.x, y: inside.y + index, style: index == 0 ? model.theme["status.warn"] : model.theme["muted"], maxWidth: inside.width)
        }
        return true
    }

    func drawRequests(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let live = model.live
        let visible = live.visibleRecords()
        var title = "Requests · " + (live.isPaused ? "paused · \(Formatting.grouped(live.arrivedWhilePaused)) new" : "following")
        if let snapshot = live.snapshot { title += " · \(Formatting.rate(snapshot.requestsPerSecond))/s" }
        let missed = live.dropped + (live.snapshot?.droppedEvents ?? 0)
        if missed > 0 { title += " · \(Formatting.grouped(Int(missed))) sampled out" }
        var filters: [String] = []
        if live.errorsOnly { filters.append("errors") }
        if let statusClass = live.statusClass { filters.append("\(statusClass)xx") }
        if let slower = live.slowerThanMilliseconds { filters.append("> \(slower) ms") }
        if !live.text.isEmpty { filters.append("\"\(live.text)\"") }
        if !filters.isEmpty { title += " · filter " + filters.joined(separator: " ") }
        let inside = paneBox(model, title: title, footer: "\(Formatting.grouped(visible.count)) shown · buffer \(Formatting.grouped(live.records.count))/\(Formatting.grouped(LiveState.capacity))")
            .render(into: &grid, area: area)
        if noServer(model, &grid, inside) { return }
        let rowsAvailable = max(1, inside.height - 1)
        let selectedIndex = live.isPaused ? min(live.cursor, max(0, visible.count - 1)) : max(0, visible.count - 1)
        let end = live.isPaused ? min(visible.count, max(rowsAvailable, selectedIndex + 1)) : visible.count
        let start = max(0, end - rowsAvailable)
        let shown = Array(visible[start..<end])
        let columns = [
            TableColumn("Time", width: .fixed(12), priority: 1),
            TableColumn("Method", width: .fixed(6), priority: 0),
            TableColumn("Path", width: .flexible(minimum: 16), priority: 0),
            TableColumn("Status", width: .fixed(6), priority: 0),
            TableColumn("Latency", width: .fixed(8), alignment: .right, priority: 0),
            TableColumn("Size", width: .fixed(8), alignment: .right, priority: 3),
            TableColumn("User", width: .fixed(10), priority: 2),
            TableColumn("Request id", width: .fixed(12), priority: 4),
        ]
        let rows = shown.map { record in
            TableRow([
                Formatting.clockTime(record.at), record.method, record.path, "\(statusBadge(record.status)) \(record.status)",
                Formatting.duration(microseconds: record.latencyMicroseconds), Formatting.bytes(Int64(record.bytes)),
                record.user ?? "—", String(record.requestID.suffix(12)),
            ], cellStyles: [3: statusStyle(record.status, theme)])
        }
        let empty: String
        switch live.connection {
        case .disconnected(let reason, let retry): empty = "✗ Disconnected: \(reason). Retrying in \(retry) s."
        case .connecting: empty = "Connecting…"
        default: empty = live.records.count == 0 ? "Waiting for requests…" : "No request matches the filter."
        }
        table(model, columns: columns, rows: rows, selected: live.isPaused && !rows.isEmpty ? selectedIndex - start : nil,
              sortColumn: nil, ascending: true, empty: empty)
            .render(into: &grid, area: inside)
    }

    func drawMetrics(_ model: ConsoleModel, into grid: inout CellGrid, area: Rect) {
        let theme = model.theme
        let live = model.live
        let window = live.windowSeconds
        let windowLabel = window == 60 ? "last 1 min" : (window == 300 ? "last 5 min" : "last 15 min")
        let inside = paneBox(model, title: "Metrics · \(windowLabel) ([ ] to change)", footer: live.snapshot.map { "at \(Formatting.clockTime($0.at))" } ?? "")
            .render(into: &grid, area: area)
        if noServer(model, &grid, inside) { return }
        guard let snapshot = live.snapshot else {
            grid.write(" Waiting for the first metrics…", x: inside.x, y: inside.y, style: theme["muted"])
            return
        }
        let figures = snapshot.windows.first { $0.seconds == window } ?? snapshot.windows.last
        let points = Array(snapshot.points.suffix(window).dropLast())
        let labelWidth = 13
        let valueWidth = 9
        let chartX = inside.x + 1 + labelWidth + valueWidth
        let chartWidth = max(0, min(inside.maxX - chartX - 1, 60))
        var y = inside.y
        func row(_ label: String, _ value: String, _ values: [Double], style: Style) {
            guard y < inside.maxY else { return }
            grid.write(label, x: inside.x + 1, y: y, style: theme["body"].bolded, maxWidth: labelWidth)
            grid.write(value, x: inside.x + 1 + labelWidth, y: y, style: theme["body"], maxWidth: valueWidth)
            if chartWidth > 4 { Sparkline(values: values).render(into: &grid, area: Rect(x: chartX, y: y, width: chartWidth, height: 1), style: style) }
            y += 1
        }
        row("Requests/s", Formatting.rate(snapshot.requestsPerSecond), points.map { Double($0.requests) }, style: theme["chart.1"])
        let errorText = figures.map { Formatting.percent($0.requests > 0 ? Double($0.errors) / Double($0.requests) : 0) } ?? "0.0%"
        row("Errors 5xx", errorText, points.map { Double($0.errors) }, style: theme["status.error"])
        if y < inside.maxY {
            grid.write("4xx", x: inside.x + 1, y: y, style: theme["muted"])
            grid.write(Formatting.percent(snapshot.clientErrorRate), x: inside.x + 1 + labelWidth, y: y, style: theme["muted"])
            y += 1
        }
        if y < inside.maxY, let figures {
            let latency = "p50 \(Formatting.duration(microseconds: figures.p50Microseconds)) · p90 \(Formatting.duration(microseconds: figures.p90Microseconds)) · p99 \(Formatting.duration(microseconds: figures.p99Microseconds)) · max \(Formatting.duration(microseconds: figures.maxMicroseconds))"
            grid.write("Latency", x: inside.x + 1, y: y, style: theme["body"].bolded)
            grid.write(latency, x: inside.x + 1 + labelWidth, y: y, style: theme["body"], maxWidth: inside.width - labelWidth - 2)
            y += 1
            let chartHeight = inside.height >= 22 ? 2 : 1
            if y + chartHeight <= inside.maxY, chartWidth > 4 {
                BrailleChart(values: points.map { Double($0.p99Microseconds) }, useBraille: environment.supportsBraille)
                    .render(into: &grid, area: Rect(x: chartX, y: y, width: chartWidth, height: chartHeight), style: theme["chart.2"])
                grid.write("p99", x: inside.x + 1 + labelWidth, y: y + chartHeight - 1, style: theme["muted"])
                y += chartHeight
            }
        }
        if y < inside.maxY {
            grid.write("In flight", x: inside.x + 1, y: y, style: theme["body"].bolded)
            grid.write(Formatting.grouped(snapshot.inFlight), x: inside.x + 1 + labelWidth, y: y, style: theme["body"])
            let load = Gauge(ratio: Double(snapshot.inFlight) / 64, label: "\(snapshot.inFlight) of 64")
            if chartWidth > 10 { load.render(into: &grid, area: Rect(x: chartX, y: y, width: min(30, chartWidth), height: 1), theme: theme) }
            y += 1
        }
        // Routes
        let shopLines = 2
        let routesHeight = max(0, inside.maxY - y - shopLines - 2)
        if routesHeight >= 3 {
            let title = "─ Routes (by \(live.sortRoutesByP99 ? "p99" : "traffic"), t to sort by \(live.sortRoutesByP99 ? "traffic" : "p99")) "
            grid.write("├" + title + String(repeating: "─", count: max(0, area.width - DisplayWidth.of(title) - 2)) + "┤",
                       x: area.x, y: y, style: theme["border"])
            y += 1
            let routes = live.sortRoutesByP99 ? snapshot.routes.sorted { $0.p99Microseconds > $1.p99Microseconds } : snapshot.routes
            let columns = [
                TableColumn("Route", width: .flexible(minimum: 24), priority: 0),
                TableColumn("Count", width: .fixed(8), alignment: .right, priority: 0),
                TableColumn("Rate", width: .fixed(7), alignment: .right, priority: 1),
                TableColumn("Err%", width: .fixed(6), alignment: .right, priority: 1),
                TableColumn("p50", width: .fixed(8), alignment: .right, priority: 2),
                TableColumn("p99", width: .fixed(8), alignment: .right, priority: 0),
            ]
            let rows = routes.map { route in
                TableRow([
                    "\(route.method.padding(toLength: 5, withPad: " ", startingAt: 0))\(route.route)", Formatting.grouped(route.count),
                    "\(Formatting.rate(route.perSecond))/s", Formatting.percent(route.count > 0 ? Double(route.errors) / Double(route.count) : 0),
                    Formatting.duration(microseconds: route.p50Microseconds), Formatting.duration(microseconds: route.p99Microseconds),
                ], cellStyles: route.errors > 0 ? [3: theme["status.error"]] : [:])
            }
            table(model, columns: columns, rows: rows, selected: nil, sortColumn: live.sortRoutesByP99 ? 5 : 1, ascending: false, empty: "No requests yet.")
                .render(into: &grid, area: Rect(x: inside.x, y: y, width: inside.width, height: routesHeight))
            y += routesHeight
        }
        if y + 1 < inside.maxY + 1 {
            let title = "─ Shop "
            grid.write("├" + title + String(repeating: "─", count: max(0, area.width - DisplayWidth.of(title) - 2)) + "┤",
                       x: area.x, y: y, style: theme["border"])
            y += 1
        }
        if y < inside.maxY {
            let currency = environment.shop.currency
            let revenue = Money(minorUnits: figures.map { $0.revenueMinorUnits * 60 / Int64(max(1, $0.seconds)) } ?? 0, currency: currency)
            let orders = figures.map { Double($0.orders) * 60 / Double(max(1, $0.seconds)) } ?? 0
            var text = "Orders/min \(Formatting.rate(orders)) · Revenue/min \(revenue) · Refused for stock \(figures.map { Formatting.grouped($0.refusedForStock) } ?? "0")"
            if let summary = model.summary { text += " · Low-stock SKUs \(Formatting.grouped(summary.lowStockProducts))" }
            grid.write(" " + text, x: inside.x, y: y, style: theme["body"], maxWidth: inside.width)
            y += 1
        }
        if y < inside.maxY {
            var text = "Write txn/s \(Formatting.rate(snapshot.writeTransactionsPerSecond))"
            if let sizes = live.storeSizes { text = "Store \(Formatting.bytes(sizes.database)) · WAL \(Formatting.bytes(sizes.wal)) · " + text }
            grid.write(" " + text, x: inside.x, y: y, style: theme["body"], maxWidth: inside.width)
        }
    }
}
