import BackroomCore
import BackroomServices
import BackroomStore
import Foundation
import Synchronization

/// Checkouts per second through the service layer at several concurrency
/// levels, beside a raw GRDB loop doing the same inserts and updates (the
/// store's own limit on this machine), and the service again with the
/// outbox off (what recording the `order.placed` event costs). Last, the
/// floor of the schema: the raw statements replayed 64 checkouts per
/// transaction (what group commit could reach at best).
public struct CheckoutBenchmark {
    public var directory: String
    public var checkoutsPerLevel: Int
    public var levels: [Int]

    public init(directory: String, checkoutsPerLevel: Int = 20_000, levels: [Int] = [1, 8, 64]) {
        self.directory = directory
        self.checkoutsPerLevel = checkoutsPerLevel
        self.levels = levels
    }

    struct Outcome {
        var perSecond: Double
        var latency: LatencySample
    }

    private enum Mode {
        case service
        /// One transaction per checkout, from each caller.
        case raw
        /// One writer, `batch` checkouts per transaction.
        case rawBatched(batch: Int)
    }

    public func run() async throws {
        print("# checkout benchmark: \(checkoutsPerLevel) checkouts per level, carts of 1–3 lines over 1,000 SKUs")
        print("callers | service checkouts/s | p50 | p99 | raw GRDB loop/s | p99 | service/raw | without events/s | outbox cost")
        for level in levels {
            let service = try await measure(level: level, mode: .service)
            let raw = try await measure(level: level, mode: .raw)
            let silent = try await measure(level: level, mode: .service, recordsEvents: false)
            print(String(format: "%7d | %19.0f | %@ | %@ | %15.0f | %@ | %.2f | %16.0f | %.1f%%", level, service.perSecond,
                         formatDuration(nanoseconds: service.latency.percentile(50)), formatDuration(nanoseconds: service.latency.percentile(99)),
                         raw.perSecond, formatDuration(nanoseconds: raw.latency.percentile(99)), service.perSecond / raw.perSecond,
                         silent.perSecond, (1 - service.perSecond / silent.perSecond) * 100))
        }
        let floor = try await measure(level: 1, mode: .rawBatched(batch: 64))
        print(String(format: "floor: the raw statements, 64 checkouts per transaction: %.0f/s", floor.perSecond))
    }

    private func measure(level: Int, mode: Mode, recordsEvents: Bool = true) async throws -> Outcome {
        let name = switch mode {
        case .service: "service"
        case .raw: "raw"
        case .rawBatched: "floor"
        }
        let path = directory + "/backroom-bench-checkout-\(name)-\(recordsEvents ? "" : "silent-")\(level).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var configuration = StoreConfiguration()
        configuration.recordsEvents = recordsEvents
        let store = try SQLiteShopStore(path: path, configuration: configuration)
        defer {
            try? store.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let shop = Shop(store: store, currency: store.currency, configuration: ShopConfiguration(passwordCost: 4))
        _ = try StoreSeeder(store: store).run(SeedPlan(products: 1000, users: 0, orders: 0, seed: 7, passwordHash: "", now: SystemTimeSource().now()))
        try await store.stockEveryProductForBenchmark()
        let skus = try await store.sampleSKUs()
        var carts: [CartID] = []
        var random = SeededRandom(seed: UInt64(level))
        for _ in 0..<checkoutsPerLevel {
            let cart = try await shop.carts.createCart(for: nil)
            for _ in 0..<Int(random.int(in: 1...3)) {
                _ = try await shop.carts.setQuantity(random.int(in: 1...3), of: random.pick(skus), in: cart.id, by: nil)
            }
            carts.append(cart.id)
        }
        let queue = WorkQueue(carts)
        let email = try Email("bench@example.com")
        let address = ShippingAddress(name: "Bench", line1: "Street 1", city: "Berlin", postalCode: "10115", country: "DE")
        let started = DispatchTime.now().uptimeNanoseconds
        let latency = try await withThrowingTaskGroup(of: LatencySample.self) { group in
            for _ in 0..<level {
                group.addTask {
                    var sample = LatencySample()
                    switch mode {
                    case .service:
                        while let cart = queue.next() {
                            _ = try await sample.time {
                                try await shop.carts.checkout(cart, email: email, shippingAddress: address, idempotencyKey: nil, by: nil)
                            }
                        }
                    case .raw:
                        while let cart = queue.next() {
                            try await sample.time { try await store.rawCheckouts([cart]) }
                        }
                    case .rawBatched(let batch):
                        while case let carts = queue.next(batch), !carts.isEmpty {
                            try await sample.time { try await store.rawCheckouts(carts) }
                        }
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
        if case .service = mode, !violations.isEmpty { throw BackroomError(.internalError, "check found \(violations.count) violations after the run") }
        return Outcome(perSecond: Double(carts.count) / seconds, latency: latency)
    }
}

/// Items handed out to concurrent workers, each exactly once.
final class WorkQueue<Item: Sendable>: Sendable {
    private let items: Mutex<ArraySlice<Item>>

    init(_ items: [Item]) {
        self.items = Mutex(items[...])
    }

    func next() -> Item? {
        items.withLock { $0.popFirst() }
    }

    /// Up to `count` items; empty when none are left.
    func next(_ count: Int) -> [Item] {
        items.withLock { items in
            let taken = Array(items.prefix(count))
            items.removeFirst(taken.count)
            return taken
        }
    }
}
