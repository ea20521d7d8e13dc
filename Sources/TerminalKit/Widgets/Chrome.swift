/// Pane tabs: the active one stands out by style and by brackets.
public struct Tabs: Sendable {
    public var titles: [String]
    public var active: Int

    public init(titles: [String], active: Int) {
        self.titles = titles
        self.active = active
    }

    public func render(into grid: inout CellGrid, area: Rect, theme: Theme) {
        grid.fill(area.row(0), style: theme["body"])
        var x = area.x + 1
        for (index, title) in titles.enumerated() {
            let isActive = index == active
            let text = isActive ? "[\(index + 1) \(title)]" : " \(index + 1) \(title) "
            guard x + DisplayWidth.of(text) <= area.maxX else { break }
            grid.write(text, x: x, y: area.y, style: isActive ? theme["tab.active"] : theme["tab"])
            x += DisplayWidth.of(text) + 2
        }
    }
}

/// Key hints (`a adjust…  / filter`), as many as fit, keys bold.
public struct KeyHints: Sendable {
    public var hints: [(key: String, label: String)]

    public init(_ hints: [(String, String)]) {
        self.hints = hints.map { (key: $0.0, label: $0.1) }
    }

    public func render(into grid: inout CellGrid, area: Rect, theme: Theme) {
        grid.fill(area.row(0), style: theme["key_hint"])
        var x = area.x + 1
        for hint in hints {
            let width = DisplayWidth.of(hint.key) + 1 + DisplayWidth.of(hint.label) + 2
            guard x + width - 2 <= area.maxX else { break }
            grid.write(hint.key, x: x, y: area.y, style: theme["key_hint.key"])
            grid.write(hint.label, x: x + DisplayWidth.of(hint.key) + 1, y: area.y, style: theme["key_hint"])
            x += width
        }
    }
}

/// A centred overlay listing keys in sections (the `?` help).
public struct HelpOverlay: Sendable {
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

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    public func render(into grid: inout CellGrid, area: Rect, theme: Theme) {
        let keyWidth = (sections.flatMap { $0.entries.map { DisplayWidth.of($0.keys) } }.max() ?? 4) + 2
        let textWidth = sections.flatMap { $0.entries.map { DisplayWidth.of($0.text) } }.max() ?? 10
        // Lines: a title per section, its entries, a blank line between sections.
        var lines: [(keys: String?, text: String)] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append((nil, "")) }
            lines.append((nil, section.title))
            lines += section.entries.map { (keys: $0.keys, text: $0.text) }
        }
        let available = max(1, area.height - 2)
        // Too tall for one column: flow into as many as the height needs,
        // narrowing the columns (long texts end in …) rather than cutting rows.
        let wanted = max(1, (lines.count + available - 1) / available)
        let columns = max(1, min(wanted, (area.width - 4) / (keyWidth + 16)))
        let columnWidth = min(keyWidth + textWidth + 2, max(keyWidth + 16, (area.width - 4) / columns))
        let perColumn = (lines.count + columns - 1) / columns
        let box = area.centered(width: min(area.width, columns * columnWidth + 4), height: min(area.height, perColumn + 2))
        grid.fill(box, style: theme["dialog"])
        let inside = Box(title: title, footer: "Esc or ? to close", borderStyle: theme["border.focus"], titleStyle: theme["title"])
            .render(into: &grid, area: box).inset(left: 1, right: 1)
        for (index, line) in lines.enumerated() {
            let column = index / perColumn
            let y = inside.y + index % perColumn
            let x = inside.x + column * columnWidth
            guard y < inside.maxY, x < inside.maxX else { continue }
            let width = min(columnWidth, inside.maxX - x)
            if let keys = line.keys {
                grid.write(keys, x: x + 1, y: y, style: theme["key_hint.key"], maxWidth: min(keyWidth, width))
                grid.write(DisplayWidth.truncate(line.text, to: max(0, width - keyWidth - 2)), x: x + 1 + keyWidth, y: y, style: theme["dialog"])
            } else {
                grid.write(DisplayWidth.truncate(line.text, to: width), x: x, y: y, style: theme["accent"].bolded)
            }
        }
    }
}
