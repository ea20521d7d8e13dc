@testable import BackroomConsole
import BackroomCore
import BackroomTestSupport
import Foundation
import TerminalKit
import Testing

/// Screens of each pane as the in-memory backend renders them, at 110×30
/// and 80×24, with their key styles.
@Suite("Console screens")
struct PaneScreenTests {
    @Test("inventory at 110×30: header, tabs, columns, low-stock marks, footer")
    func inventoryWide() async throws {
        let console = try await ConsoleFixture()
        #expect(console.line(0) == " Backroom  shop.sqlite · ○ no server                                            ana@backroom.local (operator)")
        #expect(console.line(1) == "  1 Orders   [2 Inventory]   3 Users    4 Requests    5 Metrics")
        #expect(!console.line(1).contains("Audit"), "an operator has no audit pane")
        #expect(console.line(2).hasPrefix("┌ Inventory · 5 SKUs · 2 low ─"))
        #expect(console.line(3) == "│ SKU ▲        Name                           On hand   Held   Alloc     Avail   Reorder      Price Status   │")
        #expect(console.line(4) == "│▶LMP-0001     Desk lamp, 墨色                     12      0       0        12         4     €89.00 active   │")
        #expect(console.line(5) == "│ MUG-0001     Enamel mug, forest green            40      0       2        38        10     €12.90 active   │")
        #expect(console.line(6) == "│ MUG-0002     Enamel mug, 藍色                     3      0       1       ⚠ 2        10     €12.90 active   │")
        #expect(console.line(7) == "│ MUG-0003     Enamel mug 🌲 limited                0      0       0       ✗ 0         5     €14.50 active   │")
        #expect(console.line(27).hasSuffix("─ 1–5 of 5 ──┘"))
        #expect(console.line(29).hasPrefix(" +/- adjust  a adjust…  = set count  n new  e edit  x archive"))
        #expect(console.line(29).hasSuffix("? help  q/Ctrl-c quit"))
        let grid = console.screen()
        let cursor = try #require(MemoryScreen.style(of: "LMP-0001", in: grid))
        #expect(cursor == Theme.builtInDefault["table.cursor"])
        // Status colours come with a symbol and an attribute, over the row's background.
        #expect(MemoryScreen.style(of: "⚠ 2", in: grid)?.foreground == Theme.builtInDefault["status.warn"].foreground)
        #expect(MemoryScreen.style(of: "⚠ 2", in: grid)?.bold == true)
        #expect(MemoryScreen.style(of: "✗ 0", in: grid)?.foreground == Theme.builtInDefault["status.error"].foreground)
        #expect(MemoryScreen.style(of: "[2 Inventory]", in: grid) == Theme.builtInDefault["tab.active"])
    }

    @Test("inventory at 80×24 drops the least important columns, never overlapping")
    func inventoryNarrow() async throws {
        let console = try await ConsoleFixture(size: Size(width: 80, height: 24))
        #expect(console.line(3) == "│ SKU ▲        Name                               On hand     Avail      Price │")
        #expect(console.line(6) == "│ MUG-0002     Enamel mug, 藍色                         3       ⚠ 2     €12.90 │")
        #expect(console.line(21).hasSuffix("─ 1–5 of 5 ──┘"))
        for y in 2...21 {
            #expect(DisplayWidth.of(console.line(y)) == 80, "line \(y): \(console.line(y))")
        }
    }

    @Test("wide characters keep columns and borders aligned", arguments: [Size(width: 110, height: 30), Size(width: 80, height: 24), Size(width: 61, height: 16)])
    func wideCharacters(size: Size) async throws {
        let console = try await ConsoleFixture(size: size)
        for pane in [PaneKind.orders, .inventory, .users] {
            await console.show(pane)
            let grid = console.screen()
            for y in 2..<(size.height - 2) {
                let line = console.line(y)
                #expect(DisplayWidth.of(line) == size.width, "pane \(pane) line \(y): \(line)")
                #expect(line.hasSuffix("│") || line.hasSuffix("┐") || line.hasSuffix("┘"), "pane \(pane) line \(y): \(line)")
                #expect(grid[size.width - 1, y].character != " ")
            }
        }
    }

    @Test("orders: status with symbols, customer, totals, placed")
    func orders() async throws {
        let console = try await ConsoleFixture()
        await console.show(.orders)
        #expect(console.line(2).hasPrefix("┌ Orders · all statuses · 2 orders ─"))
        #expect(console.line(3) == "│ Number ▼    Status            Customer                                 Items       Total Placed            │")
        #expect(console.line(4) == "│▶BR-000002   ● paid            shopper@example.com                          1      €12.90 today 00:10       │")
        #expect(console.line(5) == "│ BR-000001   ○ pending payment shopper@example.com                          3      €54.80 today 00:00       │")
        #expect(MemoryScreen.style(of: "○ pending payment", in: console.screen())?.foreground == Theme.builtInDefault["status.warn"].foreground)
    }

