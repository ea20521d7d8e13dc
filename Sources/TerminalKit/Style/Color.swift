/// A colour as a theme names it: the terminal's default, or an RGB value
/// that each backend maps to what the terminal can show.
public enum Color: Hashable, Sendable {
    case `default`
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `#rrggbb`, `#rgb` or `default`.
    public init?(hex text: String) {
        var body = Substring(text.lowercased())
        if body == "default" || body == "none" {
            self = .default
            return
        }
        guard body.hasPrefix("#") else { return nil }
        body = body.dropFirst()
        if body.count == 3 { body = Substring(body.map { "\($0)\($0)" }.joined()) }
        guard body.count == 6, let value = UInt32(body, radix: 16) else { return nil }
        self = .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }

    public var hex: String {
        switch self {
        case .default: return "default"
        case .rgb(let red, let green, let blue):
            return "#" + [red, green, blue].map { value in
                let digits = String(value, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        }
    }
}

/// What a terminal can show, from the environment: `NO_COLOR` and
/// `TERM=dumb` mean none; otherwise 256 or 8 colours as the terminal says.
public enum ColorProfile: String, Sendable, Hashable {
    case none
    case basic8
    case palette256

    public static func detect(environment: [String: String], terminalColors: Int) -> ColorProfile {
        if environment["NO_COLOR"].map({ !$0.isEmpty }) == true { return .none }
        if environment["TERM"] == "dumb" { return .none }
        if terminalColors >= 256 { return .palette256 }
        if terminalColors >= 8 { return .basic8 }
        return .none
    }

    /// The palette index nearest to `color`, or -1 for the default colour.
    public func index(for color: Color) -> Int {
        guard case .rgb(let red, let green, let blue) = color else { return -1 }
        switch self {
        case .none:
            return -1
        case .basic8:
            return ColorProfile.nearest(red, green, blue, in: ColorProfile.basicPalette)
        case .palette256:
            return ColorProfile.nearest256(red, green, blue)
        }
    }

    static let basicPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    ]

    static func nearest(_ red: UInt8, _ green: UInt8, _ blue: UInt8, in palette: [(Int, Int, Int)]) -> Int {
        var best = 0
        var bestDistance = Int.max
        for (index, entry) in palette.enumerated() {
            let distance = square(Int(red) - entry.0) + square(Int(green) - entry.1) + square(Int(blue) - entry.2)
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return best
    }

    /// The xterm 256-colour palette: the 6×6×6 cube or the grey ramp, whichever is closer.
    static func nearest256(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeIndex(_ value: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(value)) < abs(levels[$1] - Int(value)) }!
        }
        let (r, g, b) = (cubeIndex(red), cubeIndex(green), cubeIndex(blue))
        let cubeDistance = square(levels[r] - Int(red)) + square(levels[g] - Int(green)) + square(levels[b] - Int(blue))
        let average = (Int(red) + Int(green) + Int(blue)) / 3
        let greyStep = max(0, min(23, (average - 8 + 5) / 10))
        let grey = 8 + 10 * greyStep
        let greyDistance = square(grey - Int(red)) + square(grey - Int(green)) + square(grey - Int(blue))
        return greyDistance < cubeDistance ? 232 + greyStep : 16 + 36 * r + 6 * g + b
    }

    private static func square(_ value: Int) -> Int { value * value }
}
