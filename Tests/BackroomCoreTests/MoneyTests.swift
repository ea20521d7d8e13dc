import BackroomCore
import Testing

@Suite("Money")
struct MoneyTests {
    @Test("adds and multiplies in minor units")
    func arithmetic() throws {
        let price = Money(minorUnits: 1290, currency: .eur)
        #expect(try price.multiplied(by: 3) == Money(minorUnits: 3870, currency: .eur))
        #expect(try price.adding(Money(minorUnits: 10, currency: .eur)).minorUnits == 1300)
        #expect(try Money.sum([price, price], currency: .eur).minorUnits == 2580)
        #expect(try Money.sum([], currency: .eur) == .zero(.eur))
    }

    @Test("overflow and mixed currencies are errors, not wrong numbers")
    func overflow() {
        let huge = Money(minorUnits: .max / 2 + 1, currency: .eur)
        #expect(throws: BackroomError.self) { try huge.multiplied(by: 2) }
        #expect(throws: BackroomError.self) { try huge.adding(huge) }
        #expect(throws: BackroomError.self) { try Money.zero(.eur).adding(.zero(.usd)) }
    }

    @Test("formats with symbol, grouping and the currency's decimals", arguments: [
        (Money(minorUnits: 1290, currency: .eur), "€12.90"),
        (Money(minorUnits: 120_450, currency: .eur), "€1,204.50"),
        (Money(minorUnits: -300, currency: .eur), "-€3.00"),
        (Money(minorUnits: 5, currency: .usd), "$0.05"),
        (Money(minorUnits: 1200, currency: .jpy), "¥1,200"),
        (Money(minorUnits: 1290, currency: .sek), "12.90 kr"),
        (Money(minorUnits: 100_000_000, currency: .gbp), "£1,000,000.00"),
    ])
    func formatting(money: Money, expected: String) {
        #expect(money.formatted == expected)
    }

    @Test("parses what people type", arguments: [
        ("12.90", Int64(1290)), ("12.9", 1290), ("12", 1200), ("€12.90", 1290), ("1,204.50", 120_450),
        (" 0.05 ", 5), (".5", 50), ("-3", -300),
    ])
    func parsing(text: String, cents: Int64) throws {
        #expect(try Money.parse(text, currency: .eur).minorUnits == cents)
    }

    @Test("refuses what is not an amount", arguments: ["", "abc", "12.905", "1.2.3", "12,90€x", "--1", "99999999999999999999"])
    func badAmounts(text: String) {
        #expect(throws: BackroomError.self) { try Money.parse(text, currency: .eur) }
    }

    @Test("yen has no decimals")
    func yen() throws {
        #expect(try Money.parse("1200", currency: .jpy).minorUnits == 1200)
        #expect(throws: BackroomError.self) { try Money.parse("12.5", currency: .jpy) }
    }

    @Test("unknown currencies are refused with the field named")
    func currency() {
        #expect(throws: BackroomError.validation("currency", "Unknown currency \"XYZ\"; use one of EUR, USD, GBP, JPY, CHF, SEK.")) {
            try Currency(code: "XYZ")
        }
        #expect((try? Currency(code: "usd")) == .usd)
    }
}
