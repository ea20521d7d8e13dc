import BackroomCore
import BackroomServices
import BackroomStore
import Foundation

/// A large stock take on a seeded store: what each scan costs while the
/// operator counts, and what the commit of every count in one transaction
/// costs. Counts differ from on hand by a few units, so each is a ledger row.
public struct StockTakeBenchmark {
    public var path: String
    public var counts: Int

    public init(path: String, counts: Int) {
        self.path = path
        self.counts = counts
    }

    public func run() async throws {
        let store = try SQLiteShopStore(path: path)
        let shop = Shop(store: store, currency: store.currency)
        let counter = Principal.system("stock-take-bench")
        let limit = counts
        let rows = try await store.activeStockSample(limit: limit)
        guard rows.count == counts else {
            throw BackroomError(.notFound, "The store has \(rows.count) active products; seed at least \(counts).")
        }
        print("# stock-take benchmark: \(counts) counts in \(path)")
        var take = try await shop.inventory.openStockTake(by: counter)
        var scans = LatencySample()
        let scanning = DispatchTime.now().uptimeNanoseconds
        for (index, row) in rows.enumerated() {
            let counted = max(row.committed, row.onHand + Int64(index % 5) - 2)
            take = try await scans.time {
                try await shop.inventory.count(row.sku.rawValue, quantity: counted, in: take, repeat: .replace, by: counter)
            }
        }
        let scanSeconds = Double(DispatchTime.now().uptimeNanoseconds - scanning) / 1e9
        print(String(format: "scan: %d counts in %.2f s; p50 %@, p99 %@ per scan (the draft written each time)",
                     counts, scanSeconds, formatDuration(nanoseconds: scans.percentile(50)), formatDuration(nanoseconds: scans.percentile(99))))
        let committing = DispatchTime.now().uptimeNanoseconds
        let result = try await shop.inventory.commit(take, by: counter)
        let commitSeconds = Double(DispatchTime.now().uptimeNanoseconds - committing) / 1e9
        print(String(format: "commit: %d ledger rows, %d unchanged, %d conflicts in %.2f s = %.0f counts/s (one transaction)",
                     result.applied.count, result.unchanged.count, result.conflicts.count, commitSeconds, Double(counts) / commitSeconds))
        try store.close()
    }
}
