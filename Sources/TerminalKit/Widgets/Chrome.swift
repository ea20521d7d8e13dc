/// Pane tabs: the active one stands out by style and by brackets.
public struct Tabs: Widget, Sendable {
    public var titles: [String]
    public var active: Int
    public var theme: Theme

    public init(titles: [String], active: Int, theme: Theme) {
        self.titles = titles
        self.active = active
        self.theme = theme
    }

    /// The x range each tab takes in `area` (for clicks).
    public func positions(in area: Rect) -> [Range<Int>] {
        var x = area.x + 1
        var ranges: [Range<Int>] = []
        for (index, title) in titles.enumerated() {
            let text = index == active ? "[\(index + 1) \(title)]" : " \(index + 1) \(title) "
            let width = DisplayWidth.of(text)
            guard x + width <= area.maxX else { break }
            ranges.append(x..<(x + width))
            x += width + 2
        }
        return ranges
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        grid.fill(area.row(0), style: theme["body"])
        for (index, range) in positions(in: area).enumerated() {
            let isActive = index == active
            let text = isActive ? "[\(index + 1) \(titles[index])]" : " \(index + 1) \(titles[index]) "
            grid.write(text, x: range.lowerBound, y: area.y, style: isActive ? theme["tab.active"] : theme["tab"])
        }
    }
}

/// Key hints (`a adjust…  / filter`), as many as fit, keys bold.
public struct KeyHints: Widget, Sendable {
    public var hints: [(key: String, label: String)]
    public var theme: Theme

    public init(_ hints: [(String, String)], theme: Theme) {
        self.hints = hints.map { (key: $0.0, label: $0.1) }
        self.theme = theme
    }

    /// Cells the hints take, one space before and two between.
    public static func width(_ hints: [(String, String)]) -> Int {
        hints.reduce(1) { $0 + DisplayWidth.of($1.0) + 1 + DisplayWidth.of($1.1) + 2 }
    }

    public func render(into grid: inout CellGrid, area: Rect) {
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

/// A line of text that ends in `…` when it does not fit.
public struct TextLine: Widget, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, style: Style) {
        self.text = text
        self.style = style
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        guard area.height > 0 else { return }
        grid.write(DisplayWidth.truncate(text, to: area.width), x: area.x, y: area.y, style: style, maxWidth: area.width)
    }
}
