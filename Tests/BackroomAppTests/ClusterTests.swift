import AsyncHTTPClient
import BackroomTestSupport
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// The scale-out shape, end to end with real processes: three
/// `backroom serve` nodes on one PostgreSQL, nginx in front
/// (`Scripts/cluster.sh`). Each test has a cluster of its own.
@Suite("Several nodes behind nginx", .serialized, .enabled(if: TestCluster.isAvailable, "nginx or PostgreSQL's server binaries are not installed"))
struct ClusterTests {
    static var checkoutBody: [String: Any] { ["email": "cluster@example.com", "shippingAddress": [
        "name": "Cluster", "line1": "Rua 1", "city": "Lisbon", "postalCode": "1100", "country": "PT",
    ]] }

    static func admin(_ cluster: TestCluster) -> [(String, String)] { [("Authorization", "Bearer \(cluster.token)")] }

    /// A product made through the load balancer.
    static func product(_ cluster: TestCluster, sku: String, stock: Int, price: String = "10.00") async throws {
        let created = await JSONClient.send(
            .POST, cluster.loadBalancer + "/api/v1/admin/products", headers: admin(cluster),
            json: ["sku": sku, "name": "Cluster \(sku)", "price": price, "initialStock": stock]
        )
        try #require(created?.0 == 201, "creating \(sku): \(String(describing: created))")
    }

