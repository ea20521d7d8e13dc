import BackroomCore
import BackroomServices
import BackroomTestSupport
@testable import BackroomTransfer
import Foundation
import Testing

/// Exports: stable columns, correct quoting, money and times as agreed, and
/// export → import → export gives the same file.
@Suite("Export")
struct ExportTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-export-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func export(_ shop: Shop, _ kind: ExportKind, format: ExportFormat = .csv, filter: [String] = []) async throws -> (path: String, text: String) {
        let path = directory.appendingPathComponent("\(kind.rawValue)-\(UUID().uuidString).\(format.rawValue)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try await Exporter(shop: shop, principal: TestShop.admin).run(kind, filter: try ExportFilter.parse(filter, for: kind), format: format, to: handle)
        try handle.close()
        return (path, try String(contentsOfFile: path, encoding: .utf8))
    }

    static func tricky(_ test: TestShop) async throws {
        try await test.product("A-1", name: "Plain", price: 1290, stock: 12, reorderPoint: 3)
        try await test.product("A-2", name: "Comma, \"quoted\"", price: 100_050, stock: 0)
        _ = try await test.shop.inventory.createProduct(ProductDraft(
            sku: "A-3", name: "藍色 👨‍👩‍👧 e\u{301}", description: "line one\nline two; semi", price: test.euros(5), initialStock: 1_204
        ), by: TestShop.admin)
        _ = try await test.shop.inventory.setArchived([SKU("A-2")], true, by: TestShop.admin)
    }

    @Test("products and stock: fixed columns, quoting, decimal money")
    func productsCSV() async throws {
        let test = try TestShop()
        try await Self.tricky(test)
        let products = try await export(test.shop, .products).text
        #expect(products == #"""
            sku,name,description,price,currency,status,reorder_point
            A-1,Plain,,12.90,EUR,active,3
            A-2,"Comma, ""quoted""",,1000.50,EUR,archived,0
            A-3,藍色 👨‍👩‍👧 e\#u{301},"line one
            line two; semi",0.05,EUR,active,0

            """#)
        let stock = try await export(test.shop, .stock, filter: ["status=active"]).text
        #expect(stock.split(separator: "\n").first == "sku,name,on_hand,held,allocated,available,reorder_point")
        #expect(stock.contains("\nA-3,藍色 👨‍👩‍👧 e\u{301},1204,0,0,1204,0\n"))
        #expect(!stock.contains("A-2"), "the filter keeps active products")
    }

    @Test("export → import → export gives identical files, into a store in another currency's format too")
    func roundTrip() async throws {
        let source = try TestShop()
        try await Self.tricky(source)
        let products = try await export(source.shop, .products)
        let stock = try await export(source.shop, .stock)
        let target = try TestShop()
        let importer = Importer(shop: target.shop, principal: TestShop.operatorPrincipal)
        let first = try await importer.run(.products, path: products.path)
        #expect(first.problemCount == 0 && first.creates == 3, "\(first.text)")
        let second = try await importer.run(.stock, path: stock.path)
        #expect(second.problemCount == 0 && second.ledgerRows == 2, "\(second.text)")
        #expect(try await export(target.shop, .products).text == products.text)
        #expect(try await export(target.shop, .stock).text == stock.text)
        #expect(try await target.shop.checkInvariants().isEmpty)
    }

    @Test("JSON lines: one object per row, money as decimal strings, times ISO 8601 UTC, null for nothing")
    func jsonLines() async throws {
        let test = try TestShop()
        try await Self.tricky(test)
        _ = try await test.placeOrder([("A-1", 2)])
        let text = try await export(test.shop, .orders, format: .jsonl).text
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["total"] as? String == "25.80")
        #expect(object["number"] as? String == "BR-000001")
        #expect(object["payment_reference"] is NSNull)
        #expect((object["placed_at"] as? String)?.hasSuffix("Z") == true)
        let orderLines = try await export(test.shop, .orderLines).text
        #expect(orderLines.contains("\nBR-000001,1,A-1,Plain,12.90,2,25.80,EUR,"))
        let movements = try await export(test.shop, .movements).text
        #expect(movements.split(separator: "\n").count == 3, "a header and two initial-stock rows")
    }

    @Test("filters are checked against the kind")
    func filters() {
        #expect(throws: BackroomError.self) { try ExportFilter.parse(["colour=blue"], for: .products) }
        #expect(throws: BackroomError.self) { try ExportFilter.parse(["status"], for: .orders) }
        #expect(throws: BackroomError.self) { try ExportFilter.parse(["status=lost"], for: .orders).orderFilter() }
        #expect(throws: Never.self) { try ExportFilter.parse(["status=paid,shipped"], for: .orders).orderFilter() }
    }
}
