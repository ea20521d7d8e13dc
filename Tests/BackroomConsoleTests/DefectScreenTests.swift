@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTestSupport
import Foundation
@testable import TerminalKit
import Testing

/// The defects of the first console, each at two terminal sizes: what the
/// operator sees and what happens to the store.
@Suite("Console defects")
struct DefectScreenTests {
    static let sizes = [Size(width: 110, height: 30), Size(width: 72, height: 20)]

    /// Products whose names hold every kind of multi-scalar cluster.
    static func clusterSeed(_ test: TestShop) async throws {
        try await ConsoleFixture.seed(test)
        for (index, name) in ["Cafe\u{301} mug", "ที่นอน pillow", "किताब book", "🇵🇹 pin", "👨‍👩‍👧 set", "❤️ mug", "👍🏽 glove", "1️⃣ badge"].enumerated() {
            try await test.product("UNI-0\(index)", name: name, stock: Int64(10 + index))
        }
    }

    @Test("text inputs move and delete by grapheme cluster and never trap", arguments: sizes)
    func graphemeInput(size: Size) async throws {
        let console = try await ConsoleFixture(size: size)
        await console.press("/")
        for text in ["e\u{301}", "ที่", "कि", "🇵🇹", "👨‍👩‍👧", "👍🏽", "1️⃣", "藍"] {
            await console.type(text)
        }
        guard case .filter(var input, _) = console.model.mode else { Issue.record("not filtering"); return }
        #expect(input.value == "e\u{301}ที่कि🇵🇹👨‍👩‍👧👍🏽1️⃣藍")
        // Left and Backspace step over whole clusters.
        _ = input.handle(.left)
        _ = input.handle(.left)
        _ = input.handle(.backspace)
        #expect(input.value == "e\u{301}ที่कि🇵🇹👨‍👩‍👧1️⃣藍")
        for _ in 0..<20 { _ = input.handle(.backspace) }
        #expect(input.value == "1️⃣藍")
        for _ in 0..<10 { _ = input.handle(.delete) }
        #expect(input.value.isEmpty)
        // The same in a dialog field, through the console.
        await console.press("esc", "n")
        await console.type("👨‍👩‍👧e\u{301}")
        await console.press("left", "backspace", "right", "delete")
        #expect(console.dialog(NewProductDialog.self)?.text(.sku) == "e\u{301}")
    }

    @Test("names with emoji sequences and marks keep every row whole: no stale cells, borders in place", arguments: sizes)
    func clusterRows(size: Size) async throws {
        let console = try await ConsoleFixture(size: size, seed: Self.clusterSeed)
        await console.press("/")
        await console.type("UNI")
        await console.press("enter")
        let grid = console.screen()
        for y in console.model.layout.pane.y..<console.model.layout.pane.maxY {
            let line = console.line(y)
            #expect(DisplayWidth.of(line) == size.width, "line \(y): \(line)")
            #expect(grid[size.width - 1, y].character != " ", "line \(y) lost its right border")
        }
        for index in 0..<8 {
            let item = try await console.test.item("UNI-0\(index)")
            let row = try #require(console.line(containing: "UNI-0\(index)"))
            #expect(row.contains(TerminalText.displayed(item.product.name)) || row.contains("…"), "\(row)")
            #expect(row.contains(" \(item.stock.onHand) "), "\(row)")
        }
        // A changed name leaves nothing of the old one behind.
        _ = try await console.test.shop.inventory.updateProduct(SKU("UNI-04"), changes: ProductChanges(name: "plain"), by: .system("t"))
        await console.wait(milliseconds: 1_000)
        let row = try #require(console.line(containing: "UNI-04"))
        #expect(!row.contains("👨") && row.contains("plain"))
    }

    @Test("Ctrl-L asks the terminal for a full repaint")
    func repaint() async throws {
        let console = try await ConsoleFixture()
        let before = console.model.terminal.repaintSerial
        await console.press("ctrl-l")
        #expect(console.model.terminal.repaintSerial == before + 1)
    }

