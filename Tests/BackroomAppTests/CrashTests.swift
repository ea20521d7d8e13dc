import AsyncHTTPClient
import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Proof that nothing acknowledged is lost: the real server under a
/// checkout, pay and adjust load from concurrent clients that log every
/// write they were told succeeded, killed with SIGKILL at random moments
/// and restarted each time. Afterwards every acknowledged order, payment
/// and ledger row exists, no order was charged twice, every charge paid its
/// order, and `backroom check` is clean.
///
/// CI runs 5 kills; `BACKROOM_CRASH_KILLS=20 swift test --filter CrashTests`
/// (or `Scripts/crash-test.sh 20`) is the long form.
@Suite("Crashes lose nothing acknowledged", .serialized)
struct CrashTests {
    final class Acknowledged: Sendable {
        private let state = Mutex((orders: Set<String>(), paid: Set<String>(), adjustments: Set<String>(), errors: 0))
        func order(_ number: String) { state.withLock { _ = $0.orders.insert(number) } }
        func paid(_ number: String) { state.withLock { _ = $0.paid.insert(number) } }
        func adjusted(_ reference: String) { state.withLock { _ = $0.adjustments.insert(reference) } }
        var orders: Set<String> { state.withLock { $0.orders } }
        var paid: Set<String> { state.withLock { $0.paid } }
        var adjustments: Set<String> { state.withLock { $0.adjustments } }
    }

    /// One shopper's loop: cart, line, checkout, pay; each success logged.
    static func shop(_ url: String, skus: [String], acknowledged: Acknowledged, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline && !Task.isCancelled {
            guard let (status, cart) = await JSONClient.send(.POST, url + "/api/v1/carts"), status == 201, let cartID = cart["id"] as? String else { continue }
            guard let (lineStatus, _) = await JSONClient.send(.PUT, url + "/api/v1/carts/\(cartID)/lines/\(skus.randomElement()!)", json: ["quantity": 1]),
                  lineStatus == 200 else { continue }
            let checkout: [String: Any] = ["email": "crash@example.com", "shippingAddress": [
                "name": "Crash", "line1": "Rua 1", "city": "Lisbon", "postalCode": "1100", "country": "PT",
            ]]
            guard let (placedStatus, placed) = await JSONClient.send(.POST, url + "/api/v1/carts/\(cartID)/checkout", headers: [("Idempotency-Key", "k-\(cartID)")], json: checkout),
                  placedStatus == 201 || placedStatus == 200, let number = placed["number"] as? String else { continue }
            acknowledged.order(number)
            if let (paidStatus, _) = await JSONClient.send(.POST, url + "/api/v1/orders/\(number)/pay", headers: [("X-Cart-Token", cartID)]), paidStatus == 200 {
                acknowledged.paid(number)
            }
        }
    }

    /// An operator receiving stock, one unit at a time, each with its own reference.
    static func adjust(_ url: String, token: String, skus: [String], acknowledged: Acknowledged, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline && !Task.isCancelled {
            let reference = "crash-\(UUID().uuidString.prefix(12))"
            let result = await JSONClient.send(
                .POST, url + "/api/v1/admin/products/\(skus.randomElement()!)/stock/adjustments", headers: [("Authorization", "Bearer \(token)")],
                json: ["delta": 1, "reason": "received", "reference": reference]
            )
            if let (status, _) = result, status == 201 { acknowledged.adjusted(reference) }
        }
    }

