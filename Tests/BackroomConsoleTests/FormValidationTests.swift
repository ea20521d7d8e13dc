@testable import BackroomConsole
import BackroomCore
import BackroomTestSupport
import Foundation
import TerminalKit
import Testing

/// Bad input in every form: an error under the field, in words, and
/// nothing written.
@Suite("Console forms")
struct FormValidationTests {
    func ledgerRows(_ console: ConsoleFixture) throws -> Int { try console.test.count("SELECT COUNT(*) FROM stock_movement") }

    @Test("adjust: letters, zero, a sign the reason forbids, below committed, too large", arguments: [
        ("abc", "must be a whole number"),
        ("0", "The change cannot be zero."),
        ("-1", "A received change must add stock (use correction to remove)."),
        ("99999999999", "is too large (at most 1,000,000,000)"),
        ("", "enter a number"),
    ])
    func adjust(input: String, error: String) async throws {
        let console = try await ConsoleFixture()
        let before = try ledgerRows(console)
        await console.press("a")
        await console.type(input)
        await console.press("enter")
        #expect(console.text.contains("✗ " + error), "input \(input): \(console.text.split(separator: "\n").filter { $0.contains("✗") })")
        #expect(try ledgerRows(console) == before)
        await console.press("esc")
        #expect(console.model.overlays.isEmpty)
    }

    @Test("adjust below what is held and allocated is refused in the form")
    func belowCommitted() async throws {
        let console = try await ConsoleFixture()
        await console.press("j", "a")
        await console.type("-39")
        await console.press("tab", "right", "enter")
        // The whole reason shows, wrapped under the field.
        #expect(console.text.contains("✗ MUG-0001: on hand would drop to 1, below the 2 committed (0 held in"))
        #expect(console.text.contains("carts, 2 allocated to orders)."))
        #expect(try await console.test.item("MUG-0001").stock.onHand == 40)
    }

    @Test("set count: negative, letters, unchanged, below committed", arguments: [
        ("-5", "cannot be negative"), ("ten", "must be a whole number"), ("12", "is the count already; nothing to change"),
    ])
    func setCount(input: String, error: String) async throws {
        let console = try await ConsoleFixture()
        let before = try ledgerRows(console)
        await console.press("=", "ctrl-u")
        await console.type(input)
        await console.press("enter")
        #expect(console.text.contains("✗ " + error), "input \(input): \(console.text.split(separator: "\n").filter { $0.contains("✗") })")
        #expect(try ledgerRows(console) == before)
    }

    @Test("new product: empty required fields, bad SKU, bad price, long name — nothing written")
    func newProduct() async throws {
        let console = try await ConsoleFixture()
        let products = try console.test.count("SELECT COUNT(*) FROM product")
        await console.press("n", "enter")
        #expect(console.text.contains("✗ Enter a SKU."))
        await console.type("bad sku")
        await console.press("tab")
        // The field takes at most 200 characters: the 201st is not typed.
        await console.type(String(repeating: "名", count: 201))
        let dialog = try #require(console.model.overlays.last.flatMap { overlay -> NewProductDialog? in
            if case .dialog(let dialog) = overlay { return dialog as? NewProductDialog }
            return nil
        })
        #expect(dialog.text(.name).count == 200)
        await console.press("tab")
        await console.type("12.3.4")
        await console.press("enter")
        #expect(console.text.contains("✗ A SKU may use letters A–Z, digits, '-', '_' and '.' only."))
        #expect(console.text.contains("✗ \"12.3.4\" is not an amount: write it like 12.90."))
        #expect(try console.test.count("SELECT COUNT(*) FROM product") == products)
        // Fixed, it goes through.
        await console.press("shift-tab", "shift-tab", "ctrl-u")
        await console.type("NEW-001")
        await console.press("tab", "ctrl-u")
        await console.type("Stoneware cup 🍵")
        await console.press("tab", "ctrl-u")
        await console.type("9.50")
        await console.press("enter")
        #expect(console.line(28) == " ✓ NEW-001 created, 0 on hand")
        #expect(try await console.test.item("NEW-001").product.name == "Stoneware cup 🍵")
    }

    @Test("edit product: empty name and negative reorder point are refused")
    func editProduct() async throws {
        let console = try await ConsoleFixture()
        await console.press("e", "ctrl-u", "tab", "tab", "ctrl-u")
        await console.type("-3")
        await console.press("enter")
        #expect(console.text.contains("✗ cannot be negative"))
        #expect(console.text.contains("✗ Enter a name."))
        #expect(try await console.test.item("LMP-0001").product.version == 1)
    }

    @Test("new user: bad email, short password, duplicate email")
    func newUser() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        let users = try console.test.count("SELECT COUNT(*) FROM user")
        await console.show(.users)
        await console.press("n")
        await console.type("not-an-email")
        await console.press("tab")
        await console.type("Someone")
        await console.press("tab", "tab")
        await console.type("short")
        await console.press("enter")
        #expect(console.text.contains("✗ \"not-an-email\" is not an email address (it needs one @)."))
        #expect(try console.test.count("SELECT COUNT(*) FROM user") == users)
        await console.press("tab", "ctrl-u")
        await console.type("li.wei@example.com")
        await console.press("tab", "tab", "tab", "ctrl-u")
        await console.type("long enough")
        await console.press("enter")
        #expect(console.text.contains("✗ An account with the email li.wei@example.com already exists."))
        #expect(try console.test.count("SELECT COUNT(*) FROM user") == users)
    }
}
