import BackroomCore
import Testing

@Suite("Validation")
struct ValidationTests {
    @Test("valid SKUs", arguments: ["MUG-0002", "a", "x.y_z-1", String(repeating: "A", count: 64)])
    func goodSKU(text: String) throws {
        #expect(try SKU(text).rawValue == text)
    }

    @Test("invalid SKUs name the field", arguments: ["", " MUG", "MUG 2", "mug/2", "ÄPFEL", "藍色", String(repeating: "A", count: 65), "a\u{0}b"])
    func badSKU(text: String) {
        #expect {
            try SKU(text)
        } throws: { error in
            (error as? BackroomError)?.code == .validationFailed && (error as? BackroomError)?.field == "sku"
        }
    }

    @Test("emails are normalised to lower case", arguments: [
        ("Ana@Example.COM", "ana@example.com"), ("  li.wei+shop@mail.example.org ", "li.wei+shop@mail.example.org"),
    ])
    func goodEmail(text: String, normalised: String) throws {
        #expect(try Email(text).rawValue == normalised)
    }

    @Test("invalid emails", arguments: ["", "ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@@example.com", "ana@-x.com", ".ana@example.com", "ana..b@example.com"])
    func badEmail(text: String) {
        #expect {
            try Email(text)
        } throws: { error in
            (error as? BackroomError)?.field == "email"
        }
    }

    @Test("line quantities are 1 to 999", arguments: [(Int64(0), false), (1, true), (999, true), (1000, false), (-1, false), (.max, false)])
    func lineQuantity(quantity: Int64, valid: Bool) {
        #expect(((try? QuantityRules.lineQuantity(quantity)) != nil) == valid)
    }

    @Test("adjustments are non-zero and bounded", arguments: [(Int64(0), false), (-5, true), (5, true), (1_000_000_001, false), (.min, false)])
    func adjustment(delta: Int64, valid: Bool) {
        #expect(((try? QuantityRules.adjustment(delta)) != nil) == valid)
    }

    @Test("product names keep CJK and emoji; empty, control and too long are refused")
    func productNames() throws {
        let draft = ProductDraft(sku: "MUG-1", name: "  Enamel mug, 藍色 🌲 ", price: Money(minorUnits: 1290, currency: .eur))
        #expect(try draft.validated().name == "Enamel mug, 藍色 🌲")
        for bad in ["", "   ", "tab\tname", "line\nbreak", String(repeating: "名", count: 201)] {
            var invalid = draft
            invalid.name = bad
            #expect(throws: BackroomError.self) { try invalid.validated() }
        }
        var negative = draft
        negative.price = Money(minorUnits: -1, currency: .eur)
        #expect { try negative.validated() } throws: { ($0 as? BackroomError)?.field == "price" }
        var stock = draft
        stock.initialStock = -3
        #expect { try stock.validated() } throws: { ($0 as? BackroomError)?.field == "initialStock" }
    }

    @Test("reasons fit the direction of the change", arguments: [
        (MovementReason.received, Int64(5), true), (.received, -5, false), (.damaged, -1, true), (.damaged, 1, false),
        (.shrinkage, -2, true), (.return, 3, true), (.return, -3, false), (.correction, -4, true), (.correction, 4, true),
        (.cycleCount, -9, true), (.sale, -1, false),
    ])
    func reasons(reason: MovementReason, delta: Int64, valid: Bool) {
        #expect(((try? reason.validate(manualDelta: delta)) != nil) == valid)
    }

    @Test("on hand cannot drop below what is held and allocated")
    func committedStock() throws {
        let level = StockLevel(onHand: 10, held: 3, allocated: 5)
        #expect(level.available == 2)
        #expect(try level.adjusted(by: -2, sku: SKU("A")).onHand == 8)
        #expect {
            try level.adjusted(by: -3, sku: SKU("A"))
        } throws: { error in
            guard let error = error as? BackroomError, error.code == .insufficientStock else { return false }
            return error.detail == .shortages([StockShortage(sku: SKU(trusted: "A"), requested: 3, available: 2)])
        }
    }

    @Test("addresses need the required lines and a two-letter country")
    func addresses() throws {
        let address = ShippingAddress(name: "李伟", line1: "Via Roma 1", city: "Milan", postalCode: "20121", country: "it")
        #expect(try address.validated().country == "IT")
        var bad = address
        bad.country = "Italy"
        #expect { try bad.validated() } throws: { ($0 as? BackroomError)?.field == "shippingAddress.country" }
        bad = address
        bad.city = " "
        #expect { try bad.validated() } throws: { ($0 as? BackroomError)?.field == "shippingAddress.city" }
    }

    @Test("cursors round-trip and refuse another sort or garbage")
    func cursors() throws {
        let key = KeysetKey(value: .text("Enamel mug, 藍色"), id: 42)
        let cursor = KeysetCursor.encode(key, sort: "name")
        #expect(try KeysetCursor.decode(cursor, sort: "name") == key)
        #expect(throws: BackroomError.self) { try KeysetCursor.decode(cursor, sort: "-name") }
        #expect(throws: BackroomError.self) { try KeysetCursor.decode("not a cursor", sort: "name") }
    }

    @Test("sort tokens parse with - for descending")
    func sortTokens() throws {
        #expect(try ProductSort(parsing: "-price") == ProductSort(.price, .descending))
        #expect(try ProductSort(parsing: "sku").token == "sku")
        #expect(throws: BackroomError.self) { try ProductSort(parsing: "colour") }
    }
}
