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
        let rows = sections.reduce(0) { $0 + $1.entries.count + 2 } + 1
        let box = area.centered(width: min(area.width - 2, keyWidth + textWidth + 6), height: min(area.height, rows + 2))
        grid.fill(box, style: theme["dialog"])
        let inside = Box(title: title, footer: "Esc or ? to close", borderStyle: theme["border.focus"], titleStyle: theme["title"])
            .render(into: &grid, area: box).inset(left: 1, right: 1)
        var y = inside.y
        for section in sections {
            guard y < inside.maxY else { break }
            grid.write(section.title, x: inside.x, y: y, style: theme["accent"].bolded, maxWidth: inside.width)
            y += 1
            for entry in section.entries where y < inside.maxY {
                grid.write(entry.keys, x: inside.x + 1, y: y, style: theme["key_hint.key"], maxWidth: keyWidth)
                grid.write(entry.text, x: inside.x + 1 + keyWidth, y: y, style: theme["dialog"], maxWidth: inside.width - keyWidth - 1)
                y += 1
            }
            y += 1
        }
    }
}
