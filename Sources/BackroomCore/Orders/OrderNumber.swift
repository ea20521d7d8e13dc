/// A human-friendly order number, `BR-000123`, derived from the order's id.
public struct OrderNumber: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public let id: Int64

    public init(id: Int64) {
        self.id = id
        let digits = String(id)
        rawValue = "BR-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Accepts `BR-000123`, `br-123` or `123`; anything else is `not_found`.
    public init(_ text: String) throws(BackroomError) {
        var body = Substring(text.trimmingWhitespace())
        if body.uppercased().hasPrefix("BR-") { body = body.dropFirst(3) }
        guard !body.isEmpty, body.count <= 18, body.allSatisfy(\.isASCIIDigit), let id = Int64(body), id > 0 else {
            throw .notFound("No order \"\(text.prefix(40))\".")
        }
        self.init(id: id)
    }

    public var description: String { rawValue }

    public static func < (lhs: OrderNumber, rhs: OrderNumber) -> Bool { lhs.id < rhs.id }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try OrderNumber(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
