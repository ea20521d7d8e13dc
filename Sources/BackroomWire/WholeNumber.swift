/// An integer in a request body. Foundation's decoder answers `1.5` for an
/// `Int64` with "the given data was not valid JSON" and no field, which
/// tells a client nothing; this reads the number first and then says what
/// is wrong with it, naming the field.
public struct WholeNumber: Codable, Sendable, Hashable {
    public var value: Int64

    public init(_ value: Int64) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self.value = value
            return
        }
        guard let number = try? container.decode(Double.self) else {
            throw DecodingError.typeMismatch(Int64.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a whole number"))
        }
        let reason = number.rounded() == number ? "is too large" : "must be a whole number"
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(WholeNumber.marker) \(reason)"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Marks the decoding errors this type raises, for the problem mapper.
    public static let marker = "whole-number:"
}
