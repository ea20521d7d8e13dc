import BackroomCore
import BackroomServices
import Foundation
import TerminalKit
import Testing

/// What a real terminal shows for text in many scripts: after every screen,
/// each visible row reads exactly the store's values.
@Suite("Console text end to end", .serialized)
struct ConsoleTextEndToEndTests {
    /// Names with every kind of grapheme cluster the console must draw whole.
    static let names: [(sku: String, name: String, stock: Int64)] = [
        ("UNI-01", "Cafe\u{301} cre\u{300}me mug", 7),
        ("UNI-02", "ที่นอน pillow", 1_204),
        ("UNI-03", "किताब notebook", 31),
        ("UNI-04", "🇵🇹 flag pin", 12),
        ("UNI-05", "👨‍👩‍👧 family set", 3),
        ("UNI-06", "❤️ enamel mug", 58),
        ("UNI-07", "👍🏽 glove", 9),
        ("UNI-08", "1️⃣ badge", 40),
        ("UNI-09", "藍色 tea bowl", 2),
        ("UNI-10", "Ñandú 🌲 poster", 15),
    ]

    @Test("rows of names in many scripts match the store after scrolling, filtering, clearing and repainting")
    func clusters() async throws {
        let session = try await TmuxSession(width: 110, height: 30)
        let binary = TmuxSession.binary
        try await session.run("\(binary) seed --db shop.sqlite --products 120 --users 10 --orders 20 --password-cost 4 && echo SEED\"\"ED")
        try await session.waitFor(text: "SEEDED", seconds: 60)
        let path = session.directory.appendingPathComponent("shop.sqlite").path
        try await StoreAccess.withShop(path) { shop in
            for entry in Self.names {
                _ = try await shop.inventory.createProduct(
                    ProductDraft(sku: entry.sku, name: entry.name, price: Money(minorUnits: 1250, currency: shop.currency), initialStock: entry.stock),
                    by: .system("test")
                )
            }
        }
        try await StoreAccess.writeToken(store: path, email: "ana@backroom.local", password: "backroom-demo",
                                         to: session.directory.appendingPathComponent("token.txt").path)
        try await session.run("clear; \(binary) console --db shop.sqlite --no-server --token $(cat token.txt); echo EXIT=$?")
        try await session.waitFor(text: "[2 Inventory]")
        try await session.waitFor(text: "1–")

        // The last page holds the UNI- products (SKUs sort last).
        try await session.send("G")
        try await expectRowsMatch(session, path, containing: "UNI-10")
        try await session.send("k", "k", "k", "PgUp", "j")
        try await expectRowsMatch(session, path)
        try await session.send("/")
        try await session.type("UNI")
        try await session.send("Enter")
        try await expectRowsMatch(session, path, containing: "filter \"UNI\" (10 matches)")
        try await session.send("Escape")
        try await expectRowsMatch(session, path, containing: "1–")
        try await session.send("PgDn", "PgDn", "j", "j", "j")
        try await expectRowsMatch(session, path)
        try await session.send("C-l")
        try await expectRowsMatch(session, path)
        try await session.send("q")
        try await session.waitFor(text: "EXIT=0")
    }

    /// Waits for the screen to settle (`containing` on it, no "Loading"),
    /// then checks every product row on it against the store, field by field.
    func expectRowsMatch(_ session: TmuxSession, _ path: String, containing marker: String? = nil) async throws {
        var screen = try await session.waitFor("a settled screen") { screen in
            (marker.map(screen.contains) ?? true) && !screen.contains("Loading")
        }
        // Two equal captures in a row: nothing is still arriving.
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(150))
            let again = try await session.screen()
            if again == screen { break }
            screen = again
        }
        let rows = Self.productRows(screen)
        #expect(!rows.isEmpty, "no product rows on screen:\n\(screen)")
        try await StoreAccess.withShop(path) { shop in
            for fields in rows {
                let item = try await shop.inventory.item(SKU(fields[0]), by: .system("test"))
                let expected = [
                    item.sku.rawValue, TerminalText.displayed(item.product.name), Self.grouped(item.stock.onHand), Self.grouped(item.stock.held),
                    Self.grouped(item.stock.allocated),
                ]
                var shown = Array(fields.prefix(5))
                // A name cut to its column ends in "…" and starts as the store's.
                if shown.count > 1, shown[1].hasSuffix("…"), expected[1].hasPrefix(String(shown[1].dropLast())) { shown[1] = expected[1] }
                #expect(shown == expected, "row \(fields) on screen:\n\(screen)")
                let available = fields.count > 5 ? fields[5].split(separator: " ").last.map(String.init) : nil
                #expect(available == Self.grouped(item.stock.available), "row \(fields)")
            }
        }
    }

    /// The inventory rows of a captured screen, as fields (columns are
    /// separated by two or more spaces; wide characters shift columns in a
    /// capture, so positions are not compared).
    static func productRows(_ screen: String) -> [[String]] {
        screen.split(separator: "\n").compactMap { line -> [String]? in
            guard line.hasPrefix("│"), line.hasSuffix("│") else { return nil }
            var inner = line.dropFirst().dropLast()
            guard let gutter = inner.first, ["▶", "●", "◉", " "].contains(gutter) else { return nil }
            inner = inner.dropFirst()
            let fields = inner.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard let sku = fields.first, sku.range(of: #"^[A-Z]{3}-[0-9]+$"#, options: .regularExpression) != nil else { return nil }
            return fields
        }
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = value < 0 ? "-" : ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
