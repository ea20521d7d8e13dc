/// Text wrapped at spaces to a width of cells; a word longer than the
/// width is cut into pieces that fit.
public enum Wrapping {
    public static func words(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for word in text.split(separator: " ") {
            var word = String(word)
            var wordWidth = DisplayWidth.of(word)
            if !current.isEmpty, currentWidth + 1 + wordWidth <= width {
                current += " " + word
                currentWidth += 1 + wordWidth
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while wordWidth > width {
                var piece = ""
                var pieceWidth = 0
                for character in word {
                    let size = DisplayWidth.of(character)
                    if pieceWidth + size > width { break }
                    piece.append(character)
                    pieceWidth += size
                }
                guard !piece.isEmpty else { break }
                lines.append(piece)
                word.removeFirst(piece.count)
                wordWidth = DisplayWidth.of(word)
            }
            current = word
            currentWidth = wordWidth
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
