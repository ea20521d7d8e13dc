/// How text becomes terminal cells, the same way for every backend and as
/// terminals themselves see it.
///
/// A terminal draws one *glyph* per cell run: a spacing character and the
/// zero-width marks after it (`e` + U+0301). A Swift `Character` (a grapheme
/// cluster) may hold several: `कि` is two spacing characters, which a
/// terminal puts in two cells; and emoji sequences (a ZWJ family, a flag,
/// a skin tone, `❤️`) are drawn one way by one terminal and another way by
/// the next, so the width the program assumed and the width the terminal
/// used differ and the row shifts, leaving stale cells. Here such
/// sequences get a fallback of known width instead: the sequence's first
/// emoji (`👨‍👩‍👧` → `👨`, `👍🏽` → `👍`, `❤️` → `❤`) and flags as their
/// two letters (`🇵🇹` → `PT`).
public enum TerminalText {
    /// What one run of cells shows: its text and how many cells it takes.
    public struct Glyph: Hashable, Sendable {
        public var text: String
        public var width: Int

        public var character: Character { Character(text) }
    }

    /// ncurses keeps at most this many characters per cell (CCHARW_MAX 5:
    /// the spacing one and four marks); more marks are dropped.
    static let maximumMarks = 4

    /// The glyphs of one grapheme cluster, fallbacks applied.
    public static func glyphs(_ character: Character) -> [Glyph] {
        let scalars = Array(character.unicodeScalars)
        if scalars.count == 1 {
            let width = DisplayWidth.of(scalars[0])
            return width > 0 ? [Glyph(text: String(character), width: width)] : []
        }
        if scalars.contains(where: isRegionalIndicator) {
            return scalars.filter(isRegionalIndicator).map { scalar in
                Glyph(text: String(Character(Unicode.Scalar(scalar.value - 0x1F1E6 + 0x41)!)), width: 1)
            }
        }
        if scalars.contains(where: isEmojiSequenceMarker) {
            let first = scalars[0]
            let width = DisplayWidth.of(first)
            return width > 0 ? [Glyph(text: String(Character(first)), width: width)] : []
        }
        var glyphs: [Glyph] = []
        var marks = 0
        for scalar in scalars {
            let width = DisplayWidth.of(scalar)
            if width > 0 {
                glyphs.append(Glyph(text: String(Character(scalar)), width: width))
                marks = 0
            } else if isMark(scalar), !glyphs.isEmpty, marks < maximumMarks {
                glyphs[glyphs.count - 1].text.unicodeScalars.append(scalar)
                marks += 1
            }
            // Controls, format characters and marks with nothing to sit on draw nothing.
        }
        return glyphs
    }

    /// The glyphs of a text.
    public static func glyphs(_ text: some StringProtocol) -> [Glyph] {
        text.flatMap { glyphs($0) }
    }

    /// The text as a terminal shows it (fallbacks applied, invisible
    /// characters gone): what a screen capture of it reads.
    public static func displayed(_ text: some StringProtocol) -> String {
        glyphs(text).map(\.text).joined()
    }

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// Zero-width joiner, variation selectors, skin-tone modifiers, the
    /// keycap mark, tag characters (subdivision flags).
    static func isEmojiSequenceMarker(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200D, 0xFE0E, 0xFE0F, 0x1F3FB...0x1F3FF, 0x20E3, 0xE0020...0xE007F: true
        default: false
        }
    }

    /// Marks drawn on the character before them.
    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        default: return (0x1160...0x11FF).contains(scalar.value)
        }
    }
}
