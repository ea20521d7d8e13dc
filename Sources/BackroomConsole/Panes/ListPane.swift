import BackroomCore
import BackroomServices
import TerminalKit

/// One list pane for every list: a keyset window of the rows on screen
/// (a million rows scroll as fast as ten), the filter, the sort, marks,
/// the cursor pinned to a row id, navigation, and the table. What is
/// listed, and what its rows can do, comes from the `Source`.
///
/// Keys that arrive while the rows they move through are still loading
/// wait in order and are replayed when the rows arrive, so no key is lost
/// and no action targets a row the operator cannot see.
struct ListPane<Source: ListSource>: ConsolePane {
    typealias Item = Source.Item

    var source: Source
    var list = ListState<Item>()
    /// Marked rows by id, in the order marked.
    var marked: [Int64: Item] = [:]
    var markOrder: [Int64] = []
    var detail: Source.Detail?
    /// Column identifiers shown, in order (nil: every column as declared).
    var columnOrder: [String]?
    /// Actions waiting for rows that are loading.
    var queued: [(action: ConsoleAction, count: Int?)] = []
    /// A reload asked for while rows were on their way: it runs when they
    /// arrive. (Starting it at once would drop the rows in flight; on a
    /// busy store, reloads asked for every second then never let any
    /// answer through, and the pane said "Loading…" for good.)
    var reloadWanted = false
    var matchSerial = 0
    /// The most rows `V` marks at once.
    static var markLimit: Int { 10_000 }

    init(source: Source, columns: [String]? = nil) {
        self.source = source
        columnOrder = columns
    }

    var kind: PaneKind { Source.kind }
    var hasDetail: Bool { detail != nil }
    var filterText: String { source.text ?? "" }
    var markedItems: [Item] { markOrder.compactMap { marked[$0] } }

    // MARK: Loading

    mutating func load(_ fetch: ListFetch, _ context: PaneContext) -> [Command<ConsoleMessage>] {
        let serial = list.begin()
        let limit = context.rows
        let source = self.source
        let kind = Source.kind
        return [Command {
            let result: Result<Window<Item>, BackroomError> = await .catching { try await source.load(fetch.window(limit: limit), context) }
            return .pane(kind, .rows(serial: serial, fetch: fetch, limit: limit, result: result))
        }]
    }

    mutating func count(_ context: PaneContext) -> [Command<ConsoleMessage>] {
        let serial = list.beginCount()
        let source = self.source
        let kind = Source.kind
        return [Command { .pane(kind, .counted(serial: serial, await .catching { try await source.count(context) })) }]
    }

    mutating func reload(_ context: PaneContext) -> PaneOutcome {
        if list.isLoading {
            reloadWanted = true
            return PaneOutcome()
        }
        var outcome = PaneOutcome(commands: load(list.reloadFetch, context) + count(context))
        if let detail { outcome.commands += source.refreshDetail(detail, context) }
        return outcome
    }

    mutating func reloadFromTop(_ context: PaneContext) -> PaneOutcome {
        queued.removeAll()
        return PaneOutcome(commands: load(.first, context) + count(context))
    }

    mutating func setFilter(_ text: String, _ context: PaneContext) -> PaneOutcome {
        source.text = text.trimmingWhitespace().isEmpty ? nil : text
        return reloadFromTop(context)
    }

    // MARK: Actions

