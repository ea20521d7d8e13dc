import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

/// Bulk actions: one transaction, each row taking effect or refused for
/// its own reason, every row audited; the invariants hold afterwards.
@Suite("Bulk actions")
struct BulkActionTests {
    @Test("a bulk adjustment commits once; rows below what is committed are refused, the rest applied and audited")
    func adjust() async throws {
        let test = try TestShop()
        try await test.product("A-1", stock: 10)
        try await test.product("A-2", stock: 2)
        try await test.product("A-3", stock: 5)
        _ = try await test.placeOrder([("A-3", 4)])
        let transactions = test.store.committedTransactions
        let report = try await test.shop.inventory.adjustStock(
            [SKU("A-1"), SKU("A-2"), SKU("A-3"), SKU("NOPE-1")], by: -3, reason: .correction, reference: "recount", by: TestShop.operatorPrincipal
        )
        #expect(test.store.committedTransactions == transactions + 1)
        #expect(report.succeeded == 1)
        #expect(report.refusals.map(\.key) == ["A-2", "A-3", "NOPE-1"])
        #expect(report.refusals[0].error.message.contains("below") || report.refusals[0].error.message.contains("negative"))
        #expect(report.refusals[2].error.code == .notFound)
        #expect(try await test.item("A-1").stock.onHand == 7)
        #expect(try await test.item("A-2").stock.onHand == 2)
        #expect(try await test.item("A-3").stock.onHand == 5)
        let audit = try await test.shop.audit.entries(matching: AuditFilter(actor: TestShop.operatorPrincipal.name), window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.map(\.targetID) == ["A-1"])
        #expect(report.summary(verb: "adjusted").hasPrefix("1 adjusted · 3 refused (A-2"))
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("bulk transitions move each order on its own; illegal ones are refused with the allowed actions")
    func transitions() async throws {
        let test = try TestShop()
        try await test.product("B-1", stock: 20)
        let first = try await test.placeOrder([("B-1", 1)])
        let second = try await test.placeOrder([("B-1", 2)])
        _ = try await test.shop.orders.transition(second.order.order.number, .pay, by: TestShop.admin)
        let report = try await test.shop.orders.transition([first.order.order.number, second.order.order.number], .ship, by: TestShop.operatorPrincipal)
        #expect(report.succeeded == 1)
        #expect(report.refusals.map(\.key) == [first.order.order.number.rawValue])
        #expect(try await test.shop.orders.order(second.order.order.number, by: TestShop.admin).order.status == .shipped)
        #expect(try await test.shop.orders.order(first.order.order.number, by: TestShop.admin).order.status == .pendingPayment)
        #expect(try await test.shop.checkInvariants().isEmpty)
    }

    @Test("bulk archive and reorder points; a viewer may do none of it")
    func catalog() async throws {
        let test = try TestShop()
        try await test.product("C-1")
        try await test.product("C-2")
        let archived = try await test.shop.inventory.setArchived([SKU("C-1"), SKU("C-2")], true, by: TestShop.operatorPrincipal)
        #expect(archived.succeeded == 2)
        #expect(try await test.item("C-1").product.isArchived)
        let points = try await test.shop.inventory.setReorderPoint([SKU("C-1"), SKU("C-2")], to: 7, by: TestShop.operatorPrincipal)
        #expect(points.succeeded == 2)
        #expect(try await test.item("C-2").product.reorderPoint == 7)
        await #expect(throws: BackroomError.self) {
            try await test.shop.inventory.setArchived([SKU("C-1")], false, by: TestShop.viewer)
        }
        #expect(try await test.item("C-1").product.isArchived, "nothing changed for the refused viewer")
    }
}
