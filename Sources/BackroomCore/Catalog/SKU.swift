/// A stock-keeping unit: 1 to 64 characters of `A-Z a-z 0-9 - _ .`.
/// SKUs compare case-insensitively in the store, so `mug-1` finds `MUG-1`.
public struct SKU: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 64

    public init(_ text: String) throws(BackroomError) {
        guard !text.isEmpty else { throw .validation("sku", "Enter a SKU.") }
        guard text.utf8.count <= SKU.maximumLength else {
            throw .validation("sku", "A SKU has at most \(SKU.maximumLength) characters.")
        }
        guard text.utf8.allSatisfy(SKU.isAllowed) else {
            throw .validation("sku", "A SKU may use letters A–Z, digits, '-', '_' and '.' only.")
        }
        guard text != ".", text != ".." else {
            // Path segments a proxy or a client would resolve as directories.
            throw .validation("sku", "A SKU cannot be \"\(text)\".")
        }
        rawValue = text
    }

    /// For values read back from the store, which only ever holds valid SKUs.
    public init(trusted text: String) {
        rawValue = text
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: SKU, rhs: SKU) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try SKU(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
