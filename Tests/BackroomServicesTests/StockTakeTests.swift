import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

/// Stock takes: counts kept as a draft, committed as compare-and-set
/// cycle counts in one transaction, conflicts left for a recount.
@Suite("Stock takes")
struct StockTakeTests {
    let op = TestShop.operatorPrincipal

    @Test("counts add up or replace; the first scan records on hand as expected; the draft survives a reopen")
    func counting() async throws {
        let test = try TestShop()
        try await test.product("T-1", stock: 10)
        try await test.product("T-2", stock: 4)
        var take = try await test.shop.inventory.openStockTake(by: op)
        take = try await test.shop.inventory.count("t-1", quantity: 3, in: take, by: op)
        take = try await test.shop.inventory.count("T-1", quantity: 4, in: take, by: op)
        #expect(take.lines.first?.counted == 7 && take.lines.first?.expected == 10 && take.lines.first?.scans == 2)
        take = try await test.shop.inventory.count("T-1", quantity: 9, in: take, repeat: .replace, by: op)
        #expect(take.lines.first?.counted == 9)
        take = try await test.shop.inventory.count("T-2", quantity: 4, in: take, by: op)
        await #expect(throws: BackroomError.self) { try await test.shop.inventory.count("NOPE-1", quantity: 1, in: take, by: op) }
        // Nothing is written until the commit.
        #expect(try await test.item("T-1").stock.onHand == 10)
        // Reopening (a crashed console) resumes the same take.
        let resumed = try await test.shop.inventory.openStockTake(by: op)
        #expect(resumed.id == take.id && resumed.lines.count == 2)
        #expect(resumed.unitVariance == -1)
    }

    @Test("commit writes every count in one transaction; a count whose on hand moved stays for a recount")
    func commit() async throws {
        let test = try TestShop()
        try await test.product("C-1", stock: 10)
        try await test.product("C-2", stock: 5)
        try await test.product("C-3", stock: 8)
        var take = try await test.shop.inventory.openStockTake(by: op)
        take = try await test.shop.inventory.count("C-1", quantity: 12, in: take, by: op)
        take = try await test.shop.inventory.count("C-2", quantity: 5, in: take, by: op)
        take = try await test.shop.inventory.count("C-3", quantity: 6, in: take, by: op)
        // Another client receives C-3 between the scan and the commit.
        _ = try await test.shop.inventory.adjustStock(SKU("C-3"), by: 2, reason: .received, by: TestShop.admin)
        let transactions = test.store.committedTransactions
        let result = try await test.shop.inventory.commit(take, by: op)
        #expect(test.store.committedTransactions == transactions + 1)
        #expect(result.applied.map(\.item.sku.rawValue) == ["C-1"])
        #expect(result.unchanged.map(\.rawValue) == ["C-2"])
        #expect(result.conflicts.map(\.sku.rawValue) == ["C-3"])
        #expect(try await test.item("C-1").stock.onHand == 12)
        #expect(try await test.item("C-3").stock.onHand == 10, "the conflicting count is not written")
        let ledger = try await test.shop.inventory.movements(of: SKU("C-1"), window: ListWindow(limit: 1), by: TestShop.admin).items
        #expect(ledger.first?.reason == .cycleCount && ledger.first?.reference == "stock take #\(take.id)" && ledger.first?.actor == op.name)
        // The recount: the take stays with C-3 alone, expected now is on hand now.
        let remaining = try #require(result.remaining)
        #expect(remaining.lines.map(\.sku.rawValue) == ["C-3"] && remaining.lines.first?.needsRecount == true)
        let recounted = try await test.shop.inventory.count("C-3", quantity: 9, in: remaining, by: op)
        #expect(recounted.lines.first?.expected == 10 && recounted.lines.first?.counted == 9)
        let second = try await test.shop.inventory.commit(recounted, by: op)
        #expect(second.applied.count == 1 && second.remaining == nil)
        #expect(try await test.item("C-3").stock.onHand == 9)
        #expect(try await test.shop.checkInvariants().isEmpty)
        let audit = try await test.shop.audit.entries(matching: AuditFilter(action: "stock.take"), window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.count == 2)
    }

    @Test("discard drops the counts; a viewer cannot count; another operator cannot touch the take")
    func discardAndRoles() async throws {
        let test = try TestShop()
        try await test.product("D-1", stock: 3)
        var take = try await test.shop.inventory.openStockTake(by: op)
        take = try await test.shop.inventory.count("D-1", quantity: 1, in: take, by: op)
        await #expect(throws: BackroomError.self) { try await test.shop.inventory.openStockTake(by: TestShop.viewer) }
        let other = Principal(userID: nil, name: "jo@backroom.local", role: .operator)
        await #expect(throws: BackroomError.self) { try await test.shop.inventory.commit(take, by: other) }
        try await test.shop.inventory.discard(take, by: op)
        #expect(try await test.item("D-1").stock.onHand == 3)
        let fresh = try await test.shop.inventory.openStockTake(by: op)
        #expect(fresh.id != take.id && fresh.lines.isEmpty)
    }
}
