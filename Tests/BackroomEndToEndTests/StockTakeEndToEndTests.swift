import BackroomCore
import BackroomServices
import Foundation
import Testing

/// A stock take in a real terminal, typed the way a barcode scanner types:
/// SKU + Enter, quantity + Enter.
@Suite("Stock take end to end", .serialized)
struct StockTakeEndToEndTests {
    @Test("scan 20 SKUs (two twice, one unknown), survive kill -9, resume, commit; a count moved meanwhile is not written")
    func session() async throws {
        let session = try await TmuxSession(width: 120, height: 34)
        let binary = TmuxSession.binary
        try await session.run("\(binary) seed --db stocktake.sqlite --products 300 --users 10 --orders 40 --password-cost 4 && echo SEED\"\"ED")
        try await session.waitFor(text: "SEEDED", seconds: 60)
        let path = session.directory.appendingPathComponent("stocktake.sqlite").path
        try await StoreAccess.writeToken(store: path, email: "ana@backroom.local", password: "backroom-demo",
                                         to: session.directory.appendingPathComponent("token.txt").path)
        // Twenty active products, with what is on hand and committed now.
        let items = try await StoreAccess.withShop(path) { shop in
            try await shop.inventory.items(matching: ProductFilter(), sort: ProductSort(.sku), window: ListWindow(limit: 20), by: .system("test")).items
        }
        #expect(items.count == 20)
        // Counts at or above what orders and carts hold, some equal to on hand.
        let counts = items.enumerated().map { index, item in item.stock.onHand + Int64(index % 3) }
        let twice: Set<Int> = [2, 5]

        func startConsole() async throws {
            try await session.run("clear; \(binary) console --db stocktake.sqlite --no-server --token $(cat token.txt); echo EXIT=$?")
            try await session.waitFor(text: "[2 Inventory]")
            try await session.send("C")
            try await session.waitFor(text: "Stock take #")
        }
        func scan(_ index: Int) async throws {
            let quantity = twice.contains(index) ? counts[index] - 1 : counts[index]
            try await session.type(items[index].sku.rawValue)
            try await session.send("Enter")
            try await session.type(String(quantity))
            try await session.send("Enter")
            if twice.contains(index) {
                // The second scan of the same SKU adds one (an empty quantity is one).
                try await session.type(items[index].sku.rawValue)
                try await session.send("Enter", "Enter")
            }
        }

        try await startConsole()
        for index in 0..<10 { try await scan(index) }
        try await session.waitFor(text: "10 SKUs counted")
        try await session.type("NOPE-999")
        try await session.send("Enter")
        try await session.waitFor(text: "No product with SKU NOPE-999")

        // The console dies mid-session: nothing counted is lost.
        let pids = await Shell.sh("pgrep -f 'consol[e] --db stocktake.sqlite --no-server'")
        for pid in pids.split(separator: "\n") where !pid.isEmpty { _ = await Shell.sh("kill -KILL \(pid)") }
        try await session.waitFor(text: "EXIT=137")
        _ = await Shell.sh("tmux -L \(session.socket) send-keys -t main 'stty sane' Enter")
        try await startConsole()
        try await session.waitFor(text: "Resumed the take")
        try await session.waitFor(text: "10 SKUs counted")
        for index in 10..<20 { try await scan(index) }
        try await session.waitFor(text: "20 SKUs counted")

        // Another client receives stock for one counted SKU before the commit.
        let moved = items[7].sku
        try await StoreAccess.withShop(path) { shop in
            _ = try await shop.inventory.adjustStock(moved, by: 3, reason: .received, by: .system("other"))
        }
        try await session.send("C-s")
        try await session.waitFor(text: "Commit 20 counts?")
        try await session.send("y")
        let done = try await session.waitFor("the commit's report") { $0.contains("counts written") || $0.contains("count written") }
        #expect(done.contains("1 not written, to recount"), "\(done)")
        #expect(done.contains("\(moved)"))

        try await StoreAccess.withShop(path) { shop in
            for (index, item) in items.enumerated() where item.sku != moved {
                let now = try await shop.inventory.item(item.sku, by: .system("test"))
                #expect(now.stock.onHand == counts[index], "\(item.sku): \(now.stock.onHand) on hand, counted \(counts[index])")
            }
            let movedNow = try await shop.inventory.item(moved, by: .system("test"))
            #expect(movedNow.stock.onHand == items[7].stock.onHand + 3, "the conflicting count is not written")
            let ledger = try await shop.inventory.movements(of: items[1].sku, window: ListWindow(limit: 1), by: .system("test")).items
            #expect(ledger.first?.reason == .cycleCount && ledger.first?.actor == "ana@backroom.local")
            #expect(ledger.first?.reference?.hasPrefix("stock take #") == true)
        }
        #expect(await Shell.run([binary, "check", "--db", path]).status == 0)
        try await session.send("Escape", "q")
        try await session.waitFor(text: "EXIT=0")
    }
}
