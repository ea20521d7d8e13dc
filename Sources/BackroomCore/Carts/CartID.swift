/// An unguessable cart token (`c_` + 26 base-32 characters, 130 random
/// bits). Holding it is what lets an anonymous shopper use the cart.
public struct CartID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
    private static let bodyLength = 26

    /// Parses a token a client sent; anything not shaped like one is `not_found`
    /// (a malformed token cannot name a cart).
    public init(_ text: String) throws(BackroomError) {
        guard text.hasPrefix("c_"), text.count == CartID.bodyLength + 2,
              text.dropFirst(2).allSatisfy({ CartID.alphabet.contains($0) })
        else {
            throw .notFound("No cart \"\(text.prefix(40))\".")
        }
        rawValue = text
    }

    public init(trusted text: String) {
        rawValue = text
    }

    /// A fresh token from a cryptographically secure generator.
    public static func random() -> CartID {
        var generator = SystemRandomNumberGenerator()
        var body = ""
        for _ in 0..<bodyLength {
            body.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))])
        }
        return CartID(trusted: "c_" + body)
    }

    public var description: String { rawValue }

    /// The first few characters, for logs and live views (`c_9f2…`).
    public var abbreviated: String { String(rawValue.prefix(5)) + "…" }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
