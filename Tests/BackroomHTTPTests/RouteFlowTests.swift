import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Every route's happy path, in the order a shop and its staff use them.
@Suite("HTTP routes")
struct RouteFlowTests {
    @Test("operations: health, readiness, metrics, the OpenAPI document", arguments: TestStoreKind.available)
    func operations(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.run { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).text == #"{"node":"\#(server.configuration.resolvedNodeName)","status":"ok"}"#)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            _ = try await client.execute(uri: "/api/v1/products", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"http_requests_total{method="GET",route="/api/v1/products",status="200"} 1"#))
            #expect(metrics.contains("http_request_duration_seconds_bucket"))
            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test("a customer registers, signs in, shops, checks out and pays", arguments: TestStoreKind.available)
    func customerFlow(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("MUG-1", name: "Enamel mug, 藍色", price: 1290, stock: 10)
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let registered = try await client.execute(uri: "/api/v1/auth/register", method: .post, headers: json,
                                                      body: jsonBody(["email": "li@example.com", "displayName": "李伟", "password": "correct horse"]))
            #expect(registered.status == .accepted)
            #expect(try registered.json()["email"] as? String == "li@example.com")
            let login = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: json,
                                                 body: jsonBody(["email": "li@example.com", "password": "correct horse"]))
            let token = try #require(try login.json()["token"] as? String)
            var auth: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: auth).json()["email"] as? String == "li@example.com")

            let created = try await client.execute(uri: "/api/v1/carts", method: .post, headers: auth)
            #expect(created.status == .created)
            let cartID = try #require(try created.json()["id"] as? String)
            auth[.contentType] = "application/json"
            let cart = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: auth, body: jsonBody(["quantity": 3]))
            #expect(cart.status == .ok)
            let lines = try cart.json()["lines"] as? [[String: Any]]
            #expect(lines?.first?["held"] as? Int == 3)
            #expect(try await server.test.item("MUG-1").stock.available == 7)
            let availability = try await client.execute(uri: "/api/v1/products/MUG-1/availability", method: .get).json()
            #expect(availability["available"] as? Int == 7)
            let fetched = try await client.execute(uri: "/api/v1/carts/\(cartID)", method: .get, headers: auth).json()
            #expect((fetched["subtotal"] as? [String: Any])?["formatted"] as? String == "€38.70")

            var checkoutHeaders = auth
            checkoutHeaders[.init("Idempotency-Key")!] = "order-1"
            let body = jsonBody(["email": "li@example.com", "shippingAddress": addressJSON])
            let placed = try await client.execute(uri: "/api/v1/carts/\(cartID)/checkout", method: .post, headers: checkoutHeaders, body: body)
            #expect(placed.status == .created)
            let number = try #require(try placed.json()["number"] as? String)
            #expect(placed.headers[.location] == "/api/v1/orders/\(number)")
            let replay = try await client.execute(uri: "/api/v1/carts/\(cartID)/checkout", method: .post, headers: checkoutHeaders, body: body)
            #expect(replay.status == .ok)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try replay.json()["number"] as? String == number)

            let mine = try await client.execute(uri: "/api/v1/orders", method: .get, headers: auth).json()
            #expect((mine["items"] as? [[String: Any]])?.map { $0["number"] as? String } == [number])
            let paid = try await client.execute(uri: "/api/v1/orders/\(number)/pay", method: .post, headers: auth)
            #expect(paid.status == .ok)
            #expect(try paid.json()["status"] as? String == "paid")
            let detail = try await client.execute(uri: "/api/v1/orders/\(number)", method: .get, headers: auth).json()
            #expect((detail["timeline"] as? [[String: Any]])?.map { $0["event"] as? String } == ["placed", "payment_started", "pay"])
            // Another customer cannot see it.
            let other = try await client.execute(uri: "/api/v1/orders/\(number)", method: .get, headers: server.headers(.customer))
            #expect(other.status == .notFound)

            let logout = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: [.authorization: "Bearer \(token)"])
            #expect(logout.status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
        }
        #expect(try await server.shop.checkInvariants().isEmpty)
    }

    @Test("a guest pays with the cart token; lines can be removed", arguments: TestStoreKind.available)
    func guestFlow(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("MUG-1", stock: 10)
        try await server.test.product("TEE-1", stock: 10)
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let cartID = try #require(try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as? String)
            _ = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: json, body: jsonBody(["quantity": 1]))
            _ = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/TEE-1", method: .put, headers: json, body: jsonBody(["quantity": 2]))
            let removed = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/TEE-1", method: .delete).json()
            #expect((removed["lines"] as? [[String: Any]])?.count == 1)
            let placed = try await client.execute(uri: "/api/v1/carts/\(cartID)/checkout", method: .post, headers: json,
                                                  body: jsonBody(["email": "guest@example.com", "shippingAddress": addressJSON])).json()
            let number = try #require(placed["number"] as? String)
            #expect(try await client.execute(uri: "/api/v1/orders/\(number)/pay", method: .post).status == .notFound)
            let paid = try await client.execute(uri: "/api/v1/orders/\(number)/pay", method: .post, headers: [.init("X-Cart-Token")!: cartID])
            #expect(try paid.json()["status"] as? String == "paid")
        }
        #expect(try await server.test.item("TEE-1").stock.held == 0)
    }

    @Test("a cart made with its first lines holds them in one write; a refused line makes no cart at all", arguments: TestStoreKind.available)
    func cartWithFirstLines(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("MUG-1", stock: 10)
        try await server.test.product("TEE-1", stock: 1)
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let writesBefore = kind == .sqlite ? server.test.store.committedTransactions : 0
            let made = try await client.execute(
                uri: "/api/v1/carts", method: .post, headers: json,
                body: jsonBody(["lines": [["sku": "MUG-1", "quantity": 2], ["sku": "TEE-1", "quantity": 1]]])
            )
            #expect(made.status == .created)
            if kind == .sqlite { #expect(server.test.store.committedTransactions == writesBefore + 1) }
            let lines = try #require(try made.json()["lines"] as? [[String: Any]])
            #expect(lines.map { $0["sku"] as? String } == ["MUG-1", "TEE-1"])

            // TEE-1 is all held now: asking for it refuses the whole cart, and MUG-1's hold is not taken.
            let cartsBefore = try await server.test.number("SELECT COUNT(*) FROM cart")
            let refused = try await client.execute(
                uri: "/api/v1/carts", method: .post, headers: json,
                body: jsonBody(["lines": [["sku": "MUG-1", "quantity": 1], ["sku": "TEE-1", "quantity": 1]]])
            )
            #expect(refused.status == .conflict)
            #expect(try refused.json()["code"] as? String == "insufficient_stock")
            #expect(try await server.test.number("SELECT COUNT(*) FROM cart") == cartsBefore)

            let twice = try await client.execute(
                uri: "/api/v1/carts", method: .post, headers: json,
                body: jsonBody(["lines": [["sku": "MUG-1", "quantity": 1], ["sku": "mug-1", "quantity": 1]]])
            )
            #expect(twice.status == .unprocessableContent)
            #expect(try twice.json()["field"] as? String == "lines")
            let unknown = try await client.execute(
                uri: "/api/v1/carts", method: .post, headers: json, body: jsonBody(["lines": [["sku": "NOPE-1", "quantity": 1]]])
            )
            #expect(unknown.status == .notFound)
            #expect(try await server.test.number("SELECT COUNT(*) FROM cart") == cartsBefore)
        }
        #expect(try await server.test.item("MUG-1").stock.held == 2)
        #expect(try await server.test.item("TEE-1").stock.held == 1)
    }

    @Test("product reads carry an ETag, answer 304 when unchanged, and see every write", arguments: TestStoreKind.available)
    func etags(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("MUG-1", price: 1290, stock: 10)
        try await server.run { client in
            let first = try await client.execute(uri: "/api/v1/products/MUG-1", method: .get)
            let etag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl]?.contains("must-revalidate") == true)
            #expect(first.headers[.contentType] == "application/json; charset=utf-8")
            // The headers are made once per cached product: none twice.
            #expect(first.headers[values: .xContentTypeOptions] == ["nosniff"])
            #expect(first.headers[values: .cacheControl].count == 1)
            let again = try await client.execute(uri: "/api/v1/products/mug-1", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)
            #expect(again.headers[.contentType] == nil)
            #expect(again.headers[values: .xContentTypeOptions] == ["nosniff"])
            let patched = try await client.execute(uri: "/api/v1/admin/products/MUG-1", method: .patch, headers: server.headers(.operator, json: true),
                                                   body: jsonBody(["price": "14.50"]))
            #expect(patched.status == .ok)
            let changed = try await client.execute(uri: "/api/v1/products/MUG-1", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(((try changed.json()["price"]) as? [String: Any])?["formatted"] as? String == "€14.50")
            _ = try await client.execute(uri: "/api/v1/admin/products/MUG-1/archive", method: .post, headers: server.headers(.operator))
            #expect(try await client.execute(uri: "/api/v1/products/MUG-1", method: .get).status == .notFound)
        }
    }

    @Test("the cache notices writes made by another process on the same store", arguments: TestStoreKind.available)
    func otherProcessWrites(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.test.product("MUG-1", name: "Before", stock: 10)
        let watcher = RevisionWatcher(shop: server.shop, logger: Logger(label: "test")) { previous, current in
            if previous.catalog != current.catalog { server.parts.cache.invalidateAll() }
        }
        let start = await watcher.check(since: nil)
        try await server.run { client in
            #expect(try await client.execute(uri: "/api/v1/products/MUG-1", method: .get).json()["name"] as? String == "Before")
            #expect(server.parts.cache.count == 1)
            // A second store on the same file or database stands in for another process.
            let other = try await server.test.secondStore()
            _ = try await other.store.updateProduct(SKU("MUG-1"), changes: ProductChanges(name: "After"), expectedVersion: nil,
                                                    context: WriteContext(principal: .system("other"), at: server.test.clock.now()))
            await other.close()
            _ = await watcher.check(since: start)
            #expect(server.parts.cache.count == 0)
            #expect(try await client.execute(uri: "/api/v1/products/MUG-1", method: .get).json()["name"] as? String == "After")
        }
    }

    @Test("staff routes: products, stock, ledger, orders, users, audit", arguments: TestStoreKind.available)
    func staffFlow(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        try await server.run { client in
            let op = server.headers(.operator, json: true)
            let admin = server.headers(.admin, json: true)
            let created = try await client.execute(uri: "/api/v1/admin/products", method: .post, headers: op,
                                                   body: jsonBody(["sku": "LMP-1", "name": "Desk lamp 🌲", "price": "49.00", "reorderPoint": 5, "initialStock": 12]))
            #expect(created.status == .created)
            #expect((try created.json()["stock"] as? [String: Any])?["onHand"] as? Int == 12)
            let adjusted = try await client.execute(uri: "/api/v1/admin/products/LMP-1/stock/adjustments", method: .post, headers: op,
                                                    body: jsonBody(["delta": -2, "reason": "damaged", "reference": "dropped"]))
            #expect(adjusted.status == .created)
            #expect(try adjusted.json()["summary"] as? String == "LMP-1 on hand 12 → 10 (damaged)")
            let set = try await client.execute(uri: "/api/v1/admin/products/LMP-1/stock", method: .put, headers: op,
                                               body: jsonBody(["count": 4, "expected": 10]))
            #expect(((try set.json()["item"] as? [String: Any])?["lowStock"]) as? Bool == true)
            let ledger = try await client.execute(uri: "/api/v1/admin/products/LMP-1/movements?limit=2", method: .get, headers: op).json()
            #expect((ledger["items"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [-6, -2])
            let cursor = try #require(ledger["nextCursor"] as? String)
            let older = try await client.execute(uri: "/api/v1/admin/products/LMP-1/movements?limit=2&cursor=\(cursor)", method: .get, headers: op).json()
            #expect((older["items"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [12])
            let low = try await client.execute(uri: "/api/v1/admin/products?lowStock=true", method: .get, headers: op).json()
            #expect((low["items"] as? [[String: Any]])?.map { $0["sku"] as? String } == ["LMP-1"])
            _ = try await client.execute(uri: "/api/v1/admin/products/LMP-1/archive", method: .post, headers: server.headers(.operator))
            let restored = try await client.execute(uri: "/api/v1/admin/products/LMP-1/restore", method: .post, headers: server.headers(.operator))
            #expect(try restored.json()["status"] as? String == "active")
            #expect(try await client.execute(uri: "/api/v1/admin/products/LMP-1", method: .get, headers: op).status == .ok)

            let number = try await server.test.placeOrder([("LMP-1", 1)]).order.order.number.rawValue
            let listed = try await client.execute(uri: "/api/v1/admin/orders?status=pending_payment&q=\(number)", method: .get, headers: op).json()
            #expect((listed["items"] as? [[String: Any]])?.count == 1)
            for action in ["pay", "ship", "deliver"] {
                let moved = try await client.execute(uri: "/api/v1/admin/orders/\(number)/transitions", method: .post, headers: op, body: jsonBody(["action": action]))
                #expect(moved.status == .ok, "\(action): \(moved.text)")
            }
            let illegal = try await client.execute(uri: "/api/v1/admin/orders/\(number)/transitions", method: .post, headers: op, body: jsonBody(["action": "cancel"]))
            #expect(illegal.status == .conflict)
            #expect(try illegal.json()["code"] as? String == "invalid_transition")
            #expect(try await client.execute(uri: "/api/v1/admin/orders/\(number)", method: .get, headers: op).json()["status"] as? String == "delivered")

            let user = try await client.execute(uri: "/api/v1/admin/users", method: .post, headers: admin,
                                                body: jsonBody(["email": "vic@example.com", "displayName": "Vic", "role": "viewer", "password": "correct horse"]))
            #expect(user.status == .created)
            let id = try #require(try user.json()["id"] as? Int)
            #expect(try await client.execute(uri: "/api/v1/admin/users/\(id)/role", method: .put, headers: admin, body: jsonBody(["role": "operator"])).json()["role"] as? String == "operator")
            #expect(try await client.execute(uri: "/api/v1/admin/users/\(id)/disable", method: .post, headers: server.headers(.admin)).json()["status"] as? String == "disabled")
            #expect(try await client.execute(uri: "/api/v1/admin/users/\(id)/enable", method: .post, headers: server.headers(.admin)).json()["status"] as? String == "active")
            #expect(try await client.execute(uri: "/api/v1/admin/users/\(id)/revoke-tokens", method: .post, headers: server.headers(.admin)).json()["revoked"] as? Int == 0)
            let reset = try await client.execute(uri: "/api/v1/admin/users/\(id)/password", method: .post, headers: server.headers(.admin)).json()
            #expect((reset["password"] as? String)?.count == 16)
            #expect(try await client.execute(uri: "/api/v1/admin/users/\(id)", method: .get, headers: op).json()["email"] as? String == "vic@example.com")
            let users = try await client.execute(uri: "/api/v1/admin/users?role=operator", method: .get, headers: op).json()
            #expect((users["items"] as? [[String: Any]])?.compactMap { $0["email"] as? String }.contains("vic@example.com") == true)
            let audit = try await client.execute(uri: "/api/v1/admin/audit?limit=3", method: .get, headers: admin).json()
            #expect((audit["items"] as? [[String: Any]])?.map { $0["action"] as? String } == ["user.password", "user.revoke_tokens", "user.enable"])
        }
        #expect(try await server.shop.checkInvariants().isEmpty)
    }
}
