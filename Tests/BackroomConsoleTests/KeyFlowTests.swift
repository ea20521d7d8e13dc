@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import GRDB
import TerminalKit
import Testing

/// Operator work done from the keyboard, checked in the store afterwards.
@Suite("Console key flows")
struct KeyFlowTests {
    @Test("adjusting stock from the keyboard writes the ledger row with reason and actor, and flashes it")
    func adjust() async throws {
        let console = try await ConsoleFixture()
        await console.press("j", "j", "a")
        await console.type("+24")
        await console.press("tab", "right", "right", "tab")
        await console.type("count sheet 7")
        await console.press("enter")
        #expect(console.model.overlays.isEmpty)
        #expect(console.line(28) == " ✓ MUG-0002 on hand 3 → 27 (cycle count)")
        #expect(console.line(6).contains("27") && console.line(6).contains("MUG-0002"))
        let ledger = try await console.test.shop.inventory.movements(of: SKU("MUG-0002"), window: ListWindow(limit: 1), by: .system("test"))
        let row = try #require(ledger.items.first)
        #expect(row.delta == 24 && row.reason == .cycleCount && row.actor == "ana@backroom.local" && row.reference == "count sheet 7")
        let audit = try await console.test.shop.audit.entries(window: ListWindow(limit: 1), by: .system("test"))
        #expect(audit.items.first?.actor == "ana@backroom.local")
        #expect(audit.items.first?.summary == "on hand 3 → 27 (cycle count): count sheet 7")
    }

    @Test("+ and - adjust by one as a correction")
    func plusMinus() async throws {
        let console = try await ConsoleFixture()
        await console.press("+", "+", "-")
        #expect(try await console.test.item("LMP-0001").stock.onHand == 13)
        #expect(console.line(28) == " ✓ LMP-0001 on hand 14 → 13 (correction)")
    }

    @Test("set count is compare-and-set: a change made meanwhile is shown and nothing is overwritten")
    func compareAndSet() async throws {
        let console = try await ConsoleFixture()
        await console.press("=")
        #expect(console.text.contains("You saw on hand 12"))
        // Someone else changes the count while the dialog is open.
        _ = try await console.test.shop.inventory.adjustStock(SKU("LMP-0001"), by: 3, reason: .received, by: .system("other"))
        await console.press("ctrl-u")
        await console.type("10")
        await console.press("enter")
        // The refusal shows in the dialog, under the count; what was typed stays.
        #expect(console.text.contains("✗ LMP-0001 changed to 15 while you were editing (you saw 12); nothing "))
        #expect(console.text.contains("New count  [10"))
        #expect(try await console.test.item("LMP-0001").stock.onHand == 15)
        #expect(console.line(4).contains("15"))
        await console.press("esc")
        #expect(console.model.overlays.isEmpty)
        await console.press("=", "ctrl-u")
        await console.type("10")
        await console.press("enter")
        #expect(try await console.test.item("LMP-0001").stock.onHand == 10)
        #expect(console.line(28) == " ✓ LMP-0001 on hand 15 → 10 (cycle count)")
    }

    @Test("every order transition from the keyboard; destructive ones ask first")
    func orderTransitions() async throws {
        let console = try await ConsoleFixture()
        await console.show(.orders)
        await console.press("j")
        #expect(console.model.orders.list.selected?.number.rawValue == "BR-000001")
        await console.press("S")
        #expect(console.line(28) == " ✗ BR-000001 is pending payment: cannot ship (can: pay, cancel).")
        await console.press("p")
        #expect(console.line(28) == " ✓ BR-000001 pending payment → paid")
        await console.press("S")
        #expect(console.line(28) == " ✓ BR-000001 paid → shipped")
        await console.press("D")
        #expect(console.line(28) == " ✓ BR-000001 shipped → delivered")
        await console.press("r")
        #expect(console.text.contains("Refund BR-000001?"))
        #expect(console.text.contains("Put the units back on hand  [x]"))
        await console.press("enter")
        // The form's Enter leads to the y/n step; Enter never confirms it.
        #expect(console.text.contains("Refund BR-000001?") && console.text.contains("[ y Yes ]  [ n No ]"))
        await console.press("enter")
        #expect(try await console.test.shop.orders.order(OrderNumber(id: 1), by: .system("t")).order.status == .delivered)
        await console.press("y")
        #expect(console.line(28) == " ✓ BR-000001 delivered → refunded, units back on hand")
        #expect(try await console.test.item("MUG-0001").stock == StockLevel(onHand: 40, held: 0, allocated: 0))
        // Cancel asks; "n" keeps the order.
        await console.press("k", "c")
        #expect(console.text.contains("Cancel BR-000002?"))
        await console.press("n")
        #expect(console.line(28) == " Cancelled; nothing changed.")
        #expect(try await console.test.shop.orders.order(OrderNumber(id: 2), by: .system("t")).order.status == .paid)
        await console.press("c", "y")
        #expect(try await console.test.shop.orders.order(OrderNumber(id: 2), by: .system("t")).order.status == .cancelled)
        #expect(try await console.test.shop.checkInvariants().isEmpty)
    }