    @Test("after the terminal shrinks the selected row is on screen, and actions act on it", arguments: sizes)
    func shrinkKeepsSelection(size: Size) async throws {
        let console = try await ConsoleFixture(size: size)
        for index in 0..<40 { try await console.test.product(String(format: "ZZZ-%03d", index), stock: 50) }
        await console.wait(milliseconds: 1_000)
        await console.press("g")
        let rows = console.model.layout.visibleRows
        for _ in 0..<(rows - 1) { await console.press("j") }
        let selected = try #require(console.model.inventory.list.selected)
        await console.driver.resize(to: Size(width: size.width, height: 16))
        let list = console.model.inventory.list
        #expect(list.selected?.id == selected.id)
        #expect(list.cursor < console.model.layout.visibleRows)
        #expect(list.items.count <= console.model.layout.visibleRows)
        #expect(console.line(containing: selected.sku.rawValue)?.contains("▶") == true)
        await console.press("+")
        #expect(try await console.test.item(selected.sku.rawValue).stock.onHand == selected.stock.onHand + 1)
    }

    @Test("keys faster than the rows load are all applied, in order", arguments: sizes)
    func queuedKeys(size: Size) async throws {
        let console = try await ConsoleFixture(size: size)
        for index in 0..<300 { try await console.test.product(String(format: "ZZZ-%03d", index), stock: 5) }
        await console.wait(milliseconds: 1_000)
        await console.press("g")
        // 100 j at key-repeat speed: none waits for the rows it moves into.
        for _ in 0..<100 { console.driver.enqueue(.key(.character("j"))) }
        await console.driver.settle()
        var list = console.model.inventory.list
        #expect(list.offset + list.cursor == 100)
        #expect(console.line(containing: "▶")?.contains(list.selected?.sku.rawValue ?? "?") == true)
        await console.press("g")
        for _ in 0..<10 { console.driver.enqueue(.key(.pageDown)) }
        await console.driver.settle()
        list = console.model.inventory.list
        #expect(list.offset == 10 * console.model.layout.visibleRows)
        // Up again, past the top of what is loaded.
        for _ in 0..<5 { console.driver.enqueue(.key(.character("k"))) }
        await console.driver.settle()
        #expect(console.model.inventory.list.offset + console.model.inventory.list.cursor == 10 * console.model.layout.visibleRows - 5)
    }

