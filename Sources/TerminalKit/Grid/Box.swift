/// A bordered box with a title on the top edge and a note on the bottom
/// edge (`1–30 of 1,204`). Both end in `…` when cut.
public struct Box: Widget, Sendable {
    public var title: String
    public var footer: String
    public var borderStyle: Style
    public var titleStyle: Style

    public init(title: String = "", footer: String = "", borderStyle: Style, titleStyle: Style) {
        self.title = title
        self.footer = footer
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
    }

    /// The area inside a box drawn in `area`.
    public static func inside(_ area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        return area.inset(by: 1)
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        guard area.width >= 2, area.height >= 2 else { return }
        let horizontal = String(repeating: "─", count: area.width - 2)
        grid.write("┌" + horizontal + "┐", x: area.x, y: area.y, style: borderStyle)
        for row in 1..<(area.height - 1) {
            grid.write("│", x: area.x, y: area.y + row, style: borderStyle)
            grid.write("│", x: area.maxX - 1, y: area.y + row, style: borderStyle)
        }
        grid.write("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: borderStyle)
        // The footer keeps its room first (it holds the position); the title takes the rest.
        var footerWidth = 0
        if !footer.isEmpty, area.width > 8 {
            let text = " " + DisplayWidth.truncate(footer, to: area.width - 8) + " "
            footerWidth = DisplayWidth.of(text)
            grid.write(text, x: area.maxX - 3 - footerWidth, y: area.maxY - 1, style: borderStyle)
        }
        if !title.isEmpty, area.width > 6 {
            grid.write(" " + DisplayWidth.truncate(title, to: area.width - 6) + " ", x: area.x + 1, y: area.y, style: titleStyle)
        }
    }
}
