/// A single-line text field: cursor movement, editing keys, Unicode. Its
/// value is plain state; the pane or form owns it.
///
/// The cursor counts grapheme clusters, what a person sees as one
/// character: a combining mark typed after `e` joins it (the cursor stays
/// after `é`), a ZWJ family or a flag moves and deletes as one, and no
/// sequence of keys can leave the cursor outside the text.
public struct TextInput: Sendable, Hashable {
    public private(set) var value: String
    /// Cursor position, in characters (grapheme clusters).
    public private(set) var cursor: Int
    /// Most characters (grapheme clusters) the field takes.
    public var maximumLength: Int
    /// Shown as dots (passwords).
    public var isSecure: Bool

    public init(_ value: String = "", maximumLength: Int = 200, isSecure: Bool = false) {
        self.value = String(value.prefix(maximumLength))
        cursor = self.value.count
        self.maximumLength = maximumLength
        self.isSecure = isSecure
    }

    public var isEmpty: Bool { value.isEmpty }

    public mutating func set(_ text: String) {
        value = String(text.prefix(maximumLength))
        cursor = value.count
    }

    /// Applies an editing key; returns false for keys it does not use.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            guard !character.isNewline else { return true }
            insert(String(character))
        case .backspace, .control("h"):
            guard cursor > 0 else { return true }
            replace(cursor - 1..<cursor, with: "", cursorAfter: cursor - 1)
        case .delete, .control("d"):
            guard cursor < value.count else { return true }
            replace(cursor..<cursor + 1, with: "", cursorAfter: cursor)
        case .left, .control("b"):
            cursor = max(0, cursor - 1)
        case .right, .control("f"):
            cursor = min(value.count, cursor + 1)
        case .home, .control("a"):
            cursor = 0
        case .end, .control("e"):
            cursor = value.count
        case .control("u"):
            replace(0..<cursor, with: "", cursorAfter: 0)
        case .control("k"):
            replace(cursor..<value.count, with: "", cursorAfter: cursor)
        case .control("w"):
            let characters = Array(value)
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            replace(start..<cursor, with: "", cursorAfter: start)
        default:
            return false
        }
        return true
    }

    /// Inserts pasted or typed text at the cursor (newlines become spaces).
    public mutating func insert(_ text: String) {
        let clean = String(text.map { $0.isNewline ? " " : $0 })
        let prefix = String(value.prefix(cursor)) + clean
        let rest = String(value.dropFirst(cursor))
        var combined = prefix + rest
        if combined.count > maximumLength {
            // Keep what fits; the text after the cursor is kept first.
            let room = max(0, maximumLength - rest.count)
            combined = String(prefix.prefix(room)) + rest
            guard combined.count <= maximumLength else { return }
        }
        value = combined
        cursor = Self.clusters(in: value, before: min(prefix.unicodeScalars.count, value.unicodeScalars.count))
    }

    /// Replaces clusters `range` (of the current value) and sets the cursor,
    /// both counted again in the new text (neighbours may have merged).
    private mutating func replace(_ range: Range<Int>, with text: String, cursorAfter: Int) {
        let characters = Array(value)
        let lower = max(0, min(range.lowerBound, characters.count))
        let upper = max(lower, min(range.upperBound, characters.count))
        let head = String(characters[0..<lower]) + text
        value = head + String(characters[upper...])
        cursor = Self.clusters(in: value, before: head.unicodeScalars.count)
    }

    /// How many whole clusters of `text` end within its first `scalars` scalars.
    static func clusters(in text: String, before scalars: Int) -> Int {
        var count = 0
        var seen = 0
        for character in text {
            seen += character.unicodeScalars.count
            if seen > scalars { break }
            count += 1
        }
        return count
    }

    /// The text as drawn: itself, or a dot per character when secure.
    public var displayText: String {
        isSecure ? String(repeating: "•", count: value.count) : value
    }

    /// Draws the field in `area` (one row), scrolled so the cursor shows;
    /// places the terminal cursor when focused.
    public func render(into grid: inout CellGrid, area: Rect, style: Style, focused: Bool) {
        guard area.width > 0, area.height > 0 else { return }
        grid.fill(area.row(0), style: style)
        let characters = Array(displayText)
        let cursor = min(self.cursor, characters.count)
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