    @Test("password fields are masked")
    func passwordMasked() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        await console.show(.users)
        await console.press("n", "tab", "tab", "tab")
        await console.type("hunter2-secret")
        #expect(!console.text.contains("hunter2"))
        #expect(console.text.contains("••••••••••••••"))
        #expect(console.dialog(NewUserDialog.self)?.text(.password) == "hunter2-secret")
    }

    @Test("the sort indicator is always visible; a hidden sort column is named in the title", arguments: sizes)
    func sortIndicator(size: Size) async throws {
        let console = try await ConsoleFixture(size: Size(width: 61, height: size.height))
        #expect(console.line(3).contains("SKU ▲"))
        // Sort by status: narrow terminals hide that column.
        while console.model.inventory.source.sortKey != "status" { await console.press("o") }
        #expect(console.line(2).contains("sorted by Status ▲"))
        await console.press("O")
        #expect(console.line(2).contains("sorted by Status ▼"))
    }

    @Test("titles say what is filtered, as :orders takes it; counts are singular when one")
    func filterTitles() async throws {
        let console = try await ConsoleFixture()
        await console.press(":")
        await console.type("orders status=paid,shipped")
        await console.press("enter")
        #expect(console.line(2).hasPrefix("┌ Orders · status=paid,shipped · 1 order ─"))
        #expect(console.line(console.model.layout.pane.maxY - 1).hasSuffix("─ 1 of 1 ──┘"))
        await console.show(.inventory)
        await console.press("L")
        #expect(console.line(2).contains("filter low stock (2 matches)"))
    }

    @Test("flash lines that do not fit end in …", arguments: sizes)
    func flashEllipsis(size: Size) async throws {
        let console = try await ConsoleFixture(size: Size(width: 60, height: size.height))
        await console.press(":")
        await console.type("nonsense-command-that-is-long")
        await console.press("enter")
        let flash = console.flashLine
        #expect(flash.hasPrefix(" ✗ Unknown command :nonsense-command-that-is-long"))
        #expect(flash.hasSuffix("…"))
        #expect(DisplayWidth.of(flash) == 60)
    }

    @Test("with 8 colours nothing is drawn black on the default background")
    func eightColours() {
        let black = NcursesScreen.PairKey(foreground: 0, background: -1)
        #expect(NcursesScreen.legible(black, profile: .basic8).foreground == -1)
        #expect(NcursesScreen.legible(NcursesScreen.PairKey(foreground: 0, background: 0), profile: .basic8).foreground == -1)
        #expect(NcursesScreen.legible(black, profile: .palette256).foreground == 0)
        let onWhite = NcursesScreen.PairKey(foreground: 0, background: 7)
        #expect(NcursesScreen.legible(onWhite, profile: .basic8).foreground == 0, "black on white stays")
    }

    @Test("Esc closes the topmost thing only: dialog, then detail, then the filter")
    func escapeTopmost() async throws {
        let console = try await ConsoleFixture()
        await console.press("/")
        await console.type("mug")
        await console.press("enter", "enter", "a")
        #expect(console.dialog(AdjustStockDialog.self) != nil)
        await console.press("esc")
        #expect(console.model.overlays.isEmpty && console.model.inventory.hasDetail && console.model.inventory.filterText == "mug")
        await console.press("esc")
        #expect(!console.model.inventory.hasDetail && console.model.inventory.filterText == "mug")
        // Finishing an action never clears the filter.
        await console.press("+")
        #expect(console.flashLine.hasPrefix(" ✓"))
        #expect(console.model.inventory.filterText == "mug")
        await console.press("esc")
        #expect(console.model.inventory.filterText.isEmpty)
        #expect(console.flashLine == " Filter cleared.")
    }

    @Test("the mouse: M turns reporting on; the wheel scrolls, a click selects a row or a tab")
    func mouse() async throws {
        let console = try await ConsoleFixture()
        await console.driver.event(.mouse(MouseEvent(kind: .click, x: 10, y: console.model.layout.listRows.y + 2)))
        #expect(console.model.inventory.list.cursor == 0, "ignored while off")
        await console.press("M")
        #expect(console.model.terminal.mouse)
        await console.driver.event(.mouse(MouseEvent(kind: .click, x: 10, y: console.model.layout.listRows.y + 2)))
        #expect(console.model.inventory.list.cursor == 2)
        await console.driver.event(.mouse(MouseEvent(kind: .wheelUp, x: 10, y: 10)))
        #expect(console.model.inventory.list.cursor == 0)
        let tabs = Tabs(titles: ["Orders", "Inventory", "Users", "Requests", "Metrics"], active: 1, theme: .builtInDefault)
        let users = tabs.positions(in: console.model.layout.tabs)[2]
        await console.driver.event(.mouse(MouseEvent(kind: .click, x: users.lowerBound + 1, y: console.model.layout.tabs.y)))
        #expect(console.model.pane == .users)
    }

    /// ncurses takes a new terminal size before the program hears of it
    /// (KEY_RESIZE waits behind keys already read). The runner now tells the
    /// program first; the view must still never trap on a grid of another
    /// size (seen in the monkey test: a table row below a shrunken grid).
    @Test("a frame laid out for one size draws into a grid of any other size without trapping")
    func frameIntoOtherSize() async throws {
        let sizes = [Size(width: 140, height: 45), Size(width: 110, height: 30), Size(width: 61, height: 16), Size(width: 40, height: 12), Size(width: 200, height: 10)]
        let console = try await ConsoleFixture()
        var drawn = 0
        for keys in [["1"], ["2"], ["3"], ["4"], ["5"], ["2", "enter"], ["2", "n"], ["esc", "esc", "?"], ["esc", "3", ":"]] {
            for key in keys { await console.press(key) }
            for laidOut in sizes {
                await console.driver.resize(to: laidOut)
                for other in sizes where other != laidOut {
                    var grid = CellGrid(width: other.width, height: other.height)
                    console.driver.program.view(console.model, into: &grid)
                    drawn += 1
                }
            }
        }
        #expect(drawn == 9 * 5 * 4)
    }
}