    /// One shopper: a cart, one unit of `sku`, checkout. The order number,
    /// or nil if a step was refused. Like a real client, a step whose
    /// connection failed or that answered 5xx is sent again (up to three
    /// times): putting a line is idempotent, and the checkout carries its
    /// Idempotency-Key. What each step last answered is noted in `log`.
    static func buyOne(_ url: String, sku: String, log: StepLog? = nil) async -> (number: String, cart: String)? {
        func send(_ step: String, _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], json: Any? = nil) async -> (Int, [String: Any])? {
            var reply: (Int, [String: Any])?
            for _ in 0..<3 {
                reply = await JSONClient.send(method, url + path, headers: headers, json: json)
                if let (status, _) = reply, status < 500 { break }
            }
            log?.note(step, reply?.0)
            return reply
        }
        guard let (status, cart) = await send("cart", .POST, "/api/v1/carts"), status == 201, let cartID = cart["id"] as? String,
              let (lineStatus, _) = await send("line", .PUT, "/api/v1/carts/\(cartID)/lines/\(sku)", json: ["quantity": 1]), lineStatus == 200,
              let (placedStatus, placed) = await send(
                "checkout", .POST, "/api/v1/carts/\(cartID)/checkout", headers: [("Idempotency-Key", "k-\(cartID)")], json: checkoutBody
              ),
              placedStatus == 201 || placedStatus == 200, let number = placed["number"] as? String
        else { return nil }
        return (number, cartID)
    }

    @Test("64 shoppers through nginx race for the last 10 units: exactly 10 orders, the store consistent")
    func raceThroughNginx() async throws {
        try await TestCluster.with { cluster in
            try await Self.product(cluster, sku: "LAST-10", stock: 10)
            let log = StepLog()
            let orders = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<64 { group.addTask { await Self.buyOne(cluster.loadBalancer, sku: "LAST-10", log: log)?.number } }
                var placed: [String] = []
                for await number in group { if let number { placed.append(number) } }
                return placed
            }
            #expect(orders.count == 10, "placed \(orders.count) orders for 10 units; the steps answered \(log.summary)")
            #expect(Set(orders).count == orders.count)
            let stock = await JSONClient.send(.GET, cluster.loadBalancer + "/api/v1/products/LAST-10/availability")
            #expect(stock?.1["available"] as? Int == 0)
            let check = try await cluster.check()
            #expect(check.status == 0, "backroom check: \(check.output)")
        }
    }

    @Test("a price changed through node A is served by nodes B and C within a second, with a new ETag")
    func priceSeenByEveryNode() async throws {
        try await TestCluster.with { cluster in
            try await Self.product(cluster, sku: "PRICE-1", stock: 5, price: "10.00")
            let (a, others) = (cluster.nodes[0], Array(cluster.nodes[1...]))
            // Every node has the product cached, with the same ETag.
            var etags: Set<String> = []
            for node in cluster.nodes {
                let reply = try #require(await JSONClient.exchange(.GET, node + "/api/v1/products/PRICE-1"))
                #expect(reply.status == 200)
                etags.insert(reply.headers.first(name: "ETag") ?? "")
            }
            #expect(etags.count == 1, "the same version gives the same ETag on every node: \(etags)")
            let changed = await JSONClient.send(.PATCH, a + "/api/v1/admin/products/PRICE-1", headers: Self.admin(cluster), json: ["price": "12.50"])
            try #require(changed?.0 == 200, "\(String(describing: changed))")
            let written = ContinuousClock.now
            for node in others {
                var seen: JSONClient.Reply?
                while ContinuousClock.now - written < .seconds(2) {
                    let reply = await JSONClient.exchange(.GET, node + "/api/v1/products/PRICE-1")
                    if let reply, (reply.json["price"] as? [String: Any])?["minorUnits"] as? Int == 1250 { seen = reply; break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let elapsed = ContinuousClock.now - written
                let reply = try #require(seen, "\(node) still served the old price after 2 s")
                #expect(elapsed < .seconds(1), "\(node) served the new price after \(elapsed)")
                let etag = reply.headers.first(name: "ETag")
                #expect(etag != nil && etag != etags.first, "\(node) kept the old ETag")
            }
        }
    }

    @Test("a node killed under load: nginx routes around it, acknowledged orders exist, it rejoins after restart")
    func nodeKilledUnderLoad() async throws {
        try await TestCluster.with { cluster in
            try await Self.product(cluster, sku: "LOAD-1", stock: 100_000)
            let tally = LoadTally()
            let deadline = ContinuousClock.now + .seconds(4)
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            while ContinuousClock.now < deadline {
                                guard let order = await Self.buyOne(cluster.loadBalancer, sku: "LOAD-1") else { continue }
                                tally.acknowledge(order.number)
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(1))
            try await cluster.kill(node: 2)
            tally.noteKill()
            await load.value
            #expect(tally.afterKill > 0, "no order went through after the kill")

            // The node list forgets node-2 within its liveness window.
            let listedWithout = try await Self.waitForNodes(cluster, toBe: ["node-1", "node-3"])
            #expect(listedWithout, "node-2 is still listed after it was killed")
            try await cluster.start(node: 2)
            let listedWith = try await Self.waitForNodes(cluster, toBe: ["node-1", "node-2", "node-3"])
            #expect(listedWith, "node-2 did not rejoin the list")
            let health = await JSONClient.send(.GET, cluster.nodes[1] + "/healthz")
            #expect(health?.1["node"] as? String == "node-2")

            for number in tally.orders {
                let found = await JSONClient.send(.GET, cluster.loadBalancer + "/api/v1/admin/orders/\(number)", headers: Self.admin(cluster))
                #expect(found?.0 == 200, "acknowledged order \(number) is missing")
            }
            let check = try await cluster.check()
            #expect(check.status == 0, "backroom check: \(check.output)")
        }
    }

    /// Polls `GET /api/v1/admin/nodes` until it lists exactly `names` (10 s at most).
    static func waitForNodes(_ cluster: TestCluster, toBe names: [String]) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let listed = await JSONClient.send(.GET, cluster.loadBalancer + "/api/v1/admin/nodes", headers: admin(cluster))
            let items = (listed?.1["items"] as? [[String: Any]]) ?? []
            if items.compactMap({ $0["name"] as? String }) == names { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test("one checkout sent to every node at once places one order; ten pays spread over the nodes charge once")
    func idempotentAcrossNodes() async throws {
        try await TestCluster.with { cluster in
            try await Self.product(cluster, sku: "PAY-1", stock: 5)
            let (status, cart) = try #require(await JSONClient.send(.POST, cluster.loadBalancer + "/api/v1/carts"))
            let cartID = try #require(cart["id"] as? String, "\(status)")
            let line = await JSONClient.send(.PUT, cluster.loadBalancer + "/api/v1/carts/\(cartID)/lines/PAY-1", json: ["quantity": 1])
            try #require(line?.0 == 200)
            // The same checkout, retried on every node at once.
            let placed = await withTaskGroup(of: (Int, String?)?.self) { group in
                for node in cluster.nodes {
                    group.addTask {
                        await JSONClient.send(
                            .POST, node + "/api/v1/carts/\(cartID)/checkout", headers: [("Idempotency-Key", "retry-\(cartID)")], json: Self.checkoutBody
                        ).map { ($0.0, $0.1["number"] as? String) }
                    }
                }
                var all: [(Int, String?)] = []
                for await reply in group { if let reply { all.append(reply) } }
                return all
            }
            #expect(placed.count == cluster.nodes.count)
            #expect(placed.filter { $0.0 == 201 }.count == 1, "one placed: \(placed)")
            #expect(placed.allSatisfy { $0.0 == 201 || $0.0 == 200 }, "the others are replays: \(placed)")
            let numbers = Set(placed.compactMap(\.1))
            #expect(numbers.count == 1, "one order: \(numbers)")
            let order = (number: try #require(numbers.first), cart: cartID)
            let statuses = await withTaskGroup(of: Int?.self) { group in
                for attempt in 0..<10 {
                    let node = cluster.nodes[attempt % cluster.nodes.count]
                    group.addTask {
                        await JSONClient.send(.POST, node + "/api/v1/orders/\(order.number)/pay", headers: [("X-Cart-Token", order.cart)])?.0
                    }
                }
                var all: [Int?] = []
                for await status in group { all.append(status) }
                return all
            }
            #expect(statuses.contains(200), "no pay succeeded: \(statuses)")
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "pays answered \(statuses)")
            let charges = try cluster.charges().filter { $0 == order.number }
            #expect(charges.count == 1, "\(order.number) was charged \(charges.count) times")
            let detail = await JSONClient.send(.GET, cluster.loadBalancer + "/api/v1/admin/orders/\(order.number)", headers: Self.admin(cluster))
            #expect(detail?.1["status"] as? String == "paid")
        }
    }
}

/// Orders a load acknowledged, and how many of them came after a kill.
final class LoadTally: Sendable {
    private let state = Mutex((orders: [String](), killed: false, afterKill: 0))

    func acknowledge(_ number: String) {
        state.withLock { state in
            state.orders.append(number)
            if state.killed { state.afterKill += 1 }
        }
    }

    func noteKill() { state.withLock { $0.killed = true } }
    var orders: [String] { state.withLock { $0.orders } }
    var afterKill: Int { state.withLock { $0.afterKill } }
}

/// What each step of the shoppers last answered, counted (nil: no answer).
final class StepLog: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func note(_ step: String, _ status: Int?) {
        counts.withLock { $0["\(step) \(status.map(String.init) ?? "no answer")", default: 0] += 1 }
    }

    var summary: String { counts.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") } }
}
