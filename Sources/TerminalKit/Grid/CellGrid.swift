/// The screen as a grid of cells. Widgets render into it; a backend draws
/// it (ncurses) or prints it (tests).
public struct CellGrid: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// Where the cursor should be shown (a text input), if anywhere.
    public var cursor: (x: Int, y: Int)?

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public static func == (lhs: CellGrid, rhs: CellGrid) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.cells == rhs.cells
            && lhs.cursor?.x == rhs.cursor?.x && lhs.cursor?.y == rhs.cursor?.y
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// The rows and columns of `area` inside the grid; empty when it lies
    /// outside (a widget may be handed any area, and drawing never traps).
    private func clipped(_ area: Rect) -> (rows: Range<Int>, columns: Range<Int>) {
        let top = max(0, area.y)
        let left = max(0, area.x)
        return (top..<max(top, min(height, area.maxY)), left..<max(left, min(width, area.maxX)))
    }

    /// Fills `area` with spaces in `style`.
    public mutating func fill(_ area: Rect, style: Style) {
        let (rows, columns) = clipped(area)
        for y in rows {
            for x in columns {
                self[x, y] = Cell(character: " ", style: style)
            }
        }
    }

    /// Applies `style` over the cells of `area`, keeping their characters.
    public mutating func restyle(_ area: Rect, _ transform: (Style) -> Style) {
        let (rows, columns) = clipped(area)
        for y in rows {
            for x in columns {
                self[x, y].style = transform(self[x, y].style)
            }
        }
    }

    /// Writes `text` from (`x`, `y`), clipped to `maxWidth` cells and the grid.
    /// Each cell gets one glyph (`TerminalText`), so what the cells hold is
    /// exactly what a terminal shows. Returns the number of cells written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth ?? width, width - x)
        var column = x
        var used = 0
        for character in text {
            for glyph in TerminalText.glyphs(character) {
                if used + glyph.width > limit { return used }
                if column >= 0 {
                    clearWide(at: column, y: y)
                    self[column, y] = Cell(character: glyph.character, style: style)
                    if glyph.width == 2, column + 1 < width {
                        clearWide(at: column + 1, y: y)
                        self[column + 1, y] = Cell(character: " ", style: style, isContinuation: true)
                    }
                }
                column += glyph.width
                used += glyph.width
            }
        }
        return used
    }

    /// Writing over half of a wide character blanks its other half.
    private mutating func clearWide(at x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        let cell = self[x, y]
        if cell.isContinuation, x > 0 {
            self[x - 1, y] = Cell(character: " ", style: self[x - 1, y].style)
        } else if DisplayWidth.of(cell.character) == 2, x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(character: " ", style: self[x + 1, y].style)
        }
    }

    /// The grid as text, one line per row, wide characters once.
    public var text: String {
        (0..<height).map { line($0) }.joined(separator: "\n")
    }

    public func line(_ y: Int) -> String {
        var result = ""
        for x in 0..<width where !self[x, y].isContinuation {
            result.append(self[x, y].character)
        }
        return result
    }

    /// The text with trailing spaces removed from each line (how tests compare screens).
    public var trimmedText: String {
        (0..<height).map { line in
            var text = self.line(line)
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n")
    }
}
