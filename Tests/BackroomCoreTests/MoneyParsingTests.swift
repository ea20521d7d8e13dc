import BackroomCore
import Testing

@Suite("Parsing amounts by the currency's rules")
struct MoneyParsingTests {
    @Test("a decimal comma or point, grouping in threes, one symbol at either end", arguments: [
        ("12,50", Int64(1250)), ("12,5", 1250), ("12.5", 1250), ("12.90", 1290), ("0,05", 5), (",5", 50),
        ("1.204,50", 120_450), ("1,204.50", 120_450), ("1 204,50", 120_450), ("1\u{00A0}204,50", 120_450),
        ("1,250,000", 125_000_000), ("1.250.000", 125_000_000), ("1,250.5", 125_050),
        ("€12,90", 1290), ("12,90 €", 1290), ("EUR 12.90", 1290), ("12.90 eur", 1290), ("-€3", -300), ("€-3", -300), ("- 3", -300), ("-0", 0),
    ])
    func euros(text: String, cents: Int64) throws {
        #expect(try Money.parse(text, currency: .eur).minorUnits == cents)
    }

    @Test("what could mean two amounts, or none, is refused naming the field", arguments: [
        "1,250", "1.250", "12,505", "12.345", "€€1€", "€1€", "1€2", "12,5,0", "1,2,3", "1.204.5", "1,204,50",
        "12.", "12,", "1.2,5", "12 ,50", "--1", "1-", "€", "", "   ", "1O", "12,50x", "$12.50",
    ])
    func refused(text: String) {
        #expect {
            try Money.parse(text, currency: .eur, field: "price")
        } throws: { error in
            (error as? BackroomError)?.code == .validationFailed && (error as? BackroomError)?.field == "price"
        }
    }

    @Test("ambiguity is explained, not guessed")
    func ambiguous() {
        #expect {
            try Money.parse("1,250", currency: .eur)
        } throws: { error in
            (error as? BackroomError)?.message.contains("ambiguous") == true
        }
    }

    @Test("yen has no decimal places, so three digits after a mark can only be grouping")
    func yen() throws {
        #expect(try Money.parse("1,250", currency: .jpy).minorUnits == 1250)
        #expect(try Money.parse("¥1.250", currency: .jpy).minorUnits == 1250)
        #expect(throws: BackroomError.self) { try Money.parse("12,5", currency: .jpy) }
    }

    @Test("kronor and francs: their symbols and grouping", arguments: [
        (Currency.sek, "12,50 kr", Int64(1250)), (.sek, "1 204,50 kr", 120_450), (.chf, "CHF 1'204.50", 120_450), (.chf, "12.5", 1250),
        (.gbp, "£1,204.50", 120_450), (.usd, "$0.99", 99),
    ])
    func otherCurrencies(currency: Currency, text: String, minorUnits: Int64) throws {
        #expect(try Money.parse(text, currency: currency).minorUnits == minorUnits)
    }
}
