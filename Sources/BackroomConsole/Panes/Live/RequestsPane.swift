import BackroomCore
import BackroomTelemetry
import Foundation
import TerminalKit

/// The Requests pane: the API's requests as they finish, followed or
/// paused, filtered, with a detail per request.
struct RequestsPane: ConsolePane {
    var live = LiveState()
    var detail: RequestRecord?

    var kind: PaneKind { .requests }
    var hasDetail: Bool { detail != nil }
    var filterText: String { live.text }

    mutating func reload(_ context: PaneContext) -> PaneOutcome { PaneOutcome() }

    mutating func setFilter(_ text: String, _ context: PaneContext) -> PaneOutcome {
        live.text = text
        live.scroll = 0
        return PaneOutcome()
    }

    mutating func receive(_ message: PaneMessage, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }

    mutating func receive(_ records: [RequestRecord]) {
        live.receive(records)
    }

    mutating func closeDetail() -> Bool {
        guard detail != nil else { return false }
        detail = nil
        return true
    }

    mutating func perform(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome {
        if let record = detail {
            if action == .copyKey { return PaneOutcome(flash: Flash("Copied \(record.requestID)"), clipboard: record.requestID) }
            return PaneOutcome()
        }
        let rows = context.rows
        switch action {
        case .togglePause:
            setPaused(!live.isPaused)
        case .errorsOnly:
            live.errorsOnly.toggle()
            live.scroll = 0
        case .cycleStatusClass:
            let cycle: [Int?] = [nil, 2, 4, 5]
            let index = cycle.firstIndex(of: live.statusClass) ?? 0
            live.statusClass = cycle[(index + 1) % cycle.count]
            live.scroll = 0
        case .slowerThan:
            return PaneOutcome(dialog: SlowerThanDialog(current: live.slowerThanMilliseconds))
        case .reconnect:
            guard let reconnect = context.environment.reconnect else { return .flash("This console has no server to reconnect to.") }
            return PaneOutcome(commands: [Command { reconnect(); return nil }], flash: Flash("Reconnecting…"))
        case .up, .pageUp, .halfPageUp, .top:
            // Looking back stops the list from moving under the cursor.
            if !live.isPaused { setPaused(true) }
            let step = action == .up ? max(1, count ?? 1) : (action == .halfPageUp ? rows / 2 : (action == .top ? Int.max / 2 : rows))
            moveCursor(by: -step)
        case .down, .pageDown, .halfPageDown, .bottom:
            let step = action == .down ? max(1, count ?? 1) : (action == .halfPageDown ? rows / 2 : (action == .bottom ? Int.max / 2 : rows))
            moveCursor(by: step)
        case .open:
            if let record = selectedRecord() { detail = record }
        case .copyKey, .copyRow:
            guard let record = selectedRecord() else { return PaneOutcome() }
            let text = action == .copyKey ? record.requestID : "\(record.method) \(record.path) \(record.status) \(record.latencyMicroseconds)µs \(record.requestID)"
            return PaneOutcome(flash: Flash("Copied request \(record.requestID)"), clipboard: text)
        default:
            break
        }
        return PaneOutcome()
    }

    mutating func setPaused(_ paused: Bool) {
        live.isPaused = paused
        if paused {
            live.pausedAtID = live.records.count > 0 ? live.records[live.records.count - 1].id : nil
            live.arrivedWhilePaused = 0
            live.cursor = max(0, live.visibleCount - 1)
        } else {
            live.pausedAtID = nil
            live.arrivedWhilePaused = 0
            live.scroll = 0
        }
    }

    /// The cursor is an index into the filtered records (oldest first).
    mutating func moveCursor(by delta: Int) {
        let count = live.visibleCount
        guard count > 0 else { return }
        let current = live.isPaused ? live.cursor : count - 1
        live.cursor = max(0, min(count - 1, current + delta))
    }

    /// The record under the cursor: the newest while following.
    func selectedRecord() -> RequestRecord? {
        guard live.isPaused else { return live.visibleRecords(newest: 1).last }
        let visible = live.visibleRecords()
        guard !visible.isEmpty else { return nil }
        return visible[min(live.cursor, visible.count - 1)]
    }

    mutating func click(row: Int, _ context: PaneContext) -> PaneOutcome {
        let count = live.visibleCount
        let (start, _) = shownRange(count, rows: context.rows)
        guard start + row < count else { return PaneOutcome() }
        if !live.isPaused { setPaused(true) }
        live.cursor = start + row
        return PaneOutcome()
    }

    /// Which records are on screen (oldest first), for `rows` rows.
    func shownRange(_ count: Int, rows: Int) -> (start: Int, end: Int) {
        let selectedIndex = live.isPaused ? min(live.cursor, max(0, count - 1)) : max(0, count - 1)
        let end = live.isPaused ? min(count, max(rows, selectedIndex + 1)) : count
        return (max(0, end - rows), end)
    }

    static func badge(_ status: Int) -> String {
        switch status {
        case ..<300: "✓"
        case ..<400: "→"
        case ..<500: "!"
        default: "✗"
        }
    }

    static func style(_ status: Int, _ theme: Theme) -> Style {
        switch status {
        case ..<300: theme["status.ok"]
        case ..<400: theme["accent"]
        case ..<500: theme["status.warn"]
        default: theme["status.error"]
        }
    }

    static func noServer(_ context: PaneContext, into grid: inout CellGrid, _ inside: Rect) -> Bool {
        guard context.environment.serverLabel == nil else { return false }
        let lines = ["No server in this console.", "Run `backroom console` without --no-server to host the API here,",
                     "or `backroom console --attach URL --token T` to watch a running `backroom serve`."]
        for (index, line) in lines.enumerated() where index < inside.height {
            TextLine(" " + line, style: index == 0 ? context.theme["status.warn"] : context.theme["muted"]).render(into: &grid, area: inside.row(index))
        }
        return true
    }

    /// `following · 212/s`, or `disconnected` (never a stale rate).
    static func liveState(_ status: LiveStatus) -> String? {
        switch status.connection {
        case .disconnected: "disconnected"
        case .connecting: "connecting…"
        default: status.snapshot.map { "\(Formatting.rate($0.requestsPerSecond))/s" }
        }
    }

    func render(into grid: inout CellGrid, _ context: PaneContext) {
        let area = context.layout.pane
        let theme = context.theme
        if let record = detail {
            renderDetail(record, into: &grid, area: area, context)
            return
        }
        let visibleCount = live.visibleCount
        var title = "Requests · " + (live.isPaused ? "paused · \(Formatting.grouped(live.arrivedWhilePaused)) new" : "following")
        if let state = Self.liveState(context.live) { title += " · \(state)" }
        let missed = live.dropped + (context.live.snapshot?.droppedEvents ?? 0)
        if missed > 0 { title += " · \(Formatting.grouped(Int(missed))) sampled out" }
        var filters: [String] = []
        if live.errorsOnly { filters.append("errors") }
        if let statusClass = live.statusClass { filters.append("\(statusClass)xx") }
        if let slower = live.slowerThanMilliseconds { filters.append("> \(slower) ms") }
        if !live.text.isEmpty { filters.append("\"\(live.text)\"") }
        if !filters.isEmpty { title += " · filter " + filters.joined(separator: " ") }
        let footer = "\(Formatting.grouped(visibleCount)) shown · buffer \(Formatting.grouped(live.records.count))/\(Formatting.grouped(LiveState.capacity))"
        Box(title: title, footer: footer, borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
        let inside = Box.inside(area)
        if Self.noServer(context, into: &grid, inside) { return }
        let (start, end) = shownRange(visibleCount, rows: context.rows)
        // Following, only the newest screenful is fetched from the ring.
        let shown = live.isPaused ? Array(live.visibleRecords()[start..<end]) : live.visibleRecords(newest: end - start)
        let cluster = context.live.isCluster
        var columns = [
            TableColumn("Time", width: .fixed(12), priority: 1),
            TableColumn("Method", width: .fixed(6), priority: 0),
            TableColumn("Path", width: .flexible(minimum: 16), priority: 0),
            TableColumn("Status", width: .fixed(6), priority: 0),
            TableColumn("Latency", width: .fixed(8), alignment: .right, priority: 0),
            TableColumn("Size", width: .fixed(8), alignment: .right, priority: 3),
            TableColumn("User", width: .fixed(10), priority: 2),
            TableColumn("Request id", width: .fixed(12), priority: 4),
        ]
        // Several nodes: which one served it (the filter matches node names too).
        if cluster { columns.insert(TableColumn("Node", width: .fixed(10), priority: 1), at: 1) }
        let statusColumn = cluster ? 4 : 3
        let rows = shown.map { record in
            var cells = [
                Formatting.clockTime(record.at), record.method, record.path, "\(Self.badge(record.status)) \(record.status)",
                Formatting.duration(microseconds: record.latencyMicroseconds), Formatting.bytes(Int64(record.bytes)),
                record.user ?? "—", String(record.requestID.suffix(12)),
            ]
            if cluster { cells.insert(record.node ?? "—", at: 1) }
            return TableRow(cells, cellStyles: [statusColumn: Self.style(record.status, theme)])
        }
        // A lost stream says why in full, above what was last received.
        var tableArea = inside
        if case .disconnected(let reason, let retry) = context.live.connection {
            let text = "✗ Disconnected: \(reason). " + (retry.map { "Retrying in \($0) s." } ?? "Not retrying; R reconnects.")
            let lines = Wrapping.words(text.replacingOccurrences(of: "..", with: "."), width: max(10, inside.width - 2))
            for (index, line) in lines.prefix(max(0, inside.height - 2)).enumerated() {
                TextLine(" " + line, style: theme["status.error"]).render(into: &grid, area: inside.row(index))
            }
            tableArea = inside.inset(top: min(lines.count, max(0, inside.height - 2)))
        }
        let empty: String
        switch context.live.connection {
        case .disconnected: empty = "Nothing received yet."
        case .connecting: empty = "Connecting…"
        default: empty = live.records.count == 0 ? "Waiting for requests…" : "No request matches the filter."
        }
        let selected = live.isPaused && !rows.isEmpty ? min(live.cursor, visibleCount - 1) - start : nil
        Table(
            columns: columns, rows: rows, selectedRow: selected, headerStyle: theme["table.header"], rowStyle: theme["body"],
            alternateRowStyle: theme["table.alt_row"], cursorStyle: theme["table.cursor"], emptyText: empty
        ).render(into: &grid, area: tableArea)
    }

    func renderDetail(_ record: RequestRecord, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {
        let theme = context.theme
        Box(title: "\(record.method) \(record.path)", footer: "request \(record.requestID)", borderStyle: theme["border"], titleStyle: theme["title"])
            .render(into: &grid, area: area)
        let inside = Box.inside(area)
        var lines: [(String, Style)] = [
            ("Time        \(Formatting.clockTime(record.at)) UTC", theme["body"]),
            ("Route       \(record.route)", theme["body"]),
            ("Status      \(Self.badge(record.status)) \(record.status)", Self.style(record.status, theme)),
            ("Latency     \(Formatting.duration(microseconds: record.latencyMicroseconds))", theme["body"]),
            ("Size        \(Formatting.bytes(Int64(record.bytes)))", theme["body"]),
            ("User        \(record.user ?? "—")", theme["body"]),
            ("Request id  \(record.requestID)", theme["body"]),
        ]
        if let node = record.node { lines.insert(("Node        \(node)", theme["body"]), at: 1) }
        if let code = record.errorCode {
            lines.append(("Problem     \(code)", theme["status.error"]))
            for line in Wrapping.words(record.errorDetail ?? "", width: max(10, inside.width - 14)) {
                lines.append(("            " + line, theme["status.error"]))
            }
        }
        for (index, line) in lines.enumerated() where index < inside.height {
            TextLine(" " + line.0, style: line.1).render(into: &grid, area: inside.row(index))
        }
    }
}
