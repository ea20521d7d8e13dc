import Foundation

/// The in-memory backend: a frame printed as text, and its styles as a map,
/// so screen tests read like the screen.
public enum MemoryScreen {
    /// The frame's text, trailing spaces trimmed.
    public static func text(_ grid: CellGrid) -> String {
        grid.trimmedText
    }

    /// The style of the first cell of each occurrence of `text` on screen.
    public static func style(of text: String, in grid: CellGrid) -> Style? {
        for y in 0..<grid.height {
            let line = grid.line(y)
            guard let range = line.range(of: text) else { continue }
            // Map the character offset back to a cell column (wide characters take two).
            var column = 0
            for character in line[line.startIndex..<range.lowerBound] { column += max(1, DisplayWidth.of(character)) }
            var x = 0
            var cells = 0
            while x < grid.width, cells < column {
                if !grid[x, y].isContinuation { cells += max(1, DisplayWidth.of(grid[x, y].character)) }
                x += 1
                while x < grid.width, grid[x, y].isContinuation { x += 1 }
            }
            return grid[min(x, grid.width - 1), y].style
        }
        return nil
    }

    /// A row of attribute codes under a text row (for asserting styles by eye).
    public static func attributeLine(_ y: Int, in grid: CellGrid) -> String {
        (0..<grid.width).map { x in
            let style = grid[x, y].style
            if style.reverse { return "r" }
            if style.bold { return "b" }
            if style.underline { return "u" }
            if style.dim { return "d" }
            return "."
        }.joined()
    }
}