    /// Polls `/healthz` over a plain socket (the HTTP client's pool may still
    /// hold connections to the process that was killed).
    static func waitForHealth(port: Int, seconds: Double = 20) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var last = ""
        while ContinuousClock.now < deadline {
            do {
                last = try await RawSocket.exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", seconds: 2)
                if last.contains("200 OK") { return }
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RawSocketError("the server did not come up on port \(port): \(last)")
    }

    @Test("SIGKILL at random moments under load loses no acknowledged order, payment or ledger row")
    func killUnderLoad() async throws {
        let kills = Int(ProcessInfo.processInfo.environment["BACKROOM_CRASH_KILLS"] ?? "") ?? 5
        let binary = ChildProcess.backroomBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "no binary at \(binary): run `swift build` before `swift test`")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shop.sqlite").path
        let journal = directory.appendingPathComponent("payments.jsonl").path
        let skus = (0..<20).map { String(format: "CR-%03d", $0) }
        do {
            let store = try SQLiteShopStore(path: path)
            let shop = Shop(store: store, currency: store.currency, configuration: ShopConfiguration(passwordCost: 4))
            for sku in skus {
                _ = try await shop.inventory.createProduct(
                    ProductDraft(sku: sku, name: "Crash \(sku)", price: Money(minorUnits: 500, currency: .eur), initialStock: 100_000), by: .system("setup")
                )
            }
            _ = try await shop.users.create(email: "ops@example.com", displayName: "Ops", role: .operator, password: "correct horse", by: .system("setup"))
            try store.close()
        }
        let port = LiveServer.freePort()
        let url = "http://127.0.0.1:\(port)"
        let log = directory.appendingPathComponent("server.log").path
        let arguments = [
            binary, "serve", "--db", path, "--port", String(port), "--log-level", "warning",
            "--set", "payments.journal=\(journal)", "--set", "payments.timeout_seconds=1", "--set", "payments.recovery_seconds=0.5",
        ]
        let acknowledged = Acknowledged()
        var token = ""
        for round in 0...kills {
            let server = try ChildProcess(arguments, output: log)
            do {
                try await Self.waitForHealth(port: port)
            } catch {
                Issue.record("the server did not start (round \(round)): \(server.output.suffix(2000))")
                throw error
            }
            if token.isEmpty {
                let (_, grant) = try #require(await JSONClient.send(.POST, url + "/api/v1/auth/login", json: ["email": "ops@example.com", "password": "correct horse"]))
                token = try #require(grant["token"] as? String)
            }
            guard round < kills else {
                // The last start: let recovery settle what the kills interrupted.
                try await Task.sleep(for: .seconds(8))
                await server.kill(SIGTERM)
                break
            }
            let runFor = Duration.milliseconds(Int64.random(in: 400...1500))
            let deadline = ContinuousClock.now + runFor + .seconds(5)
            let operatorToken = token
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 { group.addTask { await Self.shop(url, skus: skus, acknowledged: acknowledged, until: deadline) } }
                    group.addTask { await Self.adjust(url, token: operatorToken, skus: skus, acknowledged: acknowledged, until: deadline) }
                }
            }
            try await Task.sleep(for: runFor)
            await server.kill()
            load.cancel()
            await load.value
        }
        // At least an order a round: the load ran (on a busy machine a round may place only a few).
        #expect(acknowledged.orders.count >= kills, "the load barely ran: \(acknowledged.orders.count) orders")

        let check = try await ChildProcess.run([binary, "check", "--db", path])
        #expect(check.status == 0, "backroom check: \(check.output)")
        let store = try SQLiteShopStore(path: path)
        defer { try? store.close() }
        for number in acknowledged.orders {
            #expect(try await store.order(try OrderNumber(number)) != nil, "acknowledged order \(number) is missing")
        }
        for number in acknowledged.paid {
            let status = try await store.order(try OrderNumber(number))?.order.status
            #expect(status == .paid, "acknowledged payment of \(number) is missing (\(String(describing: status)))")
        }
        let references = Set(try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT reference FROM stock_movement WHERE reference LIKE 'crash-%'")
        })
        #expect(acknowledged.adjustments.isSubset(of: references), "\(acknowledged.adjustments.subtracting(references).count) acknowledged ledger rows are missing")
        // The provider's view: one charge per order at most, and every charge paid its order.
        let charges = try SimulatedPaymentProvider(journalPath: journal).charges
        let chargedOrders = charges.map(\.order)
        #expect(Set(chargedOrders).count == chargedOrders.count, "an order was charged twice")
        for order in Set(chargedOrders) {
            let status = try await store.order(try OrderNumber(order))?.order.status
            #expect(status == .paid, "\(order) was charged but is \(String(describing: status))")
        }
        #expect(acknowledged.paid.isSubset(of: Set(chargedOrders)))
        print("crash test: \(kills) kills; \(acknowledged.orders.count) orders, \(acknowledged.paid.count) payments, \(acknowledged.adjustments.count) ledger rows acknowledged, all present; \(charges.count) charges, none twice")
    }
}
