import Foundation

/// An amount of money: whole minor units (cents) and a currency. There is
/// no floating point anywhere money flows; arithmetic that would overflow
/// or mix currencies throws instead of guessing.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    public var isNegative: Bool { minorUnits < 0 }

    public func adding(_ other: Money) throws(BackroomError) -> Money {
        guard other.currency == currency else {
            throw .validation("currency", "Cannot add \(other.currency.code) to \(currency.code).")
        }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw Money.tooLarge }
        return Money(minorUnits: sum, currency: currency)
    }

    public func multiplied(by quantity: Int64) throws(BackroomError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw Money.tooLarge }
        return Money(minorUnits: product, currency: currency)
    }

    /// Sums amounts of one currency; an empty list is zero.
    public static func sum(_ amounts: [Money], currency: Currency) throws(BackroomError) -> Money {
        var total = Money.zero(currency)
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    private static let tooLarge = BackroomError.validation("amount", "The amount is too large.")

    /// `€1,204.50`, `-€3.00`, `¥1,200`, `12.90 kr`.
    public var formatted: String {
        let digits = currency.minorUnitDigits
        let factor = currency.minorUnitsPerMajor
        let magnitude = minorUnits.magnitude
        let major = magnitude / UInt64(factor)
        let minor = magnitude % UInt64(factor)
        var text = Money.groupThousands(String(major))
        if digits > 0 {
            let minorText = String(minor)
            text += "." + String(repeating: "0", count: digits - minorText.count) + minorText
        }
        let signed = currency.symbolLeads ? currency.symbol + text : text + currency.symbol
        return minorUnits < 0 ? "-" + signed : signed
    }

    /// The amount without symbol or grouping: `1204.50`. Stable for APIs and files.
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        let factor = UInt64(currency.minorUnitsPerMajor)
        let magnitude = minorUnits.magnitude
        var text = String(magnitude / factor)
        if digits > 0 {
            let minorText = String(magnitude % factor)
            text += "." + String(repeating: "0", count: digits - minorText.count) + minorText
        }
        return minorUnits < 0 ? "-" + text : text
    }

    public var description: String { formatted }

    private static func groupThousands(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
