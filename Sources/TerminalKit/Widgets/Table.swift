/// A column of a table: how wide, how aligned, and how important (columns
/// are dropped from the least important when the screen is narrow).
public struct TableColumn: Sendable, Hashable {
    public enum Width: Sendable, Hashable {
        case fixed(Int)
        case flexible(minimum: Int)
    }

    public var title: String
    public var width: Width
    public var alignment: Alignment
    /// Lower is more important; the highest numbers go first on a narrow screen.
    public var priority: Int

    public init(_ title: String, width: Width, alignment: Alignment = .left, priority: Int = 0) {
        self.title = title
        self.width = width
        self.alignment = alignment
        self.priority = priority
    }

    var minimumWidth: Int {
        switch width {
        case .fixed(let size): size
        case .flexible(let minimum): minimum
        }
    }
}

public struct TableRow: Sendable, Hashable {
    public var cells: [String]
    /// Per-cell styles merged over the row's style (status colours).
    public var cellStyles: [Int: Style]

    public init(_ cells: [String], cellStyles: [Int: Style] = [:]) {
        self.cells = cells
        self.cellStyles = cellStyles
    }
}

/// A table of the rows a pane fetched for the screen: header with the sort
/// indicator, a cursor row marked by `▶` and a style, alternating rows.
/// The table holds no state; selection and scrolling live in the pane.
public struct Table: Widget, Sendable {
    public var columns: [TableColumn]
    public var rows: [TableRow]
    public var selectedRow: Int?
    /// Rows marked for a bulk action: `●` in the gutter (`◉` on the cursor row).
    public var markedRows: Set<Int>
    public var sortColumn: Int?
    public var sortAscending: Bool
    public var headerStyle: Style
    public var rowStyle: Style
    public var alternateRowStyle: Style
    public var cursorStyle: Style
    /// Shown in the body when there are no rows.
    public var emptyText: String

    public init(
        columns: [TableColumn], rows: [TableRow], selectedRow: Int? = nil, markedRows: Set<Int> = [], sortColumn: Int? = nil, sortAscending: Bool = true,
        headerStyle: Style, rowStyle: Style, alternateRowStyle: Style, cursorStyle: Style, emptyText: String = "Nothing to show."
    ) {
        self.columns = columns
        self.rows = rows
        self.selectedRow = selectedRow
        self.markedRows = markedRows
        self.sortColumn = sortColumn
        self.sortAscending = sortAscending
        self.headerStyle = headerStyle
        self.rowStyle = rowStyle
        self.alternateRowStyle = alternateRowStyle
        self.cursorStyle = cursorStyle
        self.emptyText = emptyText
    }

    /// Widths for each column in `available` cells (one gutter cell and one
    /// space between columns); `nil` for columns dropped for lack of room.
    public static func widths(_ columns: [TableColumn], available: Int) -> [Int?] {
        var kept = Array(columns.indices)
        func needed(_ indices: [Int]) -> Int {
            indices.reduce(1) { $0 + columns[$1].minimumWidth + 1 }
        }
        while needed(kept) > available, kept.count > 1 {
            let dropped = kept.max { (columns[$0].priority, $0) < (columns[$1].priority, $1) }!
            kept.removeAll { $0 == dropped }
        }
        var widths: [Int?] = columns.map { _ in nil }
        for index in kept { widths[index] = columns[index].minimumWidth }
        let flexible = kept.filter { if case .flexible = columns[$0].width { return true } else { return false } }
        var spare = max(0, available - needed(kept))
        if !flexible.isEmpty {
            let share = spare / flexible.count
            for index in flexible {
                widths[index]! += share
                spare -= share
            }
            widths[flexible[0]]! += spare
        }
        return widths
    }

    /// Whether column `index` gets room in `available` cells.
    public static func isShown(_ index: Int, of columns: [TableColumn], available: Int) -> Bool {
        widths(columns, available: available)[index] != nil
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        guard area.height > 0, area.width > 2 else { return }
        let widths = Table.widths(columns, available: area.width)
        var header = " "
        for (index, column) in columns.enumerated() {
            guard let width = widths[index] else { continue }
            var title = column.title
            if sortColumn == index {
                // The arrow always shows: the title gives way to it.
                let arrow = sortAscending ? " ▲" : " ▼"
                title = (DisplayWidth.of(title) + 2 <= width ? title : DisplayWidth.truncate(title, to: max(1, width - 2))) + arrow
            }
            header += DisplayWidth.pad(title, to: width, alignment: column.alignment) + " "
        }
        grid.fill(area.row(0), style: headerStyle)
        grid.write(header, x: area.x, y: area.y, style: headerStyle, maxWidth: area.width)
        let body = area.inset(top: 1)
        if rows.isEmpty {
            grid.write(" " + DisplayWidth.truncate(emptyText, to: max(0, body.width - 1)), x: body.x, y: body.y, style: rowStyle.merged(with: Style(dim: true)), maxWidth: body.width)
            return
        }
        for (offset, row) in rows.prefix(body.height).enumerated() {
            let y = body.y + offset
            let isSelected = offset == selectedRow
            let base = isSelected ? cursorStyle : (offset % 2 == 1 ? alternateRowStyle : rowStyle)
            grid.fill(Rect(x: body.x, y: y, width: body.width, height: 1), style: base)
            let isMarked = markedRows.contains(offset)
            grid.write(isSelected ? (isMarked ? "◉" : "▶") : (isMarked ? "●" : " "), x: body.x, y: y, style: base, maxWidth: 1)
            var x = body.x + 1
            for (index, column) in columns.enumerated() {
                guard let width = widths[index] else { continue }
                let text = index < row.cells.count ? row.cells[index] : ""
                let style = isSelected ? base : base.merged(with: row.cellStyles[index] ?? Style())
                grid.write(DisplayWidth.pad(text, to: width, alignment: column.alignment), x: x, y: y, style: style, maxWidth: max(0, body.maxX - x))
                x += width + 1
            }
        }
    }
}
