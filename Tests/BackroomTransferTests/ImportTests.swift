import BackroomCore
import BackroomServices
import BackroomTestSupport
@testable import BackroomTransfer
import Foundation
import Testing

/// Imports: every bad row reported by line, column and reason; nothing
/// written under reject-all; exactly the good rows under skip-bad-rows;
/// every change in the ledger with its reason and the file as reference.
@Suite("Import")
struct ImportTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-import-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ text: String, bom: Bool = false) throws -> String {
        let path = directory.appendingPathComponent(name).path
        var data = Data(text.utf8)
        if bom { data = Data([0xEF, 0xBB, 0xBF]) + data }
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func shop() async throws -> TestShop {
        let test = try TestShop()
        try await test.product("MUG-1", name: "Mug", price: 1290, stock: 40, reorderPoint: 5)
        try await test.product("MUG-2", name: "Mug, blue", price: 1290, stock: 3)
        return test
    }

    func counts(_ test: TestShop) throws -> (products: Int, ledger: Int) {
        (try test.count("SELECT COUNT(*) FROM product"), try test.count("SELECT COUNT(*) FROM stock_movement"))
    }

    @Test("products: creates and updates, UTF-8 with a BOM, `;` separators, CRLF, quoted fields with separators and line breaks")
    func products() async throws {
        let test = try await shop()
        let path = try file("products.csv", "sku;name;price;reorder_point;initial_stock;description\r\n"
            + "NEW-1;\"Cup; large\";12,50;3;7;\"two\r\nlines, and \"\"quotes\"\"\"\r\n"
            + "MUG-1;Mug;13.90;;;\r\n"
            + "MUG-2;Mug, blue;12.90;;;\r\n", bom: true)
        let report = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.products, path: path)
        #expect(report.problemCount == 0, "\(report.text)")
        #expect(report.creates == 1 && report.updates == 1 && report.unchanged == 1 && report.ledgerRows == 1)
        let created = try await test.item("NEW-1")
        #expect(created.product.name == "Cup; large")
        #expect(created.product.price.minorUnits == 1250, "12,50 is twelve fifty")
        #expect(created.product.description == "two\r\nlines, and \"quotes\"")
        #expect(created.stock.onHand == 7)
        #expect(try await test.item("MUG-1").product.price.minorUnits == 1390)
        let ledger = try await test.shop.inventory.movements(of: SKU("NEW-1"), window: ListWindow(), by: TestShop.admin).items
        #expect(ledger.map(\.reason) == [.received] && ledger.first?.reference == "import products.csv")
        // One audit entry for the whole import, none per row.
        let audit = try await test.shop.audit.entries(matching: AuditFilter(actor: TestShop.operatorPrincipal.name), window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.map(\.action) == ["import.products"])
        #expect(audit.items.first?.summary == "1 created, 1 updated, 1 ledger row, 1 unchanged")
    }

    @Test("every kind of bad row is reported by line and column, and reject-all writes nothing")
    func badRows() async throws {
        let test = try await shop()
        let before = try counts(test)
        let path = try file("bad.csv", """
            sku,name,price,reorder_point
            GOOD-1,Fine,1.00,1
            bad sku,Name,1.00,1
            NEW-2,,1.00,1
            NEW-3,Name,12.3.4,1
            NEW-4,Name,1.00,ten
            NEW-5,Name,1.00
            GOOD-1,Again,1.00,1
            NEW-6,"Name" again,1.00,1
            NEW-7,Na"me,1.00,1
            NEW-8,Name,"1.00,1

            """)
        let report = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.products, path: path)
        let found = report.problems.map { "\($0.line) \($0.column ?? "-")" }
        #expect(found == ["9 name", "10 name", "11 price", "3 sku", "4 name", "5 price", "6 reorder_point", "7 -", "8 sku"], "\(report.text)")
        #expect(report.problems.first { $0.line == 3 }?.reason == "A SKU may use letters A–Z, digits, '-', '_' and '.' only.")
        #expect(report.problems.first { $0.line == 7 }?.reason == "has 3 fields; the header has 4")
        #expect(report.problems.first { $0.line == 8 }?.reason == "SKU GOOD-1 appears more than once in the file")
        #expect(report.problems.first { $0.line == 11 }?.reason == "bad quoting: a quote opened in this row is never closed")
        #expect(report.problems.first { $0.line == 9 }?.reason == "bad quoting: text after a closing quote")
        #expect(!report.written)
        #expect(try counts(test) == before, "reject-all: nothing written")
        #expect(report.text.contains("Nothing was written because some rows are bad"))
    }

    @Test("skip-bad-rows writes exactly the good rows")
    func skipBadRows() async throws {
        let test = try await shop()
        let path = try file("stock.csv", """
            sku,delta,count,expected,reason,reference
            MUG-1,+5,,,received,delivery 7
            NOPE-1,+1,,,received,
            MUG-2,,10,3,cycle_count,
            MUG-1,-1,,,received,
            MUG-2,,12,99,,
            MUG-2,x,,,received,

            """)
        let before = try counts(test)
        let options = ImportOptions(policy: .skipBadRows)
        let report = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.stock, path: path, options: options)
        #expect(report.written)
        #expect(report.problems.map(\.line) == [3, 5, 6, 7], "\(report.text)")
        #expect(report.problems.first { $0.line == 3 }?.reason == "no product with SKU NOPE-1")
        #expect(report.problems.first { $0.line == 5 }?.reason == "A received change must add stock (use correction to remove).")
        #expect(report.problems.first { $0.line == 6 }?.reason == "on hand is 3, not the 99 the file expects")
        #expect(report.problems.first { $0.line == 7 }?.reason == "\"x\" is not a whole number")
        #expect(try counts(test).ledger == before.ledger + 2)
        #expect(try await test.item("MUG-1").stock.onHand == 45)
        #expect(try await test.item("MUG-2").stock.onHand == 10)
        let ledger = try await test.shop.inventory.movements(of: SKU("MUG-1"), window: ListWindow(limit: 1), by: TestShop.admin).items
        #expect(ledger.first?.reason == .received && ledger.first?.reference == "stock.csv:2 delivery 7")
        let count = try await test.shop.inventory.movements(of: SKU("MUG-2"), window: ListWindow(limit: 1), by: TestShop.admin).items
        #expect(count.first?.reason == .cycleCount && count.first?.reference == "stock.csv:4")
    }

    @Test("a count against a different expected value is a conflict and is not written")
    func expectedMismatch() async throws {
        let test = try await shop()
        let path = try file("count.csv", "sku,count,expected\nMUG-1,30,39\n")
        let report = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.stock, path: path)
        #expect(report.problems.map(\.description) == ["line 2, column expected: on hand is 40, not the 39 the file expects"])
        #expect(try await test.item("MUG-1").stock.onHand == 40)
    }

    @Test("dry run reports what would change and writes nothing")
    func dryRun() async throws {
        let test = try await shop()
        let before = try counts(test)
        let path = try file("dry.csv", "sku,delta,reason\nMUG-1,-2,damaged\nMUG-2,+4,received\n")
        let report = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.stock, path: path, options: ImportOptions(dryRun: true))
        #expect(report.ledgerRows == 2 && !report.written)
        #expect(report.firstChanges == ["MUG-1: on hand 40 → 38 (damaged)", "MUG-2: on hand 3 → 7 (received)"])
        #expect(report.text.hasPrefix("dry.csv: 2 rows read; would write (dry run, nothing written): 2 ledger rows, 0 unchanged"))
        #expect(try counts(test) == before)
    }

    @Test("a header with a missing or unknown column refuses the file")
    func header() async throws {
        let test = try await shop()
        let missing = try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.stock, path: try file("a.csv", "code,delta\nX,1\n"))
        #expect(missing.problems.map(\.description).contains { $0.hasPrefix("line 1, column sku: missing column \"sku\"") })
        #expect(missing.problems.map(\.description).contains { $0.hasPrefix("line 1, column code: unknown column \"code\"") })
        #expect(!missing.written)
    }

    @Test("a file that is not UTF-8 is refused with the line")
    func notUTF8() async throws {
        let test = try await shop()
        let path = directory.appendingPathComponent("latin1.csv").path
        try Data("sku,delta,reason\nMUG-1,1,received\nMUG-2,1,caf".utf8 + [0xE9] + Data(",x\n".utf8)).write(to: URL(fileURLWithPath: path))
        await #expect(throws: BackroomError.self) {
            try await Importer(shop: test.shop, principal: TestShop.operatorPrincipal).run(.stock, path: path)
        }
        #expect(try await test.item("MUG-1").stock.onHand == 40)
    }

    @Test("a viewer may not import")
    func viewer() async throws {
        let test = try await shop()
        let path = try file("v.csv", "sku,delta,reason\nMUG-1,1,received\n")
        await #expect(throws: BackroomError.self) {
            try await Importer(shop: test.shop, principal: TestShop.viewer).run(.stock, path: path)
        }
        #expect(try await test.item("MUG-1").stock.onHand == 40)
    }
}
