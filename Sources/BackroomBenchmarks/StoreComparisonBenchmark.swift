import BackroomCore
import BackroomPostgres
import BackroomServices
import BackroomStore
import Foundation

/// SQLite beside PostgreSQL in one run, through the same service layer:
/// checkouts per second at several concurrency levels with p50/p99, and
/// `backroom copy` rows per second from a SQLite store into PostgreSQL.
/// Each level starts from a fresh store of each kind (a new file; the
/// PostgreSQL database emptied).
public struct StoreComparisonBenchmark {
    public var directory: String
    public var postgres: PostgresAddress
    public var checkoutsPerLevel: Int
    public var levels: [Int]
    public var copyProducts: Int

    public init(directory: String, postgres: PostgresAddress, checkoutsPerLevel: Int = 5_000, levels: [Int] = [1, 8, 64], copyProducts: Int = 200_000) {
        self.directory = directory
        self.postgres = postgres
        self.checkoutsPerLevel = checkoutsPerLevel
        self.levels = levels
        self.copyProducts = copyProducts
    }

    public func run() async throws {
        print("# SQLite vs PostgreSQL (\(postgres)): \(checkoutsPerLevel) checkouts per level, carts of 1–3 lines over 1,000 SKUs")
        print("callers | SQLite checkouts/s | p50 | p99 | PostgreSQL checkouts/s | p50 | p99 | PostgreSQL/SQLite")
        for level in levels {
            let sqlite = try await checkouts(level: level, on: .sqlite)
            let postgres = try await checkouts(level: level, on: .postgres)
            print(String(format: "%7d | %18.0f | %@ | %@ | %22.0f | %@ | %@ | %.2f", level,
                         sqlite.perSecond, formatDuration(nanoseconds: sqlite.latency.percentile(50)), formatDuration(nanoseconds: sqlite.latency.percentile(99)),
                         postgres.perSecond, formatDuration(nanoseconds: postgres.latency.percentile(50)), formatDuration(nanoseconds: postgres.latency.percentile(99)),
                         postgres.perSecond / sqlite.perSecond))
        }
        try await roundTrips()
        try await copy()
    }

    /// The floor under every statement: a round trip that parses and plans
    /// nothing, one caller, from a pooled connection.
    private func roundTrips() async throws {
        let store = try await PostgresShopStore.open(postgres, maximumConnections: 1)
        for _ in 0..<200 { try await store.roundTripForBenchmark() }
        var sample = LatencySample()
        for _ in 0..<5_000 { _ = try await sample.time { try await store.roundTripForBenchmark() } }
        await store.close()
        print("one round trip (SELECT 1, one caller): p50 \(formatDuration(nanoseconds: sample.percentile(50))), p99 \(formatDuration(nanoseconds: sample.percentile(99)))")
    }

    private enum Kind { case sqlite, postgres }

    /// A store of `kind`; with `emptied`, a new one (an existing SQLite
    /// file is removed, a PostgreSQL database emptied).
    private func open(_ kind: Kind, name: String, emptied: Bool) async throws -> (store: any ShopStore, close: () async -> Void) {
        switch kind {
        case .sqlite:
            let path = directory + "/backroom-bench-compare-\(name).sqlite"
            if emptied { removeSQLiteFiles(path) }
            let store = try SQLiteShopStore(path: path)
            return (store, { try? store.close() })
        case .postgres:
            // The pool `serve` opens (the store's default): a connection per
            // caller made 64 server processes share two cores, and ran
            // slower at 64 callers than 20 connections did (BENCHMARKS.md).
            let store = try await PostgresShopStore.open(postgres)
            if emptied { try await store.deleteAllData() }
            return (store, { await store.close() })
        }
    }

