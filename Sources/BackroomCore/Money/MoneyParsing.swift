extension Money {
    /// Parses an amount as a person types it, by the currency's rules:
    /// either `.` or `,` as the decimal mark (`12.90`, `12,90`, `12,5`), at
    /// most the currency's decimal places, grouping of thousands with the
    /// other mark, a space or an apostrophe (`1,204.50`, `1.204,50`,
    /// `1 204,50`), one currency symbol or code at either end, and a leading
    /// minus. Text that could mean two amounts is refused rather than
    /// guessed: `1,250` is one thousand two hundred and fifty to some and
    /// one and a quarter to others. Everything refused is a
    /// `validation_failed` naming `field`.
    public static func parse(_ text: String, currency: Currency, field: String = "price") throws(BackroomError) -> Money {
        try AmountText(text, currency: currency, field: field).money()
    }
}

/// The lexical rules behind `Money.parse`, one step per method.
struct AmountText {
    let original: String
    let currency: Currency
    let field: String

    init(_ text: String, currency: Currency, field: String) {
        original = text
        self.currency = currency
        self.field = field
    }

    private static let groupingSpaces: Set<Character> = [" ", "\u{00A0}", "\u{202F}"]
    private static let apostrophes: Set<Character> = ["'", "\u{2019}"]
    private static let maximumMajorDigits = 15

    func money() throws(BackroomError) -> Money {
        var (negative, body) = try signAndBody()
        body = body.trimmingWhitespace()
        guard !body.isEmpty else {
            throw .validation(field, "Enter an amount, like \(example).")
        }
        guard body.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," || Self.groupingSpaces.contains($0) || Self.apostrophes.contains($0) }) else {
            throw notAnAmount("use digits, one decimal mark and at most one currency symbol")
        }
        let (majorDigits, minorDigits) = try split(body)
        guard majorDigits.count <= Self.maximumMajorDigits,
              let major = Int64(majorDigits.isEmpty ? "0" : majorDigits)
        else {
            throw .validation(field, "The amount is too large.")
        }
        let padded = minorDigits + String(repeating: "0", count: currency.minorUnitDigits - minorDigits.count)
        let minor = Int64(padded.isEmpty ? "0" : padded) ?? 0
        let (scaled, overflow) = major.multipliedReportingOverflow(by: currency.minorUnitsPerMajor)
        guard !overflow else { throw .validation(field, "The amount is too large.") }
        let units = scaled + minor
        if units == 0 { negative = false }
        return Money(minorUnits: negative ? -units : units, currency: currency)
    }

    private var example: String {
        currency.minorUnitDigits == 0 ? "1200" : "12.90 or 12,90"
    }

    private func notAnAmount(_ reason: String) -> BackroomError {
        .validation(field, "\"\(original.prefix(40))\" is not an amount: \(reason).")
    }

    /// Strips one symbol or code at the start or the end, and the sign.
    private func signAndBody() throws(BackroomError) -> (negative: Bool, body: String) {
        var body = original.trimmingWhitespace()
        var negative = false
        if body.hasPrefix("-") {
            negative = true
            body = String(body.dropFirst()).trimmingWhitespace()
        }
        let markers = [currency.symbol.trimmingWhitespace(), currency.code].filter { !$0.isEmpty }
        var strippedMarker = false
        for marker in markers where !strippedMarker {
            if body.uppercased().hasPrefix(marker.uppercased()) {
                body = String(body.dropFirst(marker.count)).trimmingWhitespace()
                strippedMarker = true
            } else if body.uppercased().hasSuffix(marker.uppercased()) {
                body = String(body.dropLast(marker.count)).trimmingWhitespace()
                strippedMarker = true
            }
        }
        if strippedMarker, !negative, body.hasPrefix("-") {
            negative = true
            body = String(body.dropFirst()).trimmingWhitespace()
        }
        if body.hasPrefix("-") { throw notAnAmount("it has more than one minus sign") }
        return (negative, body)
    }

    /// Splits digits into major and minor parts, deciding which separator
    /// is the decimal mark and checking the grouping.
    private func split(_ body: String) throws(BackroomError) -> (major: String, minor: String) {
        let characters = Array(body)
        let separatorIndices = characters.indices.filter { !characters[$0].isASCIIDigit }
        guard let lastIndex = separatorIndices.last else { return (body, "") }
        let last = characters[lastIndex]
        let digitsAfterLast = characters.count - lastIndex - 1
        let lastIsMark = last == "." || last == ","
        let lastOccursOnce = characters.filter { $0 == last }.count == 1
        let groupingAfterLast = digitsAfterLast == 3

        // One mark followed by up to the currency's places: a decimal mark.
        if lastIsMark, lastOccursOnce, digitsAfterLast >= 1, digitsAfterLast <= currency.minorUnitDigits {
            let major = try grouped(Array(characters[..<lastIndex]), decimalMark: last)
            return (major, String(characters[(lastIndex + 1)...]))
        }
        if lastIsMark, digitsAfterLast == 0 {
            throw notAnAmount("it ends with a separator")
        }
        if lastIsMark, lastOccursOnce, separatorIndices.count == 1, groupingAfterLast, currency.minorUnitDigits > 0 {
            let whole = String(characters.filter(\.isASCIIDigit))
            throw .validation(field, "\"\(original.prefix(40))\" is ambiguous: write \(whole) for the whole amount, or use at most \(currency.minorUnitDigits) decimals.")
        }
        if lastIsMark, lastOccursOnce, digitsAfterLast > 0, digitsAfterLast != 3 {
            if currency.minorUnitDigits == 0 {
                throw .validation(field, "\(currency.code) has no decimal places.")
            }
            throw .validation(field, "\(currency.code) has \(currency.minorUnitDigits) decimal places at most.")
        }
        // Otherwise every separator groups thousands.
        return (try grouped(characters, decimalMark: nil), "")
    }

    /// Digits grouped in threes by one kind of separator (not the decimal
    /// mark); returns the bare digits.
    private func grouped(_ characters: [Character], decimalMark: Character?) throws(BackroomError) -> String {
        let separators = Set(characters.filter { !$0.isASCIIDigit })
        guard !separators.isEmpty else { return String(characters) }
        guard separators.count == 1, let separator = separators.first, separator != decimalMark else {
            throw notAnAmount("it mixes separators")
        }
        let groups = characters.split(separator: separator, omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
            throw notAnAmount("write it like 12.90")
        }
        return String(characters.filter(\.isASCIIDigit))
    }
}
