/// An ISO 4217 currency that Backroom knows how to count and print.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String
    /// Digits after the decimal point: 2 for EUR (cents), 0 for JPY.
    public let minorUnitDigits: Int
    public let symbol: String
    /// Whether the symbol goes before the amount (`€12.90`) or after (`12,90 kr`).
    public let symbolLeads: Bool

    public static let eur = Currency(code: "EUR", minorUnitDigits: 2, symbol: "€", symbolLeads: true)
    public static let usd = Currency(code: "USD", minorUnitDigits: 2, symbol: "$", symbolLeads: true)
    public static let gbp = Currency(code: "GBP", minorUnitDigits: 2, symbol: "£", symbolLeads: true)
    public static let jpy = Currency(code: "JPY", minorUnitDigits: 0, symbol: "¥", symbolLeads: true)
    public static let chf = Currency(code: "CHF", minorUnitDigits: 2, symbol: "CHF ", symbolLeads: true)
    public static let sek = Currency(code: "SEK", minorUnitDigits: 2, symbol: " kr", symbolLeads: false)

    public static let known: [Currency] = [.eur, .usd, .gbp, .jpy, .chf, .sek]

    /// Looks a currency up by its ISO code (case-insensitive).
    public init(code: String) throws(BackroomError) {
        let upper = code.uppercased()
        guard let match = Currency.known.first(where: { $0.code == upper }) else {
            let codes = Currency.known.map(\.code).joined(separator: ", ")
            throw .validation("currency", "Unknown currency \"\(code)\"; use one of \(codes).")
        }
        self = match
    }

    private init(code: String, minorUnitDigits: Int, symbol: String, symbolLeads: Bool) {
        self.code = code
        self.minorUnitDigits = minorUnitDigits
        self.symbol = symbol
        self.symbolLeads = symbolLeads
    }

    /// 100 for cents, 1 for yen.
    public var minorUnitsPerMajor: Int64 {
        var factor: Int64 = 1
        for _ in 0..<minorUnitDigits { factor *= 10 }
        return factor
    }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Currency(code: code)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
