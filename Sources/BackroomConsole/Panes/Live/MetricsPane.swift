import BackroomCore
import Foundation
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// The Metrics pane: rates, errors and latency over the last 1, 5 or 15
/// minutes as charts across the full width with their scale, the routes,
/// and the shop's own figures.
struct MetricsPane: ConsolePane {
    var windowSeconds = 300
    var sortRoutesByP99 = false

    var kind: PaneKind { .metrics }
    var hasDetail: Bool { false }
    var filterText: String { "" }

    mutating func reload(_ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func setFilter(_ text: String, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func receive(_ message: PaneMessage, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func closeDetail() -> Bool { false }

    mutating func perform(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome {
        let windows = [60, 300, 900]
        let index = windows.firstIndex(of: windowSeconds) ?? 1
        switch action {
        case .widerWindow: windowSeconds = windows[min(windows.count - 1, index + 1)]
        case .narrowerWindow: windowSeconds = windows[max(0, index - 1)]
        case .sortRoutes: sortRoutesByP99.toggle()
        case .reconnect:
            guard let reconnect = context.environment.reconnect else { return .flash("This console has no server to reconnect to.") }
            return PaneOutcome(commands: [Command { reconnect(); return nil }], flash: Flash("Reconnecting…"))
        default: break
        }
        return PaneOutcome()
    }

    func render(into grid: inout CellGrid, _ context: PaneContext) {
        let area = context.layout.pane
        let theme = context.theme
        let live = context.live
        let windowLabel = windowSeconds == 60 ? "last 1 min" : (windowSeconds == 300 ? "last 5 min" : "last 15 min")
        var title = "Metrics · \(windowLabel) ([ ] to change)"
        if live.isCluster { title = "Metrics · \(live.nodes.count) nodes, \(live.nodesUp) up · \(windowLabel) ([ ] to change)" }
        if case .disconnected = live.connection { title += " · disconnected" }
        let footer = live.isLive ? live.snapshot.map { "at \(Formatting.clockTime($0.at))" } ?? "" : (live.snapshot.map { "last at \(Formatting.clockTime($0.at))" } ?? "")
        Box(title: title, footer: footer, borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
        let inside = Box.inside(area)
        if RequestsPane.noServer(context, into: &grid, inside) { return }
        guard let snapshot = live.snapshot else {
            TextLine(" Waiting for the first metrics…", style: theme["muted"]).render(into: &grid, area: inside.row(0))
            return
        }
        let stale = !live.isLive
        let figures = snapshot.windows.first { $0.seconds == windowSeconds } ?? snapshot.windows.last
        let points = Array(snapshot.points.suffix(windowSeconds).dropLast())
        var y = inside.y
        let labelWidth = 12
        let valueWidth = 8

        // Requests and errors, side by side, each with its scale.
        let halves = Layout.horizontal(Rect(x: inside.x + 1, y: y, width: inside.width - 2, height: 1), [.fill(minimum: 20), .fixed(2), .fill(minimum: 20)])
        let requestValues = points.map { Double($0.requests) }
        let errorValues = points.map { $0.requests > 0 ? Double($0.errors) / Double($0.requests) : 0 }
        let rate = stale ? "—" : Formatting.rate(snapshot.requestsPerSecond)
        chartRow(into: &grid, area: halves[0], label: "Requests/s", value: rate, values: requestValues,
                 scale: "max \(Formatting.rate(requestValues.max() ?? 0))", style: theme["chart.1"], context)
        let errorText = figures.map { Formatting.percent($0.requests > 0 ? Double($0.errors) / Double($0.requests) : 0) } ?? "0.0%"
        chartRow(into: &grid, area: halves[2], label: "Errors 5xx", value: stale ? "—" : errorText, values: errorValues,
                 scale: "max \(Formatting.percent(errorValues.max() ?? 0))", style: theme["status.error"], context)
        y += 1
        if y < inside.maxY {
            TextLine("4xx", style: theme["muted"]).render(into: &grid, area: Rect(x: inside.x + 1, y: y, width: labelWidth, height: 1))
            TextLine(Formatting.percent(snapshot.clientErrorRate), style: theme["muted"]).render(into: &grid, area: Rect(x: inside.x + 1 + labelWidth, y: y, width: valueWidth, height: 1))
            y += 1
        }
        if y < inside.maxY, let figures {
            let latency = "p50 \(Formatting.duration(microseconds: figures.p50Microseconds)) · p90 \(Formatting.duration(microseconds: figures.p90Microseconds)) · p99 \(Formatting.duration(microseconds: figures.p99Microseconds)) · max \(Formatting.duration(microseconds: figures.maxMicroseconds))"
            TextLine("Latency", style: theme["body"].bolded).render(into: &grid, area: Rect(x: inside.x + 1, y: y, width: labelWidth, height: 1))
            TextLine(latency, style: theme["body"]).render(into: &grid, area: Rect(x: inside.x + 1 + labelWidth, y: y, width: inside.width - labelWidth - 2, height: 1))
            y += 1
            let chartHeight = inside.height >= 22 ? 2 : 1
            if y + chartHeight <= inside.maxY {
                let p99 = points.map { Double($0.p99Microseconds) }
                let scale = "max \(Formatting.duration(microseconds: UInt64(p99.max() ?? 0)))"
                let chartArea = Rect(x: inside.x + 1 + labelWidth, y: y, width: max(0, inside.width - labelWidth - DisplayWidth.of(scale) - 4), height: chartHeight)
                TextLine("p99", style: theme["muted"]).render(into: &grid, area: Rect(x: inside.x + 1, y: y + chartHeight - 1, width: labelWidth, height: 1))
                if chartArea.width > 4 {
                    BrailleChart(values: p99, useBraille: context.environment.supportsBraille, style: theme["chart.2"]).render(into: &grid, area: chartArea)
                    TextLine(scale, style: theme["muted"]).render(into: &grid, area: Rect(x: chartArea.maxX + 1, y: y, width: DisplayWidth.of(scale) + 1, height: 1))
                }
                y += chartHeight
            }
        }
        if y < inside.maxY {
            TextLine("In flight", style: theme["body"].bolded).render(into: &grid, area: Rect(x: inside.x + 1, y: y, width: labelWidth, height: 1))
            TextLine(Formatting.grouped(snapshot.inFlight), style: theme["body"]).render(into: &grid, area: Rect(x: inside.x + 1 + labelWidth, y: y, width: valueWidth, height: 1))
            let gaugeX = inside.x + 1 + labelWidth + valueWidth
            if inside.maxX - gaugeX > 12 {
                Gauge(ratio: Double(snapshot.inFlight) / 64, label: "\(snapshot.inFlight) of 64", theme: theme)
                    .render(into: &grid, area: Rect(x: gaugeX, y: y, width: min(30, inside.maxX - gaugeX - 1), height: 1))
            }
            y += 1
        }
        // Each node, when watching several: the cluster's figures above are theirs summed.
        if live.isCluster && y + 2 < inside.maxY {
            separator(into: &grid, area: area, y: y, title: "Nodes (figures above: every up node together)", context)
            y += 1
            let height = min(live.nodes.count + 1, max(2, inside.maxY - y - 6))
            Self.nodesTable(live, now: context.now, theme: theme).render(into: &grid, area: Rect(x: inside.x, y: y, width: inside.width, height: height))
            y += height
        }
        // Routes, then the shop.
        let shopLines = 2
        let routesHeight = max(0, inside.maxY - y - shopLines - 2)
        if routesHeight >= 3 {
            separator(into: &grid, area: area, y: y, title: "Routes (by \(sortRoutesByP99 ? "p99" : "traffic"), t to sort by \(sortRoutesByP99 ? "traffic" : "p99"))", context)
            y += 1
            let routes = sortRoutesByP99 ? snapshot.routes.sorted { $0.p99Microseconds > $1.p99Microseconds } : snapshot.routes
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
            Table(
                columns: columns, rows: rows, sortColumn: sortRoutesByP99 ? 5 : 1, sortAscending: false, headerStyle: theme["table.header"],
                rowStyle: theme["body"], alternateRowStyle: theme["table.alt_row"], cursorStyle: theme["table.cursor"], emptyText: "No requests yet."
            ).render(into: &grid, area: Rect(x: inside.x, y: y, width: inside.width, height: routesHeight))
            y += routesHeight
        }
        if y < inside.maxY {
            separator(into: &grid, area: area, y: y, title: "Shop", context)
            y += 1
        }
        if y < inside.maxY {
            let currency = context.shop.currency
            let revenue = Money(minorUnits: figures.map { $0.revenueMinorUnits * 60 / Int64(max(1, $0.seconds)) } ?? 0, currency: currency)
            let orders = figures.map { Double($0.orders) * 60 / Double(max(1, $0.seconds)) } ?? 0
            var text = "Orders/min \(Formatting.rate(orders)) · Revenue/min \(revenue) · Refused for stock \(figures.map { Formatting.grouped($0.refusedForStock) } ?? "0")"
            if let summary = context.summary { text += " · Low-stock SKUs \(Formatting.grouped(summary.lowStockProducts))" }
            TextLine(" " + text, style: theme["body"]).render(into: &grid, area: inside.row(y - inside.y))
            y += 1
        }
        if y < inside.maxY {
            var text = "Write txn/s \(Formatting.rate(snapshot.writeTransactionsPerSecond))"
            if let sizes = live.storeSizes { text = "Store \(Formatting.bytes(sizes.database)) · WAL \(Formatting.bytes(sizes.wal)) · " + text }
            TextLine(" " + text, style: theme["body"]).render(into: &grid, area: inside.row(y - inside.y))
        }
    }

    /// One row per node: whether its stream is up, and its own figures.
    static func nodesTable(_ live: LiveStatus, now: Timestamp, theme: Theme) -> Table {
        let columns = [
            TableColumn("Node", width: .flexible(minimum: 12), priority: 0),
            TableColumn("State", width: .fixed(14), priority: 0),
            TableColumn("Req/s", width: .fixed(8), alignment: .right, priority: 0),
            TableColumn("p99", width: .fixed(8), alignment: .right, priority: 0),
            TableColumn("Err%", width: .fixed(6), alignment: .right, priority: 1),
            TableColumn("In flight", width: .fixed(9), alignment: .right, priority: 1),
            TableColumn("URL", width: .flexible(minimum: 16), priority: 2),
        ]
        let rows = live.nodeNames.map { name -> TableRow in
            let node = live.nodes[name]!
            let state: String
            let style: Style
            // A node that was up and lost its stream stays "down" while the
            // stream retries, with how long it has been down.
            let down = node.downSince.map { "✗ down \(Formatting.grouped(Int(max(0, (now.millisecondsSince1970 - $0.millisecondsSince1970) / 1000)))) s" }
            switch node.connection {
            case .connected, .local:
                (state, style) = ("● up", theme["status.ok"])
            case .connecting, nil:
                (state, style) = down.map { ($0, theme["status.error"]) } ?? ("… connecting", theme["status.warn"])
            case .disconnected:
                (state, style) = (down ?? "✗ unreachable", theme["status.error"])
            }
            // A down node's last figures would read as current: dashes instead.
            let figures = node.isUp ? node.snapshot : nil
            return TableRow([
                name, state, figures.map { Formatting.rate($0.requestsPerSecond) } ?? "—",
                figures.map { Formatting.duration(microseconds: $0.p99Microseconds) } ?? "—",
                figures.map { Formatting.percent($0.errorRate) } ?? "—", figures.map { Formatting.grouped($0.inFlight) } ?? "—", node.url,
            ], cellStyles: [1: style])
        }
        return Table(
            columns: columns, rows: rows, headerStyle: theme["table.header"], rowStyle: theme["body"],
            alternateRowStyle: theme["table.alt_row"], cursorStyle: theme["table.cursor"], emptyText: "Looking for nodes…"
        )
    }

    /// `Requests/s   212  ▁▂▃▅▆▇█▇▆▅  max 340`: label, value, a chart as
    /// wide as the area allows, and the top of its scale.
    private func chartRow(
        into grid: inout CellGrid, area: Rect, label: String, value: String, values: [Double], scale: String, style: Style, _ context: PaneContext
    ) {
        let theme = context.theme
        let labelWidth = 12
        let valueWidth = 8
        TextLine(label, style: theme["body"].bolded).render(into: &grid, area: Rect(x: area.x, y: area.y, width: labelWidth, height: 1))
        TextLine(value, style: theme["body"]).render(into: &grid, area: Rect(x: area.x + labelWidth, y: area.y, width: valueWidth, height: 1))
        let scaleWidth = DisplayWidth.of(scale)
        let chart = Rect(x: area.x + labelWidth + valueWidth, y: area.y, width: max(0, area.width - labelWidth - valueWidth - scaleWidth - 1), height: 1)
        guard chart.width > 4 else { return }
        Sparkline(values: values, style: style).render(into: &grid, area: chart)
        TextLine(scale, style: theme["muted"]).render(into: &grid, area: Rect(x: chart.maxX + 1, y: area.y, width: scaleWidth, height: 1))
    }

    private func separator(into grid: inout CellGrid, area: Rect, y: Int, title: String, _ context: PaneContext) {
        let text = "─ \(title) "
        grid.write("├" + text + String(repeating: "─", count: max(0, area.width - DisplayWidth.of(text) - 2)) + "┤", x: area.x, y: y, style: context.theme["border"])
    }
}
