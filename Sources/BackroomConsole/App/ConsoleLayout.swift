import TerminalKit

/// Where everything goes on a screen of one size, computed once: header,
/// tabs, the pane's box, the list inside it, the flash line, the footer.
/// Nothing else does arithmetic on the screen's height.
struct ConsoleLayout: Sendable, Equatable {
    let size: Size
    let header: Rect
    let tabs: Rect
    /// The pane's box, borders included.
    let pane: Rect
    /// Inside the box's borders.
    let paneInside: Rect
    /// The table's header row, then its rows.
    let tableHeader: Rect
    let listRows: Rect
    let flash: Rect
    let footer: Rect

    static let minimumSize = Size(width: 60, height: 15)

    init(size: Size) {
        self.size = size
        let rows = Layout.vertical(Rect(x: 0, y: 0, width: size.width, height: size.height), [.fixed(1), .fixed(1), .fill(minimum: 3), .fixed(1), .fixed(1)])
        header = rows[0]
        tabs = rows[1]
        pane = rows[2]
        paneInside = Box.inside(pane)
        tableHeader = paneInside.row(0)
        listRows = paneInside.inset(top: 1)
        flash = rows[3]
        footer = rows[4]
    }

    var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }

    /// Rows a list shows.
    var visibleRows: Int { max(1, listRows.height) }

    /// The list row under screen row `y`, if any.
    func listRow(at y: Int) -> Int? {
        guard y >= listRows.y, y < listRows.maxY else { return nil }
        return y - listRows.y
    }
}
