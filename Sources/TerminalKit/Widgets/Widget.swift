/// One shape for everything drawn (ratatui's): a value that renders itself
/// into an area of the grid. What it shows is in the value; what changes as
/// the user works (a selection, a cursor, a scroll offset) lives in the
/// caller's state and is passed in.
public protocol Widget {
    func render(into grid: inout CellGrid, area: Rect)
}
