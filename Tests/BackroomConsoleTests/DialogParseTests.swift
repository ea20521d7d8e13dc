@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTestSupport
import TerminalKit
import Testing

/// Each dialog's `parse`: good input gives the validated values; bad input
/// gives an error under the field it concerns, in Core's words.
@Suite("Dialog parsing")
struct DialogParseTests {
    func item(_ console: ConsoleFixture, _ sku: String) async throws -> InventoryItem {
        try await console.test.item(sku)
    }

    @Test("adjust stock: a signed change, the reason's rule, what is committed")
    func adjustStock() async throws {
        let console = try await ConsoleFixture()
        let mug = try await item(console, "MUG-0001")
        let dialog = AdjustStockDialog(items: [mug])
        // received is the first reason
        #expect(try filled(dialog, [.changeBy: "+24", .note: "sheet 7"]).parse(console.context).get()
            == AdjustStockDialog.Parsed(delta: 24, reason: .received, reference: "sheet 7"))
        #expect(try filled(dialog, [.changeBy: " 5 "]).parse(console.context).get().delta == 5)
        for (input, message) in [
            ("", "enter a number"), ("five", "must be a whole number"), ("0", "The change cannot be zero."),
            ("-1", "A received change must add stock (use correction to remove)."),
            ("1e3", "must be a whole number"), ("99999999999", "is too large (at most 1,000,000,000)"),
        ] {
            let errors = try #require(filled(dialog, [.changeBy: input]).parse(console.context).failure, "\"\(input)\" parsed")
            #expect(errors[.changeBy] == message, "\"\(input)\"")
        }
        // A correction may remove, but not below what orders and carts hold.
        let correction = choosing(filled(dialog, [.changeBy: "-39"]), .reason, 1)
        #expect(correction.parse(console.context).failure?[.changeBy]?.contains("below the 2 committed") == true)
        #expect(try choosing(filled(dialog, [.changeBy: "−3"]), .reason, 1).parse(console.context).get().delta == -3)
    }

    @Test("set count: a whole count, not the current one, not below what is committed")
    func setCount() async throws {
        let console = try await ConsoleFixture()
        let dialog = SetCountDialog(item: try await item(console, "MUG-0001"))
        #expect(try filled(dialog, [.count: "30"]).parse(console.context).get().count == 30)
        #expect(filled(dialog, [.count: "40"]).parse(console.context).failure?[.count] == "is the count already; nothing to change")
        #expect(filled(dialog, [.count: "-1"]).parse(console.context).failure?[.count] == "cannot be negative")
        #expect(filled(dialog, [.count: "1"]).parse(console.context).failure?[.count]?.contains("below the 2 committed") == true)
    }

    @Test("new product: Core's rules for SKU, name and price; amounts by the currency's rules", arguments: ["EUR", "SEK"])
    func newProduct(currency: String) async throws {
        let console = try await ConsoleFixture(currency: currency)
        let dialog = NewProductDialog(currency: console.test.shop.currency)
        let good = try filled(dialog, [.sku: "NEW-1", .name: "Cup", .price: "12,50", .initialStock: "3"]).parse(console.context).get()
        #expect(good.price.minorUnits == 1250, "12,50 is twelve fifty, never 1,250")
        #expect(good.initialStock == 3)
        #expect(try filled(dialog, [.sku: "NEW-1", .name: "Cup", .price: "1.204,50"]).parse(console.context).get().price.minorUnits == 120_450)
        let ambiguous = filled(dialog, [.sku: "NEW-1", .name: "Cup", .price: "1,250"]).parse(console.context).failure
        #expect(ambiguous?[.price]?.contains("could mean") == true || ambiguous?[.price]?.contains("ambiguous") == true, "\(String(describing: ambiguous))")
        let bad = try #require(filled(dialog, [.sku: "bad sku", .name: "", .price: "12.3.4", .reorderPoint: "-1"]).parse(console.context).failure)
        #expect(bad[.sku] == "A SKU may use letters A–Z, digits, '-', '_' and '.' only.")
        #expect(bad[.name] == "Enter a name.")
        #expect(bad[.price]?.hasPrefix("\"12.3.4\" is not an amount") == true)
        #expect(bad[.reorderPoint] == "cannot be negative")
    }

    @Test("every money field previews the amount it parsed")
    func pricePreview() async throws {
        let console = try await ConsoleFixture(currency: "SEK")
        let dialog = filled(NewProductDialog(currency: console.test.shop.currency), [.sku: "NEW-1", .name: "Cup", .price: "12,5"])
        let preview = dialog.preview(try? dialog.parse(console.context).get(), console.context).map(\.0).joined(separator: "\n")
        #expect(preview.contains("12.50 kr") || preview.contains("12,50 kr"), "\(preview)")
        let edit = filled(EditProductDialog(item: try await console.test.item("MUG-0001")), [.price: "9,9"])
        let editPreview = edit.preview(try? edit.parse(console.context).get(), console.context).map(\.0).joined(separator: "\n")
        #expect(editPreview.contains("9.90") || editPreview.contains("9,90"), "\(editPreview)")
    }

    @Test("edit product: name, price, reorder point")
    func editProduct() async throws {
        let console = try await ConsoleFixture()
        let dialog = EditProductDialog(item: try await console.test.item("MUG-0001"))
        #expect(try filled(dialog, [.price: "13,90"]).parse(console.context).get().price?.minorUnits == 1390)
        let bad = try #require(filled(dialog, [.name: "  ", .reorderPoint: "x"]).parse(console.context).failure)
        #expect(bad[.name] == "Enter a name.")
        #expect(bad[.reorderPoint] == "must be a whole number")
    }

    @Test("reorder point: a whole number, not negative")
    func reorderPoint() async throws {
        let console = try await ConsoleFixture()
        let dialog = ReorderPointDialog(items: [try await console.test.item("MUG-0001")])
        #expect(try filled(dialog, [.point: "25"]).parse(console.context).get() == 25)
        #expect(filled(dialog, [.point: "-2"]).parse(console.context).failure?[.point] == "cannot be negative")
    }

    @Test("new user: email, name, role, password by Core's rules")
    func newUser() async throws {
        let console = try await ConsoleFixture()
        let dialog = NewUserDialog()
        let good = try filled(dialog, [.email: "Sam@Example.com", .name: "Sam", .password: "long enough"]).parse(console.context).get()
        #expect(good.email.rawValue == "sam@example.com" && good.role == .operator)
        let bad = try #require(filled(dialog, [.email: "nope", .name: "", .password: "short"]).parse(console.context).failure)
        #expect(bad[.email] == "\"nope\" is not an email address (it needs one @).")
        #expect(bad[.name] != nil)
        #expect(bad[.password] != nil)
    }

    @Test("role change: the choice is the role; admin either way asks first")
    func changeRole() async throws {
        let console = try await ConsoleFixture(principal: .system("boss"))
        let user = try #require(try await console.test.shop.users.users(matching: UserFilter(text: "li.wei"), sort: UserSort(.email),
                                                                        window: ListWindow(limit: 1), by: .system("t")).items.first)
        let dialog = ChangeRoleDialog(user: user)
        let admin = choosing(dialog, .role, Role.allCases.firstIndex(of: .admin)!)
        #expect(try admin.parse(console.context).get() == .admin)
        #expect(admin.submission(.admin, console.context).confirmation != nil)
        #expect(choosing(dialog, .role, Role.allCases.firstIndex(of: .viewer)!).submission(.viewer, console.context).confirmation == nil)
    }

    @Test("refund: restock on or off; it always asks first")
    func refund() async throws {
        let console = try await ConsoleFixture()
        let order = try await console.test.shop.orders.order(OrderNumber(id: 2), by: .system("t")).order
        var dialog = RefundDialog(order: order)
        #expect(try dialog.parse(console.context).get() == true)
        _ = dialog.handle(.character(" "))
        #expect(try dialog.parse(console.context).get() == false)
        #expect(dialog.submission(false, console.context).confirmation != nil)
    }

    @Test("slower than: empty for all, else whole milliseconds")
    func slowerThan() async throws {
        let console = try await ConsoleFixture()
        let dialog = SlowerThanDialog(current: nil)
        #expect(try dialog.parse(console.context).get() == nil)
        #expect(try filled(dialog, [.milliseconds: "250"]).parse(console.context).get() == 250)
        #expect(filled(dialog, [.milliseconds: "fast"]).parse(console.context).failure?[.milliseconds] == "must be a whole number")
    }

    @Test("columns: at least one shown; order follows the moves")
    func columns() async throws {
        let console = try await ConsoleFixture()
        var dialog = ColumnsDialog(pane: .inventory, columns: [("sku", "SKU"), ("name", "Name"), ("price", "Price")], shown: ["sku", "price"])
        #expect(try dialog.parse(console.context).get() == ["sku", "price"])
        _ = dialog.handleKey(.character("]"))
        #expect(try dialog.parse(console.context).get() == ["price", "sku"])
        for index in dialog.form.fields.indices { dialog.form.fields[index].kind = .toggle(false) }
        #expect(dialog.parse(console.context).failure != nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
