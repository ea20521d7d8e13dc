@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import TerminalKit
import Testing

/// The tools operators of k9s, htop and lazygit expect: marks and bulk
/// actions, counts, the audit pane, going anywhere, history, copy, columns.
@Suite("Operator tools")
struct OperatorToolsTests {
    func ledgerRows(_ console: ConsoleFixture) throws -> Int { try console.test.count("SELECT COUNT(*) FROM stock_movement") }

    /// A table header's words, borders and spacing aside.
    static func words(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "│" }).map(String.init)
    }

    @Test("marks: space marks and moves on, V marks every match with the count shown, u clears")
    func marks() async throws {
        let console = try await ConsoleFixture()
        await console.press("space", "space")
        #expect(console.model.inventory.marked.count == 2)
        #expect(console.line(2).contains("· 2 marked"))
        #expect(console.row(0).hasPrefix("│●LMP-0001") && console.row(1).hasPrefix("│●MUG-0001") && console.row(2).hasPrefix("│▶MUG-0002"))
        await console.press("u")
        #expect(console.model.inventory.marked.isEmpty)
        #expect(console.flashLine == " 2 marks cleared.")
        await console.press("/")
        await console.type("mug")
        await console.press("enter", "V")
        #expect(console.model.inventory.marked.count == 3)
        #expect(console.flashLine == " 3 rows marked.")
        #expect(console.line(2).contains("(3 matches) · 3 marked"))
    }

    @Test("a bulk stock adjustment is one transaction; refused rows say why, the rest go through")
    func bulkAdjust() async throws {
        let console = try await ConsoleFixture()
        await console.press("/")
        await console.type("mug")
        await console.press("enter", "V", "a")
        #expect(console.text.contains("Adjust stock · 3 marked products"))
        await console.type("-3")
        await console.press("tab", "right")
        await console.press("enter")
        // Bulk writes ask first, and Enter is not yes.
        #expect(console.text.contains("Adjust 3 marked products by -3?"))
        let before = try ledgerRows(console)
        let transactions = console.test.store.committedTransactions
        await console.press("enter")
        #expect(try ledgerRows(console) == before)
        await console.press("y")
        #expect(console.test.store.committedTransactions == transactions + 1, "one transaction for the whole batch")
        #expect(try ledgerRows(console) == before + 1)
        #expect(console.flashLine.hasPrefix(" ✓ 1 adjusted · 2 refused (MUG-0002: on hand would drop to 0, below the 1 committed"))
        #expect(try await console.test.item("MUG-0001").stock.onHand == 37)
        #expect(try await console.test.item("MUG-0003").stock.onHand == 0)
        #expect(console.model.inventory.marked.isEmpty, "marks clear after the action")
        #expect(console.model.inventory.filterText == "mug", "the filter stays")
        #expect(try await console.test.shop.checkInvariants().isEmpty)
    }

    @Test("bulk ship and cancel of marked orders; bulk disable of marked users")
    func bulkOrdersAndUsers() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        await console.show(.orders)
        await console.press("space", "space", "S")
        #expect(console.text.contains("Ship 2 marked orders?"))
        await console.press("y")
        #expect(console.flashLine.hasPrefix(" ✓ 1 shipped · 1 refused (BR-000001: "))
        #expect(try await console.test.shop.orders.order(OrderNumber(id: 2), by: .system("t")).order.status == .shipped)
        await console.show(.users)
        await console.press("j", "space", "space", "d")
        #expect(console.text.contains("Disable 2 marked accounts?"))
        await console.press("y")
        // Disabling an account that already is disabled changes nothing and is no error.
        #expect(console.flashLine == " ✓ 2 disabled")
        await #expect(throws: BackroomError.self) { try await console.test.shop.auth.login(email: "li.wei@example.com", password: "correct horse") }
    }

    @Test("a count before + adds that many units in one ledger row")
    func countPrefix() async throws {
        let console = try await ConsoleFixture()
        let before = try ledgerRows(console)
        await console.press("5")
        #expect(console.line(console.model.layout.footer.y).hasSuffix("count 5…"))
        await console.press("+")
        #expect(try await console.test.item("LMP-0001").stock.onHand == 17)
        #expect(try ledgerRows(console) == before + 1)
        await console.press("1", "2", "j")
        #expect(console.model.inventory.list.cursor == 4, "12j stops at the last row")
        // A lone digit that no counted key follows is the pane it names.
        await console.press("3")
        await console.wait(milliseconds: 500)
        #expect(console.model.pane == .users)
        // Esc drops a count.
        await console.press("2")
        await console.wait(milliseconds: 500)
        await console.press("g", "4", "esc", "+")
        #expect(try await console.test.item("LMP-0001").stock.onHand == 18)
    }

    @Test("the audit pane: who did what, filtered by actor and action; Enter goes to the record")
    func auditPane() async throws {
        let console = try await ConsoleFixture(principal: Principal(userID: nil, name: "admin@backroom.local", role: .admin))
        await console.press("+")
        await console.show(.audit)
        #expect(console.line(1).contains("[6 Audit]"))
        #expect(console.row(0).contains("admin@backroom.local") && console.row(0).contains("stock.adjust") && console.row(0).contains("LMP-0001"))
        await console.press("f")
        #expect(console.line(2).contains("actor=admin@backroom.local"))
        #expect(console.model.audit.list.total == 1)
        await console.press("f", "j")
        let selected = try #require(console.model.audit.list.selected)
        await console.press("a")
        #expect(console.line(2).contains("action=\(selected.action)"))
        await console.press("a", "g", "enter")
        #expect(console.model.pane == .inventory && console.model.inventory.hasDetail)
        #expect(console.line(2).hasPrefix("┌ LMP-0001 · Desk lamp"))
    }

    @Test("go to anything: an order number, a SKU, a user; and the links between them")
    func goTo() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        await console.press(":")
        await console.type("BR-000002")
        await console.press("enter")
        #expect(console.model.pane == .orders && console.line(2).hasPrefix("┌ BR-000002 · ● paid"))
        // An order line leads to its product, and the product shows its ledger.
        await console.press("enter")
        #expect(console.model.pane == .inventory && console.line(2).hasPrefix("┌ MUG-0002 · Enamel mug"))
        #expect(console.text.contains("Change") && console.text.contains("Reason"))
        await console.press(":")
        await console.type("sku TEE-0001")
        await console.press("enter")
        #expect(console.line(2).hasPrefix("┌ TEE-0001 · Organic cotton tee"))
        await console.press(":")
        await console.type("sku NOPE-1")
        await console.press("enter")
        #expect(console.flashLine.hasPrefix(" ✗ "))
        await console.press(":")
        await console.type("user li.wei@example.com")
        await console.press("enter")
        #expect(console.model.pane == .users && console.row(0).contains("li.wei@example.com"))
        // A user leads to their orders.
        await console.press("O")
        #expect(console.model.pane == .orders)
        #expect(console.line(2).contains("customer li.wei@example.com · 0 orders"))
    }

    @Test("the command line keeps a history and completes commands with Tab")
    func commandLine() async throws {
        let console = try await ConsoleFixture()
        await console.press(":")
        await console.type("sku MUG-0001")
        await console.press("enter", "esc", ":")
        await console.type("users")
        await console.press("enter", ":", "up")
        #expect(console.model.commandLine.input.value == "users")
        await console.press("up")
        #expect(console.model.commandLine.input.value == "sku MUG-0001")
        await console.press("down", "down")
        #expect(console.model.commandLine.input.value.isEmpty)
        await console.type("inv")
        await console.press("tab")
        #expect(console.model.commandLine.input.value == "inventory ")
        await console.press("ctrl-u")
        await console.type("o")
        await console.press("tab")
        #expect(console.flashLine == " :orders  :order")
        #expect(console.model.commandLine.input.value == "order", "the common start of both")
        await console.type("s")
        await console.press("enter")
        #expect(console.model.pane == .orders)
    }

    @Test("y copies the row's key and Y the row, through the clipboard; a reset password can be copied")
    func copy() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        await console.press("y")
        #expect(console.model.terminal.clipboard == "LMP-0001")
        let serial = console.model.terminal.clipboardSerial
        await console.press("Y")
        #expect(console.model.terminal.clipboardSerial == serial + 1)
        #expect(console.model.terminal.clipboard?.hasPrefix("LMP-0001\tDesk lamp, 墨色\t12") == true)
        await console.show(.users)
        await console.press("j", "P", "y")
        let notice = try #require(console.model.overlays.last.flatMap { overlay -> Notice? in
            if case .notice(let notice) = overlay { return notice }
            return nil
        })
        let password = try #require(notice.copyable)
        await console.press("y")
        #expect(console.model.terminal.clipboard == password)
        _ = try await console.test.shop.auth.login(email: "li.wei@example.com", password: password)
    }

    @Test(":columns hides and reorders a pane's columns and saves them in the settings file")
    func columns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = ConsoleSettingsStore(path: directory.appendingPathComponent("backroom/console.yaml").path)
        let console = try await ConsoleFixture { environment in environment.settingsStore = store }
        await console.press(":")
        await console.type("columns")
        await console.press("enter")
        #expect(console.text.contains("Columns · Inventory"))
        // Hide Held (4th), move Price (8th) up to second place.
        await console.press("down", "down", "down", "space")
        for _ in 0..<4 { await console.press("down") }
        for _ in 0..<6 { await console.press("[") }
        await console.press("enter")
        #expect(Self.words(console.line(3)) == ["SKU", "▲", "Price", "Name", "On", "hand", "Alloc", "Avail", "Reorder", "Status"])
        #expect(console.flashLine == " Columns saved to \(store.path).")
        let saved = try store.load()
        #expect(saved.columns(for: .inventory) == ["sku", "price", "name", "on_hand", "allocated", "available", "reorder_point", "status"])
        // A new console starts with them.
        let again = try await ConsoleFixture { environment in environment.settings = saved }
        #expect(Self.words(again.line(3)) == Self.words(console.line(3)))
    }

    @Test("the operator's role decides what the console offers", arguments: [Role.viewer, .operator, .admin])
    func roles(role: Role) async throws {
        let console = try await ConsoleFixture(principal: Principal(userID: nil, name: "\(role.rawValue)@backroom.local", role: role))
        let footer = console.line(console.model.layout.footer.y)
        #expect(footer.contains("adjust") == (role != .viewer))
        await console.press("+")
        #expect(try await console.test.item("LMP-0001").stock.onHand == (role == .viewer ? 12 : 13))
        await console.show(.users)
        await console.press("n")
        #expect((console.dialog(NewUserDialog.self) != nil) == (role == .admin))
        #expect(console.line(1).contains("6 Audit") == (role == .admin))
    }

    @Test("the console's own write reloads once; the revision check a second later does not reload again")
    func ownWrites() async throws {
        let console = try await ConsoleFixture()
        await console.press("+")
        let serial = console.model.inventory.list.serial
        #expect(console.model.lastRevision == (try await console.test.shop.revision()))
        await console.wait(milliseconds: 1_000)
        #expect(console.model.inventory.list.serial == serial, "no second reload for our own write")
        // Someone else's write is noticed within the second.
        _ = try await console.test.shop.inventory.adjustStock(SKU("LMP-0001"), by: 1, reason: .received, by: .system("other"))
        await console.wait(milliseconds: 1_000)
        #expect(console.model.inventory.list.serial == serial + 1)
        #expect(console.row(0).contains(" 14 "))
    }
}
