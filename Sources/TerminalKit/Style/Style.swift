/// How a cell looks. Attributes carry meaning too, so a screen still reads
/// in a terminal without colour.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()

    /// This style with `other`'s colours where it sets them, and both attribute sets.
    public func merged(with other: Style) -> Style {
        Style(
            foreground: other.foreground == .default ? foreground : other.foreground,
            background: other.background == .default ? background : other.background,
            bold: bold || other.bold, underline: underline || other.underline,
            reverse: reverse || other.reverse, dim: dim || other.dim
        )
    }

    public var bolded: Style {
        var copy = self
        copy.bold = true
        return copy
    }

    /// A short code for screen tests: `b` bold, `u` underline, `r` reverse, `d` dim.
    public var attributeCode: String {
        (bold ? "b" : "") + (underline ? "u" : "") + (reverse ? "r" : "") + (dim ? "d" : "")
    }
}
