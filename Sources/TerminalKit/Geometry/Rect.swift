/// A rectangle of cells: column `x`, row `y`, `width` × `height`.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// One row of the rectangle (relative to its top).
    public func row(_ index: Int) -> Rect {
        Rect(x: x, y: y + index, width: width, height: index < height ? 1 : 0)
    }

    /// A rectangle of `size` centred in this one (clipped to it).
    public func centered(width: Int, height: Int) -> Rect {
        let width = min(width, self.width)
        let height = min(height, self.height)
        return Rect(x: x + (self.width - width) / 2, y: y + (self.height - height) / 2, width: width, height: height)
    }

    public var description: String { "(\(x),\(y) \(width)×\(height))" }
}

public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// How a layout divides space.
public enum Constraint: Sendable, Hashable {
    /// Exactly this many cells.
    case fixed(Int)
    /// At least this many; shares what is left with the other `fill`s.
    case fill(minimum: Int = 0)
}

/// Splits a rectangle into rows or columns, ratatui-style.
public enum Layout {
    public static func vertical(_ area: Rect, _ constraints: [Constraint]) -> [Rect] {
        sizes(area.height, constraints).reduce(into: (rects: [Rect](), offset: area.y)) { state, size in
            state.rects.append(Rect(x: area.x, y: state.offset, width: area.width, height: size))
            state.offset += size
        }.rects
    }

    public static func horizontal(_ area: Rect, _ constraints: [Constraint]) -> [Rect] {
        sizes(area.width, constraints).reduce(into: (rects: [Rect](), offset: area.x)) { state, size in
            state.rects.append(Rect(x: state.offset, y: area.y, width: size, height: area.height))
            state.offset += size
        }.rects
    }

    static func sizes(_ total: Int, _ constraints: [Constraint]) -> [Int] {
        var remaining = total
        var sizes = constraints.map { constraint -> Int in
            switch constraint {
            case .fixed(let size):
                let taken = min(max(0, size), remaining)
                remaining -= taken
                return taken
            case .fill(let minimum):
                let taken = min(max(0, minimum), remaining)
                remaining -= taken
                return taken
            }
        }
        let fills = constraints.indices.filter { if case .fill = constraints[$0] { return true } else { return false } }
        guard !fills.isEmpty, remaining > 0 else { return sizes }
        let share = remaining / fills.count
        var extra = remaining % fills.count
        for index in fills {
            sizes[index] += share + (extra > 0 ? 1 : 0)
            if extra > 0 { extra -= 1 }
        }
        return sizes
    }
}
