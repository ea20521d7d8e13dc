@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTestSupport
import TerminalKit

/// A console over a small, known shop, driven without a terminal.
final class ConsoleFixture: @unchecked Sendable {
    let test: TestShop
    let driver: ProgramDriver<ConsoleProgram>

    static let operatorPrincipal = Principal(userID: nil, name: "ana@backroom.local", role: .operator)

    init(
        size: Size = Size(width: 110, height: 30), readOnly: Bool = false, serverLabel: String? = nil,
        principal: Principal = ConsoleFixture.operatorPrincipal, currency: String? = nil,
        configure: (inout ConsoleEnvironment) -> Void = { _ in }, seed: (TestShop) async throws -> Void = ConsoleFixture.seed
    ) async throws {
        test = try TestShop(currency: currency ?? "EUR")
        try await seed(test)
        var environment = ConsoleEnvironment(
            shop: test.shop, principal: principal, readOnly: readOnly, storeName: "shop.sqlite",
            theme: .builtInDefault, themeDirectories: [], serverLabel: serverLabel
        )
        configure(&environment)
        driver = ProgramDriver(ConsoleProgram(environment: environment), size: size)
        await driver.settle()
    }

    static func seed(_ test: TestShop) async throws {
        try await test.product("MUG-0001", name: "Enamel mug, forest green", price: 1290, stock: 40, reorderPoint: 10)
        try await test.product("MUG-0002", name: "Enamel mug, 藍色", price: 1290, stock: 3, reorderPoint: 10)
        try await test.product("MUG-0003", name: "Enamel mug 🌲 limited", price: 1450, stock: 0, reorderPoint: 5)
        try await test.product("TEE-0001", name: "Organic cotton tee, oat", price: 2900, stock: 120, reorderPoint: 15)
        try await test.product("LMP-0001", name: "Desk lamp, 墨色", price: 8900, stock: 12, reorderPoint: 4)
        _ = try await test.shop.users.create(email: "ana@backroom.local", displayName: "Ana Lima", role: .operator, password: "correct horse", by: .system("seed"))
        _ = try await test.shop.users.create(email: "li.wei@example.com", displayName: "李伟", role: .customer, password: "correct horse", by: .system("seed"))
        let old = try await test.shop.users.create(email: "old@example.com", displayName: "Old Account", role: .customer, password: "correct horse", by: .system("seed"))
        _ = try await test.shop.users.disable(old.id, by: .system("seed"))
        _ = try await test.placeOrder([("MUG-0001", 2), ("TEE-0001", 1)])
        test.clock.advance(seconds: 600)
        let paid = try await test.placeOrder([("MUG-0002", 1)])
        _ = try await test.shop.orders.transition(paid.order.order.number, .pay, by: .system("seed"))
        test.clock.advance(seconds: 600)
    }

    var model: ConsoleModel { driver.model }

    func screen() -> CellGrid { driver.screen() }

    var text: String { screen().trimmedText }

    func line(_ y: Int) -> String {
        var line = screen().line(y)
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The line that contains `text`, trailing spaces removed.
    func line(containing text: String) -> String? {
        let grid = screen()
        for y in 0..<grid.height where grid.line(y).contains(text) {
            var line = grid.line(y)
            while line.last == " " { line.removeLast() }
            return line
        }
        return nil
    }

    func press(_ keys: String...) async {
        for key in keys { await driver.press(key) }
    }

    /// Lets time pass: the console sees it through a tick, as it would from
    /// the runner (pending digits resolve, flashes expire).
    func wait(milliseconds: Int64) async {
        for _ in 0..<max(1, milliseconds / 250) {
            test.clock.advance(milliseconds: 250)
            await driver.send(.tick(test.clock.now()))
        }
    }

    /// Shows a pane by its digit, as the operator does (the digit waits a
    /// moment for a key that takes a count).
    func show(_ pane: PaneKind) async {
        await press(String(pane.rawValue + 1))
        await wait(milliseconds: 1_000)
    }

    /// What panes and dialogs work with now.
    var context: PaneContext { driver.program.context(driver.model) }

    /// The dialog on top, if it is a `D`.
    func dialog<D: ConsoleDialog>(_ type: D.Type) -> D? {
        guard case .dialog(let dialog)? = model.overlays.last else { return nil }
        return dialog as? D
    }

    /// The flash line, trailing spaces removed.
    var flashLine: String { line(model.layout.flash.y) }

    /// The list row `index` (0: the first shown), trailing spaces removed.
    func row(_ index: Int) -> String { line(model.layout.listRows.y + index) }

    func type(_ text: String) async { await driver.type(text) }
}

/// A dialog with text typed into some of its fields, for `parse` tests.
func filled<D: ConsoleDialog>(_ dialog: D, _ values: [D.Field: String]) -> D {
    var dialog = dialog
    for (field, text) in values {
        guard case .text(var input) = dialog.form.fields[field.rawValue].kind else { continue }
        input.set(text)
        dialog.form.fields[field.rawValue].kind = .text(input)
    }
    return dialog
}

/// A dialog with choice `index` picked in `field`.
func choosing<D: ConsoleDialog>(_ dialog: D, _ field: D.Field, _ index: Int) -> D {
    var dialog = dialog
    if case .choice(let options, _) = dialog.form.fields[field.rawValue].kind {
        dialog.form.fields[field.rawValue].kind = .choice(options: options, selected: index)
    }
    return dialog
}