    @Test("disabling a user asks first and ends their sessions")
    func disableUser() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        await console.show(.users)
        await console.press("j")
        #expect(console.model.users.list.selected?.email.rawValue == "li.wei@example.com")
        let token = try await console.test.shop.auth.login(email: "li.wei@example.com", password: "correct horse").token
        await console.press("d")
        #expect(console.text.contains("Disable li.wei@example.com?"))
        await console.press("y")
        #expect(console.line(28) == " ✓ li.wei@example.com disabled; their sessions ended")
        #expect(console.line(5).contains("✗ disabled"))
        await #expect(throws: BackroomError.self) { try await console.test.shop.auth.authenticate(token: token) }
        await console.press("d", "y")
        #expect(console.line(28) == " ✓ li.wei@example.com enabled")
    }

    @Test("the filter searches as you type; Esc clears it")
    func filter() async throws {
        let console = try await ConsoleFixture()
        await console.press("/")
        await console.type("藍")
        #expect(console.line(2).contains("filter \"藍\""))
        #expect(console.line(4).contains("MUG-0002"))
        #expect(console.line(5).hasPrefix("│                ") || !console.line(5).contains("MUG"))
        await console.press("enter")
        #expect(console.model.mode == .normal)
        await console.press("esc")
        #expect(!console.line(2).contains("filter"))
        #expect(console.line(8).contains("TEE-0001"))
    }

    @Test("the selection stays on its row when another process changes the store")
    func outsideChanges() async throws {
        let console = try await ConsoleFixture()
        await console.press("j", "j")
        let other = try SQLiteShopStore(path: console.test.store.path)
        _ = try await other.changeStock(SKU("MUG-0002"), .adjust(by: 5), reason: .received, reference: nil,
                                        context: WriteContext(principal: .system("elsewhere"), at: console.test.clock.now()))
        _ = try await other.createProduct(try ProductDraft(sku: "AAA-0001", name: "First in the list", price: Money(minorUnits: 100, currency: .eur)).validated(),
                                          context: WriteContext(principal: .system("elsewhere"), at: console.test.clock.now()))
        try other.close()
        for _ in 0..<4 { await console.wait(milliseconds: 250) }
        #expect(console.model.inventory.list.selected?.sku.rawValue == "MUG-0002")
        #expect(console.line(containing: "MUG-0002")?.contains("8") == true)
        #expect(console.line(27).hasSuffix("of 6 ──┘"))
    }

    @Test("changes to a pane not on screen are fetched when it is shown, not before")
    func stalePanes() async throws {
        let console = try await ConsoleFixture()
        await console.show(.orders)
        let ordersBefore = console.model.orders.list.total
        await console.show(.inventory)
        let placed = try await console.test.placeOrder([("MUG-0001", 1)])
        for _ in 0..<4 { await console.wait(milliseconds: 250) }
        // On the inventory pane: its stock changed and it reloaded; the orders list waits.
        #expect(console.model.stalePanes == [.orders])
        #expect(console.model.orders.list.total == ordersBefore)
        await console.show(.orders)
        #expect(console.model.stalePanes.isEmpty)
        #expect(console.model.orders.list.total == ordersBefore.map { $0 + 1 })
        #expect(console.line(containing: placed.order.order.number.description) != nil)
    }

    @Test("scrolling through a long list keeps the position and the selection right")
    func scrolling() async throws {
        let console = try await ConsoleFixture(size: Size(width: 100, height: 16))
        for index in 0..<40 {
            try await console.test.product(String(format: "ZZZ-%03d", index), stock: Int64(index))
        }
        // The console notices the new rows within a second (four ticks).
        for _ in 0..<4 { await console.wait(milliseconds: 250) }
        await console.press("g")
        let rows = console.model.layout.visibleRows
        #expect(console.model.inventory.list.items.count == rows)
        for _ in 0..<(rows + 3) { await console.press("j") }
        #expect(console.model.inventory.list.selected?.sku.rawValue == console.model.inventory.list.items.last?.sku.rawValue)
        #expect(console.model.inventory.list.offset == 4)
        #expect(console.line(13).hasSuffix("5–13 of 45 ──┘"))
        await console.press("G")
        #expect(console.model.inventory.list.selected?.sku.rawValue == "ZZZ-039")
        #expect(console.line(13).hasSuffix("37–45 of 45 ──┘"))
        await console.press("pgup")
        #expect(console.line(13).hasSuffix("28–36 of 45 ──┘"))
        await console.press("g")
        #expect(console.model.inventory.list.selected?.sku.rawValue == "LMP-0001")
        #expect(console.line(13).hasSuffix("1–9 of 45 ──┘"))
        await console.press("k")
        #expect(console.model.inventory.list.cursor == 0)
    }
}
