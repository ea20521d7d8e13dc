/// A centred, bordered dialog: text lines, an optional form, more lines
/// (a preview), and buttons. Drawn over whatever is behind it.
public struct Dialog: Widget, Sendable {
    public var title: String
    public var lines: [(text: String, style: Style)]
    public var form: Form?
    public var trailingLines: [(text: String, style: Style)]
    public var buttons: [String]
    public var width: Int
    public var theme: Theme

    public init(
        title: String, lines: [(String, Style)] = [], form: Form? = nil, trailingLines: [(String, Style)] = [], buttons: [String] = [],
        width: Int = 60, theme: Theme
    ) {
        self.title = title
        self.lines = lines.map { (text: $0.0, style: $0.1) }
        self.form = form
        self.trailingLines = trailingLines.map { (text: $0.0, style: $0.1) }
        self.buttons = buttons
        self.width = width
        self.theme = theme
    }

    /// Rows the dialog needs when its inside is `innerWidth` cells wide.
    public func height(innerWidth: Int) -> Int {
        var rows = lines.count
        if let form { rows += (lines.isEmpty ? 0 : 1) + form.height(width: innerWidth) }
        if !trailingLines.isEmpty { rows += 1 + trailingLines.count }
        if !buttons.isEmpty { rows += 1 }
        return rows + 2
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        let boxWidth = min(width, area.width - 2)
        let box = area.centered(width: boxWidth, height: min(height(innerWidth: boxWidth - 4), area.height))
        grid.fill(box, style: theme["dialog"])
        Box(title: title, borderStyle: theme["border.focus"], titleStyle: theme["title"]).render(into: &grid, area: box)
        let inside = Box.inside(box).inset(left: 1, right: 1)
        var y = inside.y
        for line in lines where y < inside.maxY {
            grid.write(DisplayWidth.truncate(line.text, to: inside.width), x: inside.x, y: y, style: line.style, maxWidth: inside.width)
            y += 1
        }
        if let form {
            if !lines.isEmpty { y += 1 }
            FormView(form, theme: theme).render(into: &grid, area: Rect(x: inside.x, y: y, width: inside.width, height: max(0, inside.maxY - y)))
            y += form.height(width: inside.width)
        }
        if !trailingLines.isEmpty {
            y += 1
            for line in trailingLines where y < inside.maxY {
                grid.write(DisplayWidth.truncate(line.text, to: inside.width), x: inside.x, y: y, style: line.style, maxWidth: inside.width)
                y += 1
            }
        }
        if !buttons.isEmpty, y < inside.maxY {
            let text = buttons.map { "[ \($0) ]" }.joined(separator: "  ")
            grid.write(text, x: max(inside.x, inside.maxX - DisplayWidth.of(text)), y: inside.maxY - 1, style: theme["accent"], maxWidth: inside.width)
        }
    }
}
