/// A single-line text field: cursor movement, editing keys, Unicode. Its
/// value is plain state; the pane or form owns it.
public struct TextInput: Sendable, Hashable {
    public private(set) var value: String
    /// Cursor position, in characters.
    public private(set) var cursor: Int
    public var maximumLength: Int

    public init(_ value: String = "", maximumLength: Int = 200) {
        self.value = String(value.prefix(maximumLength))
        cursor = self.value.count
        self.maximumLength = maximumLength
    }

    public var isEmpty: Bool { value.isEmpty }

    public mutating func set(_ text: String) {
        value = String(text.prefix(maximumLength))
        cursor = value.count
    }

    /// Applies an editing key; returns false for keys it does not use.
    public mutating func handle(_ key: Key) -> Bool {
        var characters = Array(value)
        switch key {
        case .character(let character):
            guard characters.count < maximumLength, !character.isNewline else { return true }
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace, .control("h"):
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left, .control("b"):
            cursor = max(0, cursor - 1)
        case .right, .control("f"):
            cursor = min(characters.count, cursor + 1)
        case .home, .control("a"):
            cursor = 0
        case .end, .control("e"):
            cursor = characters.count
        case .control("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .control("k"):
            characters.removeLast(characters.count - cursor)
        case .control("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        value = String(characters)
        return true
    }

    /// Draws the field in `area` (one row), scrolled so the cursor shows;
    /// places the terminal cursor when focused.
    public func render(into grid: inout CellGrid, area: Rect, style: Style, focused: Bool) {
        guard area.width > 0, area.height > 0 else { return }
        grid.fill(area.row(0), style: style)
        let characters = Array(value)
        var start = 0
        var widthBeforeCursor = DisplayWidth.of(String(characters[0..<cursor]))
        while widthBeforeCursor >= area.width, start < cursor {
            widthBeforeCursor -= DisplayWidth.of(characters[start])
            start += 1
        }
        let visible = String(characters[start...])
        grid.write(visible, x: area.x, y: area.y, style: style, maxWidth: area.width)
        if focused { grid.cursor = (area.x + widthBeforeCursor, area.y) }
    }
}
