import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTelemetry
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite("Hostile and careless requests")
struct HardeningTests {
    @Test("HEAD answers wherever GET does, with the headers and no body")
    func head() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 3)
        try await server.runLive { (client: any TestClientProtocol) async throws in
            let get = try await client.execute(uri: "/api/v1/products/MUG-1", method: .get)
            let head = try await client.execute(uri: "/api/v1/products/MUG-1", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.eTag] == get.headers[.eTag])
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
            #expect(try await client.execute(uri: "/healthz", method: .head).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/admin/products", method: .head, headers: server.headers(.viewer)).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/admin/products", method: .head).status == .unauthorized)
        }
    }

    @Test("every response says nosniff; carts, orders, tokens and staff data are never cached")
    func securityHeaders() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 3)
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let cart = try await client.execute(uri: "/api/v1/carts", method: .post)
            let cartID = try #require(try cart.json()["id"] as? String)
            let responses = [
                cart,
                try await client.execute(uri: "/api/v1/carts/\(cartID)", method: .get),
                try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: json, body: jsonBody(["email": "admin@example.com", "password": "correct horse"])),
                try await client.execute(uri: "/api/v1/admin/users", method: .get, headers: server.headers(.admin)),
                try await client.execute(uri: "/api/v1/nowhere", method: .get),
                try await client.execute(uri: "/api/v1/products/MUG-1", method: .delete),
            ]
            for response in responses {
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-store", "\(response.status): \(response.headers) \(response.text)")
            }
            let product = try await client.execute(uri: "/api/v1/products/MUG-1", method: .get)
            #expect(product.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(product.headers[.cacheControl]?.contains("must-revalidate") == true)
        }
    }

    @Test("path parameters are percent-decoded; SKUs . and .. are refused")
    func pathParameters() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 3)
        try await server.run { client in
            #expect(try await client.execute(uri: "/api/v1/products/MUG%2D1", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/products/%2E%2E", method: .get).status == .notFound)
            let created = try await client.execute(
                uri: "/api/v1/admin/products", method: .post, headers: server.headers(.operator, json: true),
                body: jsonBody(["sku": "..", "name": "Dots", "price": "1.00"])
            )
            #expect(created.status == .unprocessableContent)
            #expect(try created.json()["field"] as? String == "sku")
        }
        #expect(try server.test.count("SELECT COUNT(*) FROM product") == 1)
    }

    @Test("a fraction where a whole number belongs is named as such")
    func wholeNumbers() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 3)
        try await server.run { client in
            let cartID = try #require(try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as? String)
            let response = try await client.execute(
                uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"quantity": 1.5}"#)
            )
            #expect(response.status == .badRequest)
            let problem = try response.json()
            #expect(problem["field"] as? String == "quantity")
            #expect((problem["detail"] as? String)?.contains("must be a whole number") == true)
        }
        #expect(try await server.test.item("MUG-1").stock.held == 0)
    }

    @Test("prices are read by the shop currency's rules: 12,5 is €12.50, ambiguous or mangled amounts are 422 naming the field")
    func prices() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let admin = server.headers(.operator, json: true)
            let comma = try await client.execute(uri: "/api/v1/admin/products", method: .post, headers: admin, body: jsonBody(["sku": "A-1", "name": "A", "price": "12,5"]))
            #expect(comma.status == .created)
            #expect((try comma.json()["price"] as? [String: Any])?["minorUnits"] as? Int == 1250)
            for bad in ["€€1€", "1,250", "12.345", "1.2.3"] {
                let response = try await client.execute(uri: "/api/v1/admin/products", method: .post, headers: admin, body: jsonBody(["sku": "B-1", "name": "B", "price": bad]))
                #expect(response.status == .unprocessableContent, "\(bad)")
                #expect(try response.json()["field"] as? String == "price")
            }
        }
        #expect(try server.test.count("SELECT COUNT(*) FROM product") == 1)
    }

    @Test("lengths are checked as the store counts them: combining marks and flags are a 422, never a 500")
    func lengths() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let composed = String(repeating: "e\u{0301}", count: 150)
            let product = try await client.execute(uri: "/api/v1/admin/products", method: .post, headers: server.headers(.operator, json: true),
                                                   body: jsonBody(["sku": "E-1", "name": composed, "price": "1.00"]))
            #expect(product.status == .unprocessableContent)
            #expect(try product.json()["field"] as? String == "name")
            let flags = String(repeating: "🇵🇹", count: 60)
            let user = try await client.execute(uri: "/api/v1/auth/register", method: .post, headers: [.contentType: "application/json"],
                                                body: jsonBody(["email": "f@example.com", "displayName": flags, "password": "correct horse"]))
            #expect(user.status == .unprocessableContent)
            #expect(try user.json()["field"] as? String == "displayName")
            let bidi = try await client.execute(uri: "/api/v1/admin/products", method: .post, headers: server.headers(.operator, json: true),
                                                body: jsonBody(["sku": "E-2", "name": "Mug \u{202E}gpj.exe", "price": "1.00"]))
            #expect(bidi.status == .unprocessableContent)
        }
        #expect(try server.test.count("SELECT COUNT(*) FROM product") == 0)
    }

    @Test("a value the store's constraints refuse is a validation error, not a 500")
    func constraintFailures() async throws {
        let test = try TestShop()
        try await test.product("MUG-1", stock: 3)
        await #expect {
            // Past validation, straight at the store: the CHECK is the last line of defence.
            try await test.store.updateProduct(
                test.sku("MUG-1"), changes: ProductChanges(name: String(repeating: "x", count: 300)), expectedVersion: nil,
                context: WriteContext(principal: TestShop.admin, at: test.clock.now())
            )
        } throws: { ($0 as? BackroomError)?.code == .validationFailed }
        #expect(try await test.item("MUG-1").product.name == "Product MUG-1")
    }

    @Test("sign-up answers the same for a new and a taken email")
    func registration() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let fresh = try await client.execute(uri: "/api/v1/auth/register", method: .post, headers: json,
                                                 body: jsonBody(["email": "new@example.com", "displayName": "New", "password": "correct horse"]))
            let taken = try await client.execute(uri: "/api/v1/auth/register", method: .post, headers: json,
                                                 body: jsonBody(["email": "customer@example.com", "displayName": "Eve", "password": "another horse"]))
            #expect(fresh.status == .accepted && taken.status == .accepted)
            #expect(fresh.text.replacingOccurrences(of: "new@example.com", with: "E") == taken.text.replacingOccurrences(of: "customer@example.com", with: "E"))
        }
        #expect(try await server.shop.auth.login(email: "customer@example.com", password: "correct horse").user.displayName == "Customer")
    }

    @Test("an abusive cart is refused with a problem that names the limit")
    func limitProblems() async throws {
        let server = try await TestServer { $0.cartLimits.linesPerCart = 1 }
        try await server.test.product("MUG-1", stock: 30)
        try await server.test.product("TEE-1", stock: 30)
        try await server.run { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let cartID = try #require(try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as? String)
            let share = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: json, body: jsonBody(["quantity": 16]))
            #expect(share.status == .unprocessableContent)
            #expect(try share.json()["code"] as? String == "limit_exceeded")
            #expect(try share.json()["limit"] as? String == "hold_share")
            _ = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .put, headers: json, body: jsonBody(["quantity": 2]))
            let lines = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/TEE-1", method: .put, headers: json, body: jsonBody(["quantity": 1]))
            #expect(try lines.json()["limit"] as? String == "lines_per_cart")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"backroom_limit_refusals_total{limit="lines_per_cart"} 1"#))
        }
    }

    @Test("cart tokens never reach the live views: paths are recorded with the token cut short")
    func redactedCartIDs() async throws {
        let server = try await TestServer()
        try await server.test.product("MUG-1", stock: 3)
        try await server.run { client in
            let cartID = try #require(try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as? String)
            _ = try await client.execute(uri: "/api/v1/carts/\(cartID)", method: .get)
            _ = try await client.execute(uri: "/api/v1/carts/\(cartID)/lines/MUG-1", method: .delete)
            let recorded = server.parts.telemetry.recentRequests().map(\.path)
            #expect(recorded.contains("/api/v1/carts/\(cartID.prefix(5))…"))
            #expect(!recorded.contains { $0.contains(cartID) })
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(!metrics.contains(cartID))
        }
    }

    @Test("/metrics and /openapi.yaml can be kept to an address list")
    func operationsAllowlist() async throws {
        let closed = try await TestServer(configuration: ServerConfiguration(operationsAllowlist: [try AddressRange(parsing: "10.0.0.0/8")]))
        try await closed.runLive { (client: any TestClientProtocol) async throws in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .forbidden)
            #expect(try await client.execute(uri: "/openapi.yaml", method: .get).status == .forbidden)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
        let open = try await TestServer(configuration: ServerConfiguration(operationsAllowlist: [try AddressRange(parsing: "127.0.0.1")]))
        try await open.runLive { (client: any TestClientProtocol) async throws in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
        }
    }

    @Test("X-Forwarded-For is believed from trusted proxies only, and then limits key on the client behind it")
    func trustedProxies() async throws {
        let proxied = try await TestServer(configuration: ServerConfiguration(
            requestsPerSecondPerClient: 0.001, requestBurstPerClient: 2, trustedProxies: [try AddressRange(parsing: "127.0.0.1/32")]
        ))
        try await proxied.runLive { (client: any TestClientProtocol) async throws in
            func get(_ forwardedFor: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/healthz", method: .get, headers: [.init("X-Forwarded-For")!: forwardedFor]).status
            }
            #expect(try await get("203.0.113.5") == .ok)
            #expect(try await get("198.51.100.1, 203.0.113.5") == .ok)
            #expect(try await get("203.0.113.5") == .tooManyRequests)
            #expect(try await get("203.0.113.6") == .ok)
        }
        // Without trusted proxies the header is ignored: the peer is loopback, which is exempt.
        let direct = try await TestServer(configuration: ServerConfiguration(requestsPerSecondPerClient: 0.001, requestBurstPerClient: 1))
        try await direct.runLive { (client: any TestClientProtocol) async throws in
            for _ in 0..<4 {
                #expect(try await client.execute(uri: "/healthz", method: .get, headers: [.init("X-Forwarded-For")!: "203.0.113.5"]).status == .ok)
            }
        }
        // With the exemption off, loopback is limited like anyone.
        let strict = try await TestServer(configuration: ServerConfiguration(requestsPerSecondPerClient: 0.001, requestBurstPerClient: 1, exemptLoopback: false))
        try await strict.runLive { (client: any TestClientProtocol) async throws in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .tooManyRequests)
        }
    }

    @Test("the client behind proxies is the rightmost address no trusted proxy added", arguments: [
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, 10.0.0.7", "203.0.113.5"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        ("192.0.2.1", "203.0.113.5", "192.0.2.1"),
        ("10.0.0.2", "garbage", "10.0.0.2"),
    ])
    func resolution(peer: String, forwardedFor: String, client: String) throws {
        let resolver = ClientResolver(trustedProxies: [try AddressRange(parsing: "10.0.0.0/8")], exemptLoopback: false)
        #expect(resolver.address(peer: peer, headers: [.init("X-Forwarded-For")!: forwardedFor]) == client)
    }

    @Test("Forwarded (RFC 7239) is read too, IPv6 included")
    func forwardedHeader() throws {
        let resolver = ClientResolver(trustedProxies: [try AddressRange(parsing: "::1")], exemptLoopback: false)
        let headers: HTTPFields = [.init("Forwarded")!: #"for=192.0.2.60;proto=http, for="[2001:db8::7]:4711""#]
        #expect(resolver.address(peer: "::1", headers: headers) == "2001:db8::7")
        #expect(try AddressRange(parsing: "2001:db8::/32").contains("2001:db8::7"))
        #expect(try AddressRange(parsing: "127.0.0.0/8").contains("::ffff:127.0.0.9"))
        #expect(throws: BackroomError.self) { try AddressRange(parsing: "10.0.0.0/33") }
        #expect(throws: BackroomError.self) { try AddressRange(parsing: "example.com") }
    }

    @Test("a client that hangs up mid-upload is logged at debug, not as an error")
    func abortedUpload() async throws {
        let server = try await TestServer()
        let logs = CapturedLogs()
        try await server.runLive(logger: logs.logger) { (client: any TestClientProtocol) async throws in
            let port = try #require(client.port)
            let socket = try RawSocket(port: port)
            socket.send("POST /api/v1/carts/c_aaaaaaaaaaaaaaaaaaaaaaaaaa/checkout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"email\":")
            socket.close()
            // The server is still fine, and says so.
            for _ in 0..<50 where try await client.execute(uri: "/healthz", method: .get).status != .ok { }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(logs.messages(atLeast: .error).isEmpty, "\(logs.messages(atLeast: .error))")
    }
}
