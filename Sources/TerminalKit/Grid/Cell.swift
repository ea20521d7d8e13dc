/// One terminal cell. A wide character occupies its cell and marks the
/// next one as its continuation.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    /// The right half of a wide character: drawn by the cell to its left.
    public var isContinuation: Bool

    public init(character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}