    private func removeSQLiteFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func checkouts(level: Int, on kind: Kind) async throws -> (perSecond: Double, latency: LatencySample) {
        let name = "checkout-\(level)"
        let carts = try await prepareCarts(level: level, on: kind, name: name)
        // Opened again for the run, as a store that has been running is:
        // PostgreSQL's connections plan their statements once (the
        // checkout's, and the foreign key checks'), and a connection that
        // planned them while the tables were nearly empty would keep scans
        // of whole tables.
        let (store, close) = try await open(kind, name: name, emptied: false)
        defer { if kind == .sqlite { removeSQLiteFiles(directory + "/backroom-bench-compare-\(name).sqlite") } }
        let shop = Shop(store: store, currency: .eur, configuration: ShopConfiguration(passwordCost: 4))
        let queue = WorkQueue(carts)
        let email = try Email("bench@example.com")
        let address = ShippingAddress(name: "Bench", line1: "Street 1", city: "Berlin", postalCode: "10115", country: "DE")
        let started = DispatchTime.now().uptimeNanoseconds
        let latency = try await withThrowingTaskGroup(of: LatencySample.self) { group in
            for _ in 0..<level {
                group.addTask {
                    var sample = LatencySample()
                    while let cart = queue.next() {
                        _ = try await sample.time { try await shop.carts.checkout(cart, email: email, shippingAddress: address, idempotencyKey: nil, by: nil) }
                    }
                    return sample
                }
            }
            var all = LatencySample()
            for try await sample in group { all.merge(sample) }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let violations = try await store.checkInvariants(now: SystemTimeSource().now())
        await close()
        if !violations.isEmpty { throw BackroomError(.internalError, "check found \(violations.count) violations after the run") }
        return (Double(carts.count) / seconds, latency)
    }

    /// A store of 1,000 products, 500 orders and `checkoutsPerLevel` carts
    /// holding their stock, with statistics for PostgreSQL's planner, as a
    /// store that has been running has.
    private static let ordersBefore = 500

    private func prepareCarts(level: Int, on kind: Kind, name: String) async throws -> [CartID] {
        let (store, close) = try await open(kind, name: name, emptied: true)
        let shop = Shop(store: store, currency: .eur, configuration: ShopConfiguration(passwordCost: 4))
        let context = WriteContext(principal: .system("bench"), at: SystemTimeSource().now())
        var skus: [SKU] = []
        for index in 0..<1000 {
            let draft = try ProductDraft(sku: "BENCH-\(index)", name: "Bench \(index)", price: Money(minorUnits: 1000, currency: .eur), initialStock: 1_000_000).validated()
            skus.append(try await store.createProduct(draft, context: context).sku)
        }
        var carts: [CartID] = []
        var random = SeededRandom(seed: UInt64(level))
        for _ in 0..<(checkoutsPerLevel + Self.ordersBefore) {
            let lines = (0..<Int(random.int(in: 1...3))).map { _ in CartLineQuantity(sku: random.pick(skus), quantity: random.int(in: 1...3)) }
            let unique = Dictionary(lines.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first }).values
            carts.append(try await shop.carts.createCart(for: nil, lines: Array(unique)).id)
        }
        // Orders placed before, so that no table the checkout reads or
        // checks a key in is empty when its plans are made.
        let email = try Email("bench@example.com")
        let address = ShippingAddress(name: "Bench", line1: "Street 1", city: "Berlin", postalCode: "10115", country: "DE")
        for cart in carts.suffix(Self.ordersBefore) {
            _ = try await shop.carts.checkout(cart, email: email, shippingAddress: address, idempotencyKey: nil, by: nil)
        }
        if let postgres = store as? PostgresShopStore { try await postgres.refreshPlannerStatistics() }
        await close()
        return Array(carts.dropLast(Self.ordersBefore))
    }

    private func copy() async throws {
        let path = directory + "/backroom-bench-compare-copy.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let source = try SQLiteShopStore(path: path)
        defer {
            try? source.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let plan = SeedPlan(products: copyProducts, users: 1000, orders: copyProducts / 10, seed: 7, passwordHash: "x", now: SystemTimeSource().now())
        _ = try StoreSeeder(store: source).run(plan)
        let target = try await PostgresShopStore.open(postgres, maximumConnections: 4)
        try await target.deleteAllData()
        let started = DispatchTime.now().uptimeNanoseconds
        let rows = try await StoreCopier(from: source, named: path, to: target).run(replacing: false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let violations = try await target.checkInvariants(now: SystemTimeSource().now())
        await target.close()
        print(String(format: "copy SQLite → PostgreSQL: %d rows (%d products) in %.1f s: %.0f rows/s; check: %@",
                     rows, copyProducts, seconds, Double(rows) / seconds, violations.isEmpty ? "consistent" : "\(violations.count) violations"))
    }
}
