import BackroomCore
import BackroomStore
import Foundation

/// Store figures on a big catalog: seeding speed, lookup by SKU, and the
/// cost of a keyset page deep in the table against the first page.
public struct StoreBenchmark {
    public var path: String
    public var products: Int
    public var lookups: Int
    public var pageReads: Int

    public init(path: String, products: Int, lookups: Int = 100_000, pageReads: Int = 2_000) {
        self.path = path
        self.products = products
        self.lookups = lookups
        self.pageReads = pageReads
    }

    public func run() async throws {
        print("# store benchmark: \(products) products in \(path)")
        let store = try SQLiteShopStore(path: path)
        let existing = try await store.productRowCount()
        if existing < products {
            let started = Date()
            let report = try StoreSeeder(store: store).run(SeedPlan(
                products: products - existing, users: 0, orders: 0, seed: 1, passwordHash: "", now: SystemTimeSource().now()
            ))
            let seconds = Date().timeIntervalSince(started)
            print(String(format: "seed: %d products in %.1f s = %.0f products/s (incl. ledger rows, indexes, FTS, ANALYZE)",
                         report.products, seconds, Double(report.products) / seconds))
        }
        let now = SystemTimeSource().now()
        let skus = try await store.sampleSKUs(every: 97, limit: 10_000)
        var lookup = LatencySample()
        let lookupStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<lookups {
            _ = try await lookup.time { try await store.inventoryItem(skus[index % skus.count], now: now) }
        }
        let lookupSeconds = Double(DispatchTime.now().uptimeNanoseconds - lookupStart) / 1e9
        print(String(format: "lookup by SKU: %.0f/s sequential, p50 %@, p99 %@", Double(lookups) / lookupSeconds,
                     formatDuration(nanoseconds: lookup.percentile(50)), formatDuration(nanoseconds: lookup.percentile(99))))

        var trivial = LatencySample()
        for _ in 0..<10_000 { _ = try await trivial.time { try await store.trivialRead() } }
        var syncLookup = LatencySample()
        for index in 0..<10_000 {
            let sku = skus[index % skus.count]
            let start = DispatchTime.now().uptimeNanoseconds
            try store.blockingProductRead(sku)
            syncLookup.record(DispatchTime.now().uptimeNanoseconds - start)
        }
        print("floor: GRDB async read of SELECT 1 p50 \(formatDuration(nanoseconds: trivial.percentile(50))); the same lookup as a blocking read p50 \(formatDuration(nanoseconds: syncLookup.percentile(50)))")
        for sort in [ProductSort(.sku), ProductSort(.name), ProductSort(.available, .descending)] {
            let deepKey = try await deepKey(store, sort: sort, now: now)
            var first = LatencySample()
            var deep = LatencySample()
            for _ in 0..<pageReads {
                _ = try await first.time { try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .first, limit: 50), now: now) }
                _ = try await deep.time { try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .after(deepKey), limit: 50), now: now) }
            }
            print(String(format: "page of 50 by %@: first %@, at 90%% depth %@, ratio deep/first %.2f", sort.token,
                         formatDuration(nanoseconds: first.percentile(50)), formatDuration(nanoseconds: deep.percentile(50)),
                         deep.percentile(50) / first.percentile(50)))
        }
        try store.close()
    }

    /// The key of the row 90% of the way down the sorted list.
    private func deepKey(_ store: SQLiteShopStore, sort: ProductSort, now: Timestamp) async throws -> KeysetKey {
        let total = try await store.countInventoryItems(matching: ProductFilter(), now: now)
        var window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(anchor: .last, limit: max(1, total / 10)), now: now)
        if window.keys.isEmpty { window = try await store.inventoryItems(matching: ProductFilter(), sort: sort, window: ListWindow(limit: 1), now: now) }
        return window.keys[0]
    }
}