    mutating func perform(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome {
        if var open = detail {
            let outcome = source.performInDetail(action, &open, count: count, context)
            detail = open
            return outcome
        }
        // Rows are on their way: this key waits for them, in order.
        if list.isLoading {
            queued.append((action, count))
            return PaneOutcome()
        }
        return act(action, count: count, context)
    }

    private mutating func act(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome {
        if let commands = navigate(action, times: count ?? 1, rows: context.rows, context) { return .run(commands) }
        let selected = list.selected
        switch action {
        case .open:
            guard let selected else { return PaneOutcome() }
            let (opened, outcome) = source.openDetail(selected, context)
            detail = opened
            return outcome
        case .nextSortColumn:
            let keys = Source.sortKeys
            let index = source.sortKey.flatMap { keys.firstIndex(of: $0) } ?? -1
            source.sort(by: keys[(index + 1) % keys.count], ascending: true)
            return PaneOutcome(commands: load(.first, context))
        case .flipSort:
            guard let key = source.sortKey else { return PaneOutcome() }
            source.sort(by: key, ascending: !source.sortAscending)
            return PaneOutcome(commands: load(.first, context))
        case .mark:
            guard let selected else { return PaneOutcome() }
            if marked.removeValue(forKey: selected.id) != nil {
                markOrder.removeAll { $0 == selected.id }
            } else {
                marked[selected.id] = selected
                markOrder.append(selected.id)
            }
            return .run(navigate(.down, times: 1, rows: context.rows, context) ?? [])
        case .markAllMatching:
            return markAllMatching(context)
        case .clearMarks:
            let cleared = marked.count
            clearMarks()
            return .flash(cleared == 0 ? "No marks to clear." : "\(Formatting.count(cleared, "mark")) cleared.")
        case .copyKey:
            guard let selected else { return PaneOutcome() }
            let key = source.key(of: selected)
            return PaneOutcome(flash: Flash("Copied \(key)"), clipboard: key)
        case .copyRow:
            guard let selected else { return PaneOutcome() }
            let text = shownColumns.map { $0.cell(selected, context).text }.joined(separator: "\t")
            return PaneOutcome(flash: Flash("Copied the row of \(source.key(of: selected))"), clipboard: text)
        default:
            let step = source.perform(action, selected: selected, marked: markedItems, count: count, context)
            return step.reloadsList ? step.outcome + reloadFromTop(context) : step.outcome
        }
    }

    mutating func clearMarks() {
        marked.removeAll()
        markOrder.removeAll()
    }

    /// `V`: marks every row the filter matches, up to `markLimit`.
    mutating func markAllMatching(_ context: PaneContext) -> PaneOutcome {
        if let total = list.total, total > Self.markLimit {
            return .flash("✗ The filter matches \(Formatting.grouped(total)) rows; narrow it to at most \(Formatting.grouped(Self.markLimit)) to mark them all.", error: true)
        }
        matchSerial += 1
        let (serial, source, kind, limit) = (matchSerial, self.source, Source.kind, Self.markLimit)
        return .run([Command {
            let result: Result<[Item], BackroomError> = await .catching {
                var items: [Item] = []
                var window = ListWindow(anchor: .first, limit: ListWindow.maximumLimit)
                while items.count <= limit {
                    let page = try await source.load(window, context)
                    items += page.items
                    guard page.hasMoreAfter, let last = page.keys.last else { break }
                    window = ListWindow(anchor: .after(last), limit: ListWindow.maximumLimit)
                }
                guard items.count <= limit else {
                    throw BackroomError.validation("filter", "The filter matches more than \(Formatting.grouped(limit)) rows; narrow it first.")
                }
                return items
            }
            return .pane(kind, .matching(serial: serial, result: result))
        }])
    }

    /// Moves the cursor `times` rows (or pages); fetches the window it
    /// moves into. Nil for actions that are not movements.
    mutating func navigate(_ action: ConsoleAction, times: Int, rows: Int, _ context: PaneContext) -> [Command<ConsoleMessage>]? {
        let count = list.items.count
        switch action {
        case .down, .up:
            let step = action == .down ? max(1, times) : -max(1, times)
            let target = list.cursor + step
            if target >= 0 && target < count {
                list.select(target)
                return []
            }
            if step > 0 {
                guard list.hasMoreAfter, count > 1 else {
                    list.select(count - 1)
                    return []
                }
                // Slide the window so the target is its last row.
                let slide = min(target - (count - 1), count - 1)
                let remaining = target - (count - 1) - slide
                if remaining > 0 { queued.insert((.down, remaining), at: 0) }
                list.selectedID = nil
                list.cursor = count - 1
                return load(.slideDown(from: list.keys[slide], by: slide), context)
            }
            guard list.hasMoreBefore, let first = list.keys.first else {
                list.select(0)
                return []
            }
            let remaining = -target - 1
            if remaining > 0 { queued.insert((.up, remaining), at: 0) }
            return load(.lineBefore(first), context)
        case .pageDown, .pageUp:
            var commands: [Command<ConsoleMessage>] = []
            if times > 1 { queued.insert((action, times - 1), at: 0) }
            if action == .pageDown {
                guard list.hasMoreAfter, let last = list.keys.last else {
                    list.select(count - 1)
                    queued.removeAll { $0.action == .pageDown }
                    return []
                }
                list.selectedID = nil
                commands = load(.pageAfter(last), context)
            } else {
                guard list.hasMoreBefore, let first = list.keys.first else {
                    list.select(0)
                    queued.removeAll { $0.action == .pageUp }
                    return []
                }
                list.selectedID = nil
                commands = load(.pageBefore(first), context)
            }
            return commands
        case .halfPageDown:
            let half = max(1, rows / 2)
            if !list.hasMoreAfter || count <= half {
                list.select(min(count - 1, list.cursor + half))
                return []
            }
            list.selectedID = nil
            return load(.slideDown(from: list.keys[half], by: half), context)
        case .halfPageUp:
            let half = max(1, rows / 2)
            guard list.hasMoreBefore, let first = list.keys.first else {
                list.select(max(0, list.cursor - half))
                return []
            }
            list.selectedID = nil
            return load(.pageBefore(first), context)
        case .top:
            list.selectedID = nil
            return load(.first, context)
        case .bottom:
            list.selectedID = nil
            return load(.last, context)
        default:
            return nil
        }
    }

    // MARK: Answers

    mutating func receive(_ message: PaneMessage, _ context: PaneContext) -> PaneOutcome {
        switch message {
        case .rows(let serial, let fetch, let limit, let payload):
            guard serial == list.serial, let result = payload as? Result<Window<Item>, BackroomError> else { return PaneOutcome() }
            switch result {
            case .success(let window):
                list.apply(window, fetch: fetch, limit: limit)
                refreshMarks(window.items)
            case .failure(let error):
                list.isLoading = false
                list.error = error.message
                queued.removeAll()
            }
            if reloadWanted {
                reloadWanted = false
                return reload(context)
            }
            return replayQueued(context)
        case .counted(let serial, let result):
            if serial == list.countSerial, case .success(let count) = result { list.total = count }
            return PaneOutcome()
        case .detail(let payload):
            return source.receiveDetail(payload, into: &detail, context)
        case .matching(let serial, let payload):
            guard serial == matchSerial, let result = payload as? Result<[Item], BackroomError> else { return PaneOutcome() }
            switch result {
            case .success(let items):
                for item in items where marked[item.id] == nil {
                    marked[item.id] = item
                    markOrder.append(item.id)
                }
                return .flash("\(Formatting.count(marked.count, "row")) marked.")
            case .failure(let error):
                return .flash("✗ " + error.message, error: true)
            }
        }
    }

    /// Marked rows on screen carry their fresh values.
    private mutating func refreshMarks(_ items: [Item]) {
        guard !marked.isEmpty else { return }
        for item in items where marked[item.id] != nil { marked[item.id] = item }
    }

    /// Runs the actions that waited for these rows, until one needs rows again.
    private mutating func replayQueued(_ context: PaneContext) -> PaneOutcome {
        var outcome = PaneOutcome()
        while !queued.isEmpty && !list.isLoading {
            let next = queued.removeFirst()
            outcome = outcome + act(next.action, count: next.count, context)
        }
        return outcome
    }

    mutating func closeDetail() -> Bool {
        guard detail != nil else { return false }
        detail = nil
        return true
    }

    mutating func click(row: Int, _ context: PaneContext) -> PaneOutcome {
        guard detail == nil, row < list.items.count else { return PaneOutcome() }
        list.select(row)
        return PaneOutcome()
    }

    mutating func open(_ target: Navigation, _ context: PaneContext) -> PaneOutcome {
        guard let (opened, outcome) = source.detail(for: target, context) else { return PaneOutcome() }
        detail = opened
        return outcome
    }

    mutating func resized(_ context: PaneContext) -> PaneOutcome {
        let rows = context.rows
        if list.items.count > rows {
            list.fit(rows: rows)
            return PaneOutcome()
        }
        if list.items.count < rows && (list.hasMoreAfter || list.hasMoreBefore) {
            return PaneOutcome(commands: load(list.reloadFetch, context))
        }
        return PaneOutcome()
    }

    // MARK: Export

    func export(to path: String, _ context: PaneContext) -> PaneOutcome? {
        .run([ExportCommand.list(source, columns: shownColumns, path: path, context)])
    }

    // MARK: Columns

    var shownColumns: [ListColumn<Item>] {
        guard let columnOrder else { return Source.columns }
        let byID = Dictionary(uniqueKeysWithValues: Source.columns.map { ($0.id, $0) })
        let chosen = columnOrder.compactMap { byID[$0] }
        return chosen.isEmpty ? Source.columns : chosen
    }

    func columnChoices() -> (all: [(id: String, title: String)], shown: [String])? {
        (Source.columns.map { ($0.id, $0.table.title) }, shownColumns.map(\.id))
    }

    mutating func setColumns(_ identifiers: [String]?) {
        columnOrder = identifiers
    }

    // MARK: Drawing

    func render(into grid: inout CellGrid, _ context: PaneContext) {
        let area = context.layout.pane
        if let detail {
            source.renderDetail(detail, into: &grid, area: area, context)
            return
        }
        let theme = context.theme
        let columns = shownColumns
        var title = source.title(total: list.total, context)
        if !marked.isEmpty { title += " · \(Formatting.grouped(marked.count)) marked" }
        let sortIndex = columns.firstIndex { $0.sortKey != nil && $0.sortKey == source.sortKey }
        if let key = source.sortKey {
            let inside = Box.inside(area)
            let shown = sortIndex.map { Table.isShown($0, of: columns.map(\.table), available: inside.width) } ?? false
            if !shown, let column = Source.columns.first(where: { $0.sortKey == key }) {
                title += " · sorted by \(column.table.title) \(source.sortAscending ? "▲" : "▼")"
            }
        }
        if list.isLoading && list.items.isEmpty { title += " · loading…" }
        Box(title: title, footer: list.positionText, borderStyle: theme["border"], titleStyle: theme["title"]).render(into: &grid, area: area)
        let markedRows = Set(list.items.indices.filter { marked[list.items[$0].id] != nil })
        let rows = list.items.map { item in
            var cells: [String] = []
            var styles: [Int: Style] = [:]
            for (index, column) in columns.enumerated() {
                let cell = column.cell(item, context)
                cells.append(cell.text)
                if let style = cell.style { styles[index] = style }
            }
            return TableRow(cells, cellStyles: styles)
        }
        var empty = list.error.map { "✗ " + $0 } ?? Source.emptyText
        if list.isLoading { empty = "Loading…" }
        Table(
            columns: columns.map(\.table), rows: rows, selectedRow: rows.isEmpty ? nil : list.cursor, markedRows: markedRows,
            sortColumn: sortIndex, sortAscending: source.sortAscending,
            headerStyle: theme["table.header"], rowStyle: theme["body"], alternateRowStyle: theme["table.alt_row"],
            cursorStyle: theme["table.cursor"], emptyText: empty
        ).render(into: &grid, area: Box.inside(area))
    }
}