    @Test("users: roles, disabled accounts marked by symbol and style")
    func users() async throws {
        let console = try await ConsoleFixture()
        await console.show(.users)
        #expect(console.line(3) == "│ Email ▲                                Name                         Role      Status     Last login        │")
        #expect(console.line(5) == "│ li.wei@example.com                     李伟                         customer  active     never             │")
        #expect(console.line(6) == "│ old@example.com                        Old Account                  customer  ✗ disabled never             │")
        #expect(MemoryScreen.style(of: "✗ disabled", in: console.screen())?.foreground == Theme.builtInDefault["status.error"].foreground)
    }

    @Test("the product detail shows its fields and its ledger, newest first")
    func productDetail() async throws {
        let console = try await ConsoleFixture()
        await console.press("j", "enter")
        #expect(console.line(2).hasPrefix("┌ MUG-0001 · Enamel mug, forest green ─"))
        #expect(console.line(3) == "│ Price €12.90 · status active · reorder point 10 · version 1                                                │")
        #expect(console.line(4) == "│ On hand 40 · held 0 · allocated 2 · available 38                                                           │")
        #expect(console.line(6).contains("Time ▼"))
        #expect(console.line(7).contains("+40") && console.line(7).contains("received") && console.line(7).contains("test-admin"))
        #expect(console.line(29).hasPrefix(" Esc back  a adjust…  = set count  e edit"))
        await console.press("esc")
        #expect(console.line(2).hasPrefix("┌ Inventory"))
    }

    @Test("the order detail shows lines, totals and the timeline")
    func orderDetail() async throws {
        let console = try await ConsoleFixture()
        await console.show(.orders)
        await console.press("enter")
        #expect(console.line(2).hasPrefix("┌ BR-000002 · ● paid ─"))
        #expect(console.text.contains("Enamel mug, 藍色"))
        #expect(console.line(containing: "placed") != nil)
        #expect(console.line(containing: "pending payment → paid") != nil)
        #expect(console.line(29).contains("S ship") && console.line(29).contains("c cancel"))
    }

    @Test("the help overlay lists this pane's keys, then lists, then everywhere")
    func help() async throws {
        let console = try await ConsoleFixture()
        await console.press("?")
        let text = console.text
        #expect(text.contains("┌ Keys "))
        #expect(text.contains("Inventory"))
        #expect(text.contains("Adjust by N, with a reason"))
        #expect(text.contains("Archive or restore (y/n)"))
        #expect(text.contains("Everywhere"))
        // It does not fit in 30 rows: it scrolls and says where it is.
        let total = try #require(Self.helpPosition(text)).total
        #expect(Self.helpPosition(text)?.first == 1)
        #expect(!text.contains("History · complete a command"))
        await console.press("G")
        #expect(console.text.contains("History · complete a command"))
        #expect(Self.helpPosition(console.text)?.last == total)
        let bottom = try #require(Self.helpPosition(console.text)).first
        await console.press("k")
        #expect(Self.helpPosition(console.text)?.first == bottom - 1)
        await console.press("?")
        #expect(!console.text.contains("┌ Keys "))
    }

    @Test("read-only: write actions are absent from keys, help and footer")
    func readOnly() async throws {
        let console = try await ConsoleFixture(readOnly: true)
        #expect(console.line(0).hasSuffix("ana@backroom.local (operator) · read-only"))
        #expect(!console.line(29).contains("adjust"))
        await console.press("?")
        #expect(!console.text.contains("Adjust by N"))
        await console.press("esc", "a")
        #expect(console.model.overlays.isEmpty)
        await console.press("+")
        #expect(try await console.test.item("LMP-0001").stock.onHand == 12)
    }

    @Test("a terminal below the minimum shows a clear message, and recovers")
    func tooSmall() async throws {
        let console = try await ConsoleFixture()
        await console.driver.resize(to: Size(width: 40, height: 12))
        #expect(console.text.contains("Terminal too small"))
        #expect(console.text.contains("Terminal too small: 40×12; needs 60×15"))
        await console.driver.resize(to: Size(width: 110, height: 30))
        #expect(console.line(3).hasPrefix("│ SKU ▲"))
    }

    @Test("the adjust dialog shows the stock, the fields and the outcome")
    func adjustDialog() async throws {
        let console = try await ConsoleFixture()
        await console.press("j", "j", "a")
        await console.type("+24")
        let text = console.text
        #expect(text.contains("┌ Adjust stock · MUG-0002 Enamel mug, 藍色 ─"))
        #expect(text.contains("On hand 3 · held 0 · allocated 1 · available 2"))
        #expect(text.contains("Change by  [+24"))
        #expect(text.contains("Reason     ‹ received ›"))
        #expect(text.contains("After: on hand 27 · available 26"))
        #expect(text.contains("[ Enter Apply ]  [ Esc Cancel ]"))
    }

    /// `↑/↓ scroll · 8–59 of 59`: the lines shown and how many there are.
    static func helpPosition(_ text: String) -> (first: Int, last: Int, total: Int)? {
        guard let match = text.firstMatch(of: /scroll · (\d+)–(\d+) of (\d+)/) else { return nil }
        return (Int(match.1)!, Int(match.2)!, Int(match.3)!)
    }
}
