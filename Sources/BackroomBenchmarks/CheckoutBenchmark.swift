import BackroomCore
import BackroomServices
import BackroomStore
import Foundation
import GRDB
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
        try await store.pool.write { db in 
            // Plenty of stock everywhere, recorded in the ledger like any delivery.
            try db.execute(sql: """
                DELETE FROM stock_movement;
                UPDATE product SET on_hand = 1000000, status = 'active';
                INSERT INTO stock_movement (product_id, delta, reason, actor, on_hand_after, created_at)
                    SELECT id, 1000000, 'received', 'bench', 1000000, 0 FROM product;
                """)
        }
        let skus = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT sku FROM product") }.map(SKU.init(trusted:))
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
                            try await sample.time { try await Self.rawCheckouts(store.pool, carts: [cart]) }
                        }
                    case .rawBatched(let batch):
                        while case let carts = queue.next(batch), !carts.isEmpty {
                            try await sample.time { try await Self.rawCheckouts(store.pool, carts: carts) }
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

    /// The same rows checkout reads and writes, without the service layer's
    /// validation, authorisation and result building; all `carts` in one
    /// transaction.
    private static func rawCheckouts(_ pool: DatabasePool, carts: [CartID]) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                for cart in carts { try rawCheckout(db, cart: cart) }
                return .commit
            }
        }
    }

    private static func rawCheckout(_ db: Database, cart: CartID) throws {
        let lines = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.product_id, l.quantity, p.sku, p.name, p.price, ifnull(h.quantity, 0)
            FROM cart_line l JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id
            WHERE l.cart_id = ?
            """), arguments: [cart.rawValue])
        var total: Int64 = 0
        var items: Int64 = 0
        for line in lines {
            let quantity: Int64 = line[1]
            let held: Int64 = line[5]
            try db.cachedStatement(sql: "UPDATE product SET held = held - ?, allocated = allocated + ? WHERE id = ? AND on_hand - (held - ?) - (allocated + ?) >= 0")
                .execute(arguments: [held, quantity, line[0], held, quantity])
            total += (line[4] as Int64) * quantity
            items += quantity
        }
        try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE cart_id = ?").execute(arguments: [cart.rawValue])
        try db.cachedStatement(sql: """
            INSERT INTO shop_order (status, email, currency, item_count, subtotal, total, ship_name, ship_line1, ship_city,
                ship_postal_code, ship_country, cart_id, placed_at, updated_at)
            VALUES ('pending_payment', 'bench@example.com', 'EUR', ?, ?, ?, 'Bench', 'Street 1', 'Berlin', '10115', 'DE', ?, 0, 0)
            """).execute(arguments: [items, total, total, cart.rawValue])
        let orderID = db.lastInsertedRowID
        for (index, line) in lines.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO order_line VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(arguments: [
                orderID, index + 1, line[0], line[2], line[3], line[4], line[1], (line[4] as Int64) * (line[1] as Int64),
            ])
        }
        try db.cachedStatement(sql: "INSERT INTO order_event (order_id, at, actor, event, to_status) VALUES (?, 0, 'bench', 'placed', 'pending_payment')")
            .execute(arguments: [orderID])
        try db.cachedStatement(sql: "UPDATE cart SET status = 'checked_out', order_id = ? WHERE id = ?").execute(arguments: [orderID, cart.rawValue])
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
