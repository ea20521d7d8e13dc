/// A one-row chart of values as block characters `▁▂▃▄▅▆▇█`, the newest on
/// the right. Works in any terminal font and in mono.
public struct Sparkline: Widget, Sendable {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public var values: [Double]
    public var maximum: Double?
    public var style: Style

    public init(values: [Double], maximum: Double? = nil, style: Style = .plain) {
        self.values = values
        self.maximum = maximum
        self.style = style
    }

    /// The text for `width` cells (values are resampled to fit).
    public func text(width: Int) -> String {
        let points = Sparkline.resample(values, to: width)
        let top = maximum ?? (points.max() ?? 0)
        return String(points.map { value -> Character in
            guard top > 0, value > 0 else { return value > 0 ? Sparkline.blocks[0] : " " }
            let index = Int((value / top) * Double(Sparkline.blocks.count - 1) + 0.5)
            return Sparkline.blocks[max(0, min(Sparkline.blocks.count - 1, index))]
        })
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        grid.write(text(width: area.width), x: area.x, y: area.y, style: style, maxWidth: area.width)
    }

    /// `values` averaged (or padded on the left) into `count` buckets.
    public static func resample(_ values: [Double], to count: Int) -> [Double] {
        guard count > 0 else { return [] }
        guard values.count > count else { return Array(repeating: 0, count: count - values.count) + values }
        return (0..<count).map { bucket in
            let start = bucket * values.count / count
            let end = max(start + 1, (bucket + 1) * values.count / count)
            let slice = values[start..<end]
            return slice.reduce(0, +) / Double(slice.count)
        }
    }
}

/// A line chart in braille dots (2×4 per cell), the newest on the right;
/// falls back to a sparkline where braille cannot be drawn.
public struct BrailleChart: Widget, Sendable {
    public var values: [Double]
    public var useBraille: Bool
    /// The top of the scale; the values' maximum when nil.
    public var maximum: Double?
    public var style: Style

    public init(values: [Double], useBraille: Bool = true, maximum: Double? = nil, style: Style = .plain) {
        self.values = values
        self.useBraille = useBraille
        self.maximum = maximum
        self.style = style
    }

    public func lines(width: Int, height: Int) -> [String] {
        guard useBraille else {
            return Array(repeating: "", count: max(0, height - 1)) + [Sparkline(values: values, maximum: maximum).text(width: width)]
        }
        let points = Sparkline.resample(values, to: width * 2)
        let top = maximum ?? (points.max() ?? 0)
        let dotRows = height * 4
        // Dot bits, left column then right column, top to bottom.
        let left: [UInt32] = [0x01, 0x02, 0x04, 0x40]
        let right: [UInt32] = [0x08, 0x10, 0x20, 0x80]
        var cells = Array(repeating: Array(repeating: UInt32(0), count: width), count: height)
        for (index, value) in points.enumerated() {
            guard top > 0, value > 0 else { continue }
            let level = max(1, min(dotRows, Int((value / top) * Double(dotRows) + 0.5)))
            for dot in 0..<level {
                let row = dotRows - 1 - dot
                let cellRow = row / 4
                let bits = index % 2 == 0 ? left : right
                cells[cellRow][index / 2] |= bits[row % 4]
            }
        }
        return cells.map { row in
            String(row.map { bits in bits == 0 ? " " : Character(Unicode.Scalar(0x2800 + bits)!) })
        }
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        for (offset, line) in lines(width: area.width, height: area.height).enumerated() {
            grid.write(line, x: area.x, y: area.y + offset, style: style, maxWidth: area.width)
        }
    }
}

/// A horizontal bar filled to `ratio`, coloured start → mid → end as it fills.
public struct Gauge: Widget, Sendable {
    public var ratio: Double
    public var label: String
    public var theme: Theme

    public init(ratio: Double, label: String, theme: Theme) {
        self.ratio = max(0, min(1, ratio))
        self.label = label
        self.theme = theme
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        let filled = max(0, Int((ratio * Double(area.width)).rounded()))
        let style = ratio < 0.5 ? theme["gauge.start"] : (ratio < 0.8 ? theme["gauge.mid"] : theme["gauge.end"])
        grid.write(String(repeating: "█", count: filled), x: area.x, y: area.y, style: style, maxWidth: area.width)
        grid.write(String(repeating: "░", count: max(0, area.width - filled)), x: area.x + filled, y: area.y, style: theme["muted"])
        let text = " \(label) "
        grid.write(text, x: area.x + max(0, (area.width - DisplayWidth.of(text)) / 2), y: area.y, style: theme["title"], maxWidth: area.width)
    }
}
