/// A centred overlay listing keys in sections (the `?` help). The lines
/// flow into as many columns as fit with room for their texts; when even
/// that is not enough, the flow scrolls (`scroll` lines down) and says so.
public struct HelpOverlay: Widget, Sendable {
    public struct Section: Sendable {
        public var title: String
        public var entries: [(keys: String, text: String)]

        public init(title: String, entries: [(String, String)]) {
            self.title = title
            self.entries = entries.map { (keys: $0.0, text: $0.1) }
        }
    }

    public var title: String
    public var sections: [Section]
    public var scroll: Int
    public var theme: Theme

    public init(title: String, sections: [Section], scroll: Int = 0, theme: Theme) {
        self.title = title
        self.sections = sections
        self.scroll = scroll
        self.theme = theme
    }

    var lines: [(keys: String?, text: String)] {
        var lines: [(keys: String?, text: String)] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append((nil, "")) }
            lines.append((nil, section.title))
            lines += section.entries.map { (keys: $0.keys, text: $0.text) }
        }
        return lines
    }

    /// How the lines are laid out in an area.
    struct Plan {
        var columns: Int
        var columnWidth: Int
        var rowsPerColumn: Int
        var maximumScroll: Int
        var scrolls: Bool { maximumScroll > 0 }
    }

    /// Texts keep at least this many cells beside their keys.
    static let textRoom = 30

    func plan(in area: Rect, lineCount: Int) -> Plan {
        let keyWidth = min(16, (sections.flatMap { $0.entries.map { DisplayWidth.of($0.keys) } }.max() ?? 4) + 2)
        let textWidth = max(10, sections.flatMap { $0.entries.map { DisplayWidth.of($0.text) } }.max() ?? 10)
        let available = max(1, area.height - 2)
        let wanted = max(1, (lineCount + available - 1) / available)
        let fitting = max(1, (area.width - 4) / (keyWidth + min(textWidth, Self.textRoom) + 2))
        let columns = min(wanted, fitting)
        let columnWidth = min(keyWidth + textWidth + 2, max(1, (area.width - 4) / columns))
        let rows = min(available, (lineCount + columns - 1) / columns)
        return Plan(columns: columns, columnWidth: columnWidth, rowsPerColumn: max(1, rows), maximumScroll: max(0, lineCount - columns * available))
    }

    /// The most `scroll` can usefully be in `area`.
    public func maximumScroll(in area: Rect) -> Int {
        plan(in: area, lineCount: lines.count).maximumScroll
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        let lines = self.lines
        let plan = plan(in: area, lineCount: lines.count)
        let scroll = min(max(0, self.scroll), plan.maximumScroll)
        let visible = Array(lines.dropFirst(scroll).prefix(plan.columns * plan.rowsPerColumn))
        let box = area.centered(width: min(area.width, plan.columns * plan.columnWidth + 4), height: min(area.height, plan.rowsPerColumn + 2))
        grid.fill(box, style: theme["dialog"])
        let footer = plan.scrolls
            ? "↑/↓ scroll · \(scroll + 1)–\(scroll + visible.count) of \(lines.count) · Esc close"
            : "Esc or ? to close"
        Box(title: title, footer: footer, borderStyle: theme["border.focus"], titleStyle: theme["title"]).render(into: &grid, area: box)
        let inside = Box.inside(box).inset(left: 1, right: 1)
        // One long key (a command line) must not widen every column: each
        // column sizes its keys on its own lines.
        let keyWidths = (0..<plan.columns).map { column in
            let slice = visible.dropFirst(column * plan.rowsPerColumn).prefix(plan.rowsPerColumn)
            return min(plan.columnWidth / 2, (slice.compactMap { $0.keys.map(DisplayWidth.of) }.max() ?? 4) + 2)
        }
        for (index, line) in visible.enumerated() {
            let column = index / plan.rowsPerColumn
            let y = inside.y + index % plan.rowsPerColumn
            let x = inside.x + column * plan.columnWidth
            guard y < inside.maxY, x < inside.maxX else { continue }
            let width = min(plan.columnWidth, inside.maxX - x)
            if let keys = line.keys {
                let keyWidth = keyWidths[column]
                grid.write(DisplayWidth.truncate(keys, to: min(keyWidth - 1, width)), x: x + 1, y: y, style: theme["key_hint.key"], maxWidth: min(keyWidth, width))
                grid.write(DisplayWidth.truncate(line.text, to: max(0, width - keyWidth - 2)), x: x + 1 + keyWidth, y: y, style: theme["dialog"])
            } else {
                grid.write(DisplayWidth.truncate(line.text, to: width), x: x, y: y, style: theme["accent"].bolded)
            }
        }
    }
}
